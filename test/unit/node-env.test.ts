import { describe, expect, it } from "vitest";
import { appStaticEnv, bootEnvFiles, envQuote, nodeSettings } from "../../components/node/env";
import { nodeRt } from "../artifacts/support/variants";

/** Reads an env file the way the tests expect systemd and bash to (NAME="value", \-escapes). */
function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/\\(.)/g, "$1");
    else if (line && !line.startsWith("#")) throw new Error(`not an env line: ${line}`);
  }
  return out;
}

const secrets = {
  DATABASE_URL: "postgres://hello:p%40ss@db.internal:5432/hello?sslmode=require",
  SECRET_KEY_BASE: "k".repeat(64),
  RELEASE_COOKIE: "cookie-value",
  PHX_HOST: "app.example.com",
  EDGE_ADMIN_PASSWORD: "edge-admin-secret",
};

describe("the release's environment", () => {
  const rt = nodeRt("aws");
  const files = bootEnvFiles(rt, "10.100.1.7", secrets);
  const byPath = Object.fromEntries(files.map((f) => [f.path, f]));

  it("/etc/hello/env has what Phoenix's runtime.exs reads, and every secret but the edge's", () => {
    const env = parseEnv(byPath["/etc/hello/env"]!.content);
    expect(env).toEqual({
      PHX_SERVER: "true",
      PHX_HOST: "app.example.com",
      DATABASE_URL: secrets.DATABASE_URL,
      SECRET_KEY_BASE: secrets.SECRET_KEY_BASE,
      RELEASE_COOKIE: secrets.RELEASE_COOKIE,
      BUCKET_NAME: rt.releases.bucket,
      BUCKET_REGION: "us-east-1",
      RELEASE_DISTRIBUTION: "name",
      ERL_AFLAGS: "-kernel inet_dist_listen_min 9100 inet_dist_listen_max 9155 -start_epmd false",
      ERL_EPMD_PORT: "4369",
      DNS_CLUSTER_QUERY: "nodes.prod.hello.internal",
      CLUSTER_BASENAMES: "hello-4000,hello-4001",
      DATABASE_CA_FILE: "/etc/portage/database-ca.pem",
    });
  });

  it("each color has its port and a node name of its own: <app>-<port>@<private address>", () => {
    expect(parseEnv(byPath["/etc/hello/4000.env"]!.content)).toEqual({ PORT: "4000", RELEASE_NODE: "hello-4000@10.100.1.7" });
    expect(parseEnv(byPath["/etc/hello/4001.env"]!.content)).toEqual({ PORT: "4001", RELEASE_NODE: "hello-4001@10.100.1.7" });
  });

  it("the edge admin password is kept for the deploy script, apart from the app", () => {
    expect(parseEnv(byPath["/etc/portage/edge-admin.env"]!.content)).toEqual({ EDGE_ADMIN_PASSWORD: "edge-admin-secret" });
  });

  it("every file holding a secret is 0600", () => {
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ["/etc/hello/env", "0600"],
      ["/etc/portage/edge-admin.env", "0600"],
      ["/etc/hello/4000.env", "0600"],
      ["/etc/hello/4001.env", "0600"],
    ]);
  });

  it("gcp: the bucket region is the primary region, where the bucket lives", () => {
    expect(parseEnv(appStaticEnv(nodeRt("gcp"))).BUCKET_REGION).toBe("us-east4");
  });

  it("the distribution range follows cluster.distributionPorts", () => {
    const env = parseEnv(appStaticEnv(nodeRt("aws", "prod", { "portage:cluster": { distributionPorts: [9200, 9210] } })));
    expect(env.ERL_AFLAGS).toBe("-kernel inet_dist_listen_min 9200 inet_dist_listen_max 9210 -start_epmd false");
  });
});

describe("node.env (cloud-init's settings for the scripts)", () => {
  it("names the secrets by their store reference, never by value", () => {
    const env = parseEnv(nodeSettings(nodeRt("aws")));
    expect(env.SECRET_REFS).toBe(
      ["DATABASE_URL", "SECRET_KEY_BASE", "RELEASE_COOKIE", "PHX_HOST", "EDGE_ADMIN_PASSWORD"]
        .map((e) => `${e}=/portage/hello-prod/${e}`)
        .join(" "),
    );
    expect(parseEnv(nodeSettings(nodeRt("gcp"))).SECRET_REFS).toContain("DATABASE_URL=hello-prod-database-url");
  });

  it("tells the deploy script where the edge's admin API is and how long a release may take", () => {
    const env = parseEnv(nodeSettings(nodeRt("aws")));
    expect(env.EDGE_ADMIN_URL).toBe("http://edge.prod.hello.internal:8404");
    expect(env.EDGE_KIND).toBe("haproxy");
    expect(env.HEALTH_PATH).toBe("/ping");
    expect(env.HEALTH_TIMEOUT_SECONDS).toBe("120");
    expect(env.PORTS).toBe("4000 4001");
  });
});

describe("env file quoting", () => {
  it.each(["plain", 'with "quotes"', "dollar $HOME and ${X}", "back`tick`", "back\\slash\\", "", "spaces  and\ttab"])(
    "%j reads back verbatim",
    (value) => {
      expect(parseEnv(`X=${envQuote(value)}\n`).X).toBe(value);
    },
  );

  it("refuses a line break (an env file cannot carry it)", () => {
    expect(() => envQuote("a\nb")).toThrow(/line break/);
  });
});
