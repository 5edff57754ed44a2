import { afterAll, describe, expect, it } from "vitest";
import { haproxyForwardConfig } from "../../components/migration";
import { removeScratchDirs } from "../../lab/scratch/scratch";
import { haproxyCheck, throwawayCert } from "../support/haproxy";
import { routes } from "./support/variants";

/** The forwarding edge's config, checked by HAProxy itself (the e2e rehearsal runs it under load). */
describe("haproxy -c accepts the source edge's forwarding config", () => {
  const cert = throwawayCert();
  afterAll(() => removeScratchDirs());

  it.each([
    { name: "no domain, three nodes", domain: false },
    { name: "with a domain (TLS to the target edge)", domain: true },
  ])("$name", ({ domain }) => {
    const check = haproxyCheck(haproxyForwardConfig(routes("haproxy", domain, 3), { address: "10.200.0.5" }, { certFile: cert }));
    expect(check.output).not.toMatch(/ALERT/);
    expect(check.ok, check.output).toBe(true);
  });
});
