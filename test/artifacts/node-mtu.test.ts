import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const lib = join(__dirname, "..", "..", "components", "node", "files", "lib.sh");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs lib.sh's cap_mtu_for_peering with stand-in `ip` and `netplan` that log their calls, and a fake /sys. */
function capMtu(provider: string, mtu: number): { calls: string[]; output: string } {
  const root = mkdtempSync(join(tmpdir(), "portage-mtu-"));
  dirs.push(root);
  const bin = join(root, "bin");
  mkdirSync(bin);
  mkdirSync(join(root, "sys/class/net/ens5"), { recursive: true });
  writeFileSync(join(root, "sys/class/net/ens5/mtu"), `${mtu}\n`);
  const log = join(root, "calls");
  for (const tool of ["ip", "netplan"]) {
    const script = `#!/bin/sh\necho "${tool} $*" >> ${log}\n[ "$*" = "-4 -o route show default" ] && echo "default via 10.100.0.1 dev ens5 proto dhcp src 10.100.64.9 metric 100"\nexit 0\n`;
    writeFileSync(join(bin, tool), script);
    chmodSync(join(bin, tool), 0o755);
  }
  const output = execFileSync("bash", ["-c", `. ${lib}; cap_mtu_for_peering ${provider}`], {
    env: { PATH: `${bin}:/usr/bin:/bin`, PORTAGE_ROOT: root },
    encoding: "utf8",
  });
  const logged = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  const calls = logged.filter((c) => !c.includes("route show default"));
  return { calls, output };
}

describe("the MTU cap for inter-region peering (AWS: jumbo frames inside a VPC, 8500 across regions)", () => {
  it("caps a 9001 MTU at 8500, now and across reboots and DHCP renewals", () => {
    const { calls, output } = capMtu("aws", 9001);
    expect(calls).toEqual([
      "netplan set ethernets.ens5.mtu=8500",
      "netplan set ethernets.ens5.dhcp4-overrides.use-mtu=false",
      "ip link set dev ens5 mtu 8500",
    ]);
    expect(output).toContain("capped the MTU of ens5 at 8500 (was 9001)");
  });

  it("leaves a smaller MTU alone, and GCP (1460 by default) alone", () => {
    expect(capMtu("aws", 1500).calls).toEqual([]);
    expect(capMtu("gcp", 9001).calls).toEqual([]);
  });
});
