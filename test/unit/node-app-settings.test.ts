import { describe, expect, it } from "vitest";
import {
  appSettingsProblems,
  isReservedEnvName,
  reservedEnvPatterns,
  settingsEntry,
  settingsEntryLimit,
} from "../../components/node/app-env";
import { bootEnvFiles, nodeSettings } from "../../components/node/env";
import { nodeFiles, nodeUserData } from "../../components/node/node";
import { appUnit } from "../../components/node/units";
import { parseUserData } from "../artifacts/support/user-data";
import { nodeRt } from "../artifacts/support/variants";

/** The app's own settings and secrets, and the files a node with the agent gets. */

const secrets = { DATABASE_URL: "ecto://u:p@db/x", SECRET_KEY_BASE: "k", RELEASE_COOKIE: "c", PHX_HOST: "h", EDGE_ADMIN_PASSWORD: "e" };
const names = (text: string) => [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

describe("the names portage keeps for itself", () => {
  it("cover every variable portage puts in the release's environment (env files and the unit)", () => {
    const rt = nodeRt("aws");
    const written = bootEnvFiles(rt, "10.0.0.1", secrets).flatMap((f) => names(f.content));
    const unit = [...appUnit(rt).content.matchAll(/^Environment=(.*)$/gm)].flatMap((m) => m[1]!.split(" ").map((kv) => kv.split("=")[0]!));
    expect(written.length).toBeGreaterThan(12);
    for (const name of [...written, ...unit]) expect(isReservedEnvName(name), name).toBe(true);
  });

  it("are what node.env hands portage-boot to refuse, as shell patterns", () => {
    const rt = { ...nodeRt("aws"), appSettings: { env: "/portage/hello-prod/APP_ENV", secrets: "/portage/hello-prod/APP_SECRETS" } };
    const settings = nodeSettings(rt);
    expect(settings).toContain(`RESERVED_ENV="${reservedEnvPatterns()}"`);
    expect(reservedEnvPatterns()).toMatch(/(^| )RELEASE_\*( |$)/);
    expect(settings).toContain('APP_SECRETS_REF="/portage/hello-prod/APP_SECRETS"');
    // A stack without app settings keeps its node.env, and so its user-data.
    expect(nodeSettings(nodeRt("aws"))).not.toMatch(/APP_ENV_REF|RESERVED_ENV/);
  });
});

describe("portage:app.env and portage:app.secrets", () => {
  const check = (env: Record<string, unknown>, secretValues: Record<string, unknown> = {}, cloud: "aws" | "gcp" = "aws") =>
    appSettingsProblems({ env, secrets: secretValues }, cloud);

  it("accept variable names with text, numbers and booleans", () => {
    expect(check({ POOL_SIZE: 10, FEATURE_X: true, GREETING: "hello $world" }, { STRIPE_KEY: "sk_live_x" })).toEqual([]);
  });

  it.each([
    [{ DATABASE_URL: "x" }, "portage:app.env.DATABASE_URL: portage sets DATABASE_URL itself; choose another name"],
    [{ PORT: "80" }, "portage:app.env.PORT: portage sets PORT itself; choose another name"],
    [
      { RELEASE_COOKIE_X: "x" },
      "portage:app.env.RELEASE_COOKIE_X: portage sets RELEASE_COOKIE_X itself (every name starting with RELEASE_ is portage's); choose another name",
    ],
    [
      { ERL_FLAGS: "+S 1" },
      "portage:app.env.ERL_FLAGS: portage sets ERL_FLAGS itself (every name starting with ERL_ is portage's); choose another name",
    ],
    [
      { "my-var": "x" },
      'portage:app.env.my-var: "my-var" is not a variable name (letters, digits and _, not starting with a digit, at most 128)',
    ],
    [{ "1X": "x" }, 'portage:app.env.1X: "1X" is not a variable name (letters, digits and _, not starting with a digit, at most 128)'],
    [{ X: "a\nb" }, 'portage:app.env.X: "a\\nb" has a line break or a NUL byte, which an env file cannot carry'],
    [{ X: { nested: 1 } }, 'portage:app.env.X: {"nested":1} is not text, a number or a boolean'],
  ])("refuse %j, saying which key and why", (env, message) => {
    expect(check(env)).toEqual([message]);
  });

  it("never show a secret's value in a message", () => {
    const problems = check({}, { TOKEN: "super-secret\nvalue", RELEASE_NODE: "also-secret" });
    expect(problems).toEqual([
      "portage:app.secrets.TOKEN: the value has a line break or a NUL byte, which an env file cannot carry",
      "portage:app.secrets.RELEASE_NODE: portage sets RELEASE_NODE itself; choose another name",
    ]);
    expect(problems.join("\n")).not.toMatch(/super-secret|also-secret/);
  });

  it("refuse a name set in both", () => {
    expect(check({ API_KEY: "public" }, { API_KEY: "secret" })).toEqual([
      "portage:app.env.API_KEY: API_KEY is in portage:app.secrets too; keep it in one of them",
    ]);
  });

  it("refuse more than an SSM parameter holds on aws, and allow it on gcp (Secret Manager holds 64 KiB)", () => {
    const big = { CERT: "x".repeat(settingsEntryLimit.aws) };
    expect(check({}, big, "aws")).toEqual([
      `portage:app.secrets: together ${settingsEntryLimit.aws + 8} bytes as the store entry, over the 4096 bytes an SSM parameter holds; keep large values in the bucket or the database`,
    ]);
    expect(check({}, big, "gcp")).toEqual([]);
  });
});

describe("the store entry the settings become", () => {
  it('is NAME="value" lines sorted by name, quoted as every env file of the node', () => {
    expect(settingsEntry({ Z: "last", A: 'quote " dollar $HOME', N: 3 })).toBe('A="quote \\" dollar \\$HOME"\nN="3"\nZ="last"\n');
  });

  it("is never empty (an SSM parameter cannot be)", () => {
    expect(settingsEntry({})).toBe("# no settings\n");
  });

  it("reaches the release's env file as portage-boot writes it: plain settings first, secrets after the marker", () => {
    const rt = nodeRt("gcp");
    const [env] = bootEnvFiles(rt, "10.0.0.1", secrets, {
      env: settingsEntry({ GREETING: "hi" }),
      secrets: settingsEntry({ STRIPE_KEY: "sk" }),
    });
    const lines = env!.content.trim().split("\n");
    expect(lines.indexOf('GREETING="hi"')).toBeLessThan(lines.indexOf("# secrets"));
    expect(lines.indexOf('STRIPE_KEY="sk"')).toBeGreaterThan(lines.indexOf('DATABASE_URL="ecto://u:p@db/x"'));
  });
});

describe("a node that runs the agent", () => {
  const rt = { ...nodeRt("aws"), agent: {} };

  it("gets portage-agent, its bucket client and its unit, and starts it beside boot", () => {
    const paths = nodeFiles(rt).map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/usr/local/bin/portage-agent",
        "/usr/local/bin/portage-bucket",
        "/etc/systemd/system/portage-agent.service",
      ]),
    );
    const doc = parseUserData(nodeUserData(rt));
    expect(doc.runcmd).toContainEqual(["systemctl", "enable", "hello-epmd.service", "portage-boot.service", "portage-agent.service"]);
    expect(doc.runcmd).toContainEqual(["systemctl", "start", "--no-block", "portage-boot.service", "portage-agent.service"]);
  });

  it("a stack without the agent keeps exactly today's files", () => {
    expect(nodeFiles(nodeRt("aws")).map((f) => f.path)).not.toContain("/usr/local/bin/portage-agent");
  });

  it("restarts the agent forever, backing off, and lets a deploy it started finish when it stops", () => {
    const unit = nodeFiles(rt).find((f) => f.path.endsWith("portage-agent.service"))!.content;
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^StartLimitIntervalSec=0$/m);
    expect(unit).toMatch(/^RestartMaxDelaySec=60$/m);
    expect(unit).toMatch(/^KillMode=process$/m);
  });
});
