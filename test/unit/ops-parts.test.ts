import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOpsArgs } from "../../tools/ops/args";
import { nodesTable, statusTable } from "../../tools/ops/format";
import { sshKeyProblem } from "../../tools/ops/keys";
import { findNode, parseOutputs } from "../../tools/ops/outputs";
import { rollbackPlan } from "../../tools/ops/rollback";
import { remote, shellQuote, sshArgv } from "../../tools/ops/ssh";
import { parseCurrent, parseEdgeStatus, parseHistory } from "../../tools/ops/state";

const examplePath = join(__dirname, "..", "..", "tools", "ops", "example-outputs.json");
const stack = parseOutputs(readFileSync(examplePath, "utf8"), "example-outputs.json");

describe("ops arguments", () => {
  it("reads a command, its node and the options", () => {
    expect(parseOpsArgs(["logs", "london-1", "--lines", "50", "-f", "--stack", "prod"])).toMatchObject({
      command: "logs",
      node: "london-1",
      lines: 50,
      follow: true,
      stack: "prod",
      wait: true,
      dryRun: false,
    });
    expect(parseOpsArgs(["reboot", "virginia-2", "--no-wait"])).toMatchObject({ command: "reboot", node: "virginia-2", wait: false });
    expect(parseOpsArgs(["rollback", "--node", "london-1", "--dry-run"])).toMatchObject({
      command: "rollback",
      node: "london-1",
      dryRun: true,
    });
    expect(parseOpsArgs([])).toMatchObject({ command: "help" });
    expect(parseOpsArgs(["eval", "london-1", "Node.list()"])).toMatchObject({
      command: "eval",
      node: "london-1",
      expression: "Node.list()",
    });
    expect(parseOpsArgs(["logs", "--all", "-f"])).toMatchObject({ command: "logs", all: true, follow: true, node: undefined });
  });

  it("refuses what it cannot do, saying what is allowed", () => {
    expect(() => parseOpsArgs(["deploy"])).toThrow(
      'unknown command "deploy" (to ship a release: npm run deploy -- <tarball>); use one of: nodes, status, ssh, console, eval, logs, reboot, rollback, help',
    );
    expect(() => parseOpsArgs(["eval", "virginia-1"])).toThrow("eval needs a node and one expression");
    expect(() => parseOpsArgs(["console"])).toThrow("console needs one node name: npm run ops -- console <node>");
    expect(() => parseOpsArgs(["nodes", "--all"])).toThrow("--all goes with logs");
    expect(() => parseOpsArgs(["logs"])).toThrow("logs needs one node name: npm run ops -- logs <node> (or --all)");
    expect(() => parseOpsArgs(["ssh"])).toThrow("ssh needs one node name: npm run ops -- ssh <node>");
    expect(() => parseOpsArgs(["nodes", "virginia-1"])).toThrow('nodes takes no argument "virginia-1"');
    expect(() => parseOpsArgs(["logs", "virginia-1", "--lines", "many"])).toThrow("--lines many: give a whole number of lines");
    expect(() => parseOpsArgs(["nodes", "--verbose"])).toThrow(/Unknown option '--verbose'/);
  });
});

describe("stack outputs", () => {
  it("reads the nodes, the edge and the app from `pulumi stack output --json`", () => {
    expect(stack.edgeAddress).toBe("198.51.100.20");
    expect(stack.nodes.map((n) => n.name)).toEqual(["virginia-1", "virginia-2", "london-1"]);
    expect(stack.app).toEqual({ name: "hello", version: "0.3.0", ports: [4000, 4001], healthPath: "/ping" });
  });

  it("says when a stack has no outputs yet, or not portage's", () => {
    expect(() => parseOutputs("{}", "stack dev")).toThrow(
      "stack dev has no outputs: the stack has not been deployed yet. Run pulumi up first.",
    );
    expect(() => parseOutputs('{"url":"http://x"}', "stack dev")).toThrow("stack dev lacks edgeAddress, nodes, adminUser, app, edgeKind");
    expect(() => parseOutputs("Stack dev not found", "stack dev")).toThrow("stack dev is not JSON");
  });

  it("names the known nodes when asked for an unknown one", () => {
    expect(() => findNode(stack, "virginia-9")).toThrow(
      'unknown node "virginia-9"; this stack\'s nodes are: virginia-1, virginia-2, london-1 (or "edge" for the edge itself)',
    );
  });
});

describe("ssh commands", () => {
  const access = { user: "portage", edge: "198.51.100.20" };

  it("reaches a node through the edge as a jump host", () => {
    expect(sshArgv(access, "10.101.1.10", remote.current, { batch: true })).toEqual([
      "ssh",
      "-o",
      "StrictHostKeyChecking=accept-new",
      "-o",
      "ConnectTimeout=10",
      "-o",
      "BatchMode=yes",
      "-J",
      "portage@198.51.100.20",
      "portage@10.101.1.10",
      "--",
      "cat /var/lib/portage/current 2>/dev/null || true",
    ]);
  });

  it("logs into the edge directly", () => {
    expect(sshArgv(access, "198.51.100.20")).toEqual([
      "ssh",
      "-o",
      "StrictHostKeyChecking=accept-new",
      "-o",
      "ConnectTimeout=10",
      "portage@198.51.100.20",
    ]);
  });

  it("uses an explicit key for both hops (ssh -J would not pass it to the jump)", () => {
    const argv = sshArgv({ ...access, identity: "/home/me/keys/ops key" }, "10.100.1.10", undefined, { tty: true });
    expect(argv).toEqual([
      "ssh",
      "-o",
      "StrictHostKeyChecking=accept-new",
      "-o",
      "ConnectTimeout=10",
      "-t",
      "-i",
      "/home/me/keys/ops key",
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "ProxyCommand=ssh -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10 -i '/home/me/keys/ops key' -o IdentitiesOnly=yes -W %h:%p portage@198.51.100.20",
      "portage@10.100.1.10",
    ]);
  });

  it("asks journalctl for the release's units, quoted for the remote shell", () => {
    expect(remote.logs("hello", 50, true)).toBe(
      "sudo -n journalctl --no-pager -o short-iso -u 'hello@*' -u hello-epmd -u portage-boot -n 50 -f",
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe("node state", () => {
  it("reads current, history and the edge's status lines", () => {
    expect(parseCurrent("0.3.0 9f86d081884c7d65 4001\n")).toEqual({ version: "0.3.0", sha256: "9f86d081884c7d65", port: 4001 });
    expect(parseCurrent("")).toBeUndefined();
    expect(parseHistory("2026-01-01T10:00:00Z 0.1.0 aaa\n\ngarbage\n2026-01-02T10:00:00Z 0.2.0 bbb\n")).toEqual([
      { time: "2026-01-01T10:00:00Z", version: "0.1.0", sha256: "aaa" },
      { time: "2026-01-02T10:00:00Z", version: "0.2.0", sha256: "bbb" },
    ]);
    expect(parseEdgeStatus("virginia-1-4000 10.100.1.10:4000 UP\nvirginia-1-4001 10.100.1.10:4001 DOWN\nbad line\n")).toEqual([
      { server: "virginia-1-4000", address: "10.100.1.10", port: 4000, state: "UP" },
      { server: "virginia-1-4001", address: "10.100.1.10", port: 4001, state: "DOWN" },
    ]);
  });
});

const edge = parseEdgeStatus(
  [
    "virginia-1-4000 10.100.1.10:4000 DOWN",
    "virginia-1-4001 10.100.1.10:4001 UP",
    "virginia-2-4000 10.100.2.11:4000 UP",
    "virginia-2-4001 10.100.2.11:4001 DOWN",
    "london-1-4000 10.101.1.10:4000 DRAIN",
    "london-1-4001 10.101.1.10:4001 DOWN",
    "oregon-1-4000 10.102.1.10:4000 DOWN",
  ].join("\n"),
);

describe("tables", () => {
  it("lists nodes with the release they serve and the serving port's health on the edge", () => {
    const readings = [
      { current: { version: "0.3.0", sha256: "x", port: 4001 } },
      { current: { version: "0.3.0", sha256: "x", port: 4000 } },
      { error: "ssh: connect to host 10.101.1.10 port 22: Connection timed out" },
    ];
    expect(nodesTable(stack, readings, edge)).toBe(
      [
        "NAME        REGION     ADDRESS      RELEASE      PORT  HEALTH",
        "virginia-1  us-east-1  10.100.1.10  0.3.0        4001  UP",
        "virginia-2  us-east-1  10.100.2.11  0.3.0        4000  UP",
        "london-1    eu-west-2  10.101.1.10  unreachable  -     -",
      ].join("\n"),
    );
    expect(nodesTable(stack, readings, undefined).split("\n")[1]).toMatch(/unknown$/);
  });

  it("shows the edge's view of both ports per node, and stale servers", () => {
    expect(statusTable(stack, edge)).toBe(
      [
        "NODE             ADDRESS      4000   4001  HEALTH",
        "virginia-1       10.100.1.10  DOWN   UP    serving",
        "virginia-2       10.100.2.11  UP     DOWN  serving",
        "london-1         10.101.1.10  DRAIN  DOWN  draining",
        "(oregon-1-4000)  10.102.1.10  DOWN   -     not in the stack",
      ].join("\n"),
    );
  });
});

describe("ssh key check", () => {
  it("accepts an agent with keys, a default key file or an existing --identity", () => {
    expect(sshKeyProblem({ agent: true, agentStatus: 0, defaultKeys: [] })).toBeUndefined();
    expect(sshKeyProblem({ agent: false, defaultKeys: ["id_ed25519"] })).toBeUndefined();
    expect(sshKeyProblem({ identity: { path: "/k", exists: true }, agent: false, defaultKeys: [] })).toBeUndefined();
  });

  it("says what is missing and how to fix it", () => {
    expect(sshKeyProblem({ agent: true, agentStatus: 1, defaultKeys: [] })).toBe(
      "no SSH key: ssh-agent holds no key and ~/.ssh has none of id_ed25519, id_ecdsa, id_rsa. Load the key whose public half is portage:access.sshPublicKey (ssh-add ~/.ssh/<key>), or pass --identity <file>.",
    );
    expect(sshKeyProblem({ agent: false, defaultKeys: [] })).toMatch(/^no SSH key: no ssh-agent is running \(SSH_AUTH_SOCK is unset\)/);
    expect(sshKeyProblem({ identity: { path: "/nope", exists: false }, agent: true, agentStatus: 0, defaultKeys: [] })).toMatch(
      /^--identity \/nope: no such file/,
    );
  });
});

describe("rollback plan", () => {
  const history = parseHistory(
    [
      "2026-01-01T10:00:00Z 0.1.0 aaa",
      "2026-01-05T10:00:00Z 0.2.0 bbb",
      "2026-01-09T10:00:00Z 0.3.0 ccc",
      "2026-01-09T11:00:00Z 0.3.0 ccc",
    ].join("\n"),
  );
  const input = {
    stack: "prod",
    app: "hello",
    node: "virginia-1",
    currentVersion: "0.3.0",
    history,
    configuredRelease: "./releases/hello-0.3.0.tar.gz",
  };

  it("sets the version deployed before the current one, and the release path that names it", () => {
    const plan = rollbackPlan(input);
    expect(plan.to).toEqual({ time: "2026-01-05T10:00:00Z", version: "0.2.0", sha256: "bbb" });
    expect(plan.commands).toEqual([
      ["pulumi", "config", "set", "--stack", "prod", "--path", "portage:app.version", "0.2.0"],
      ["pulumi", "config", "set", "--stack", "prod", "--path", "portage:app.release", "./releases/hello-0.2.0.tar.gz"],
    ]);
  });

  it("leaves a release path without a version alone, and says so", () => {
    const plan = rollbackPlan({ ...input, configuredRelease: "./build/hello.tar.gz" });
    expect(plan.commands).toHaveLength(1);
    expect(plan.notes).toEqual([
      "portage:app.release (./build/hello.tar.gz) names no version: put the 0.2.0 tarball there before pulumi up.",
    ]);
  });

  it("refuses when there is nothing before the current version", () => {
    expect(() => rollbackPlan({ ...input, history: history.slice(2) })).toThrow(
      "virginia-1's history has no version other than 0.3.0: nothing to roll back to.",
    );
    expect(() => rollbackPlan({ ...input, history: [] })).toThrow("virginia-1 has no deploy history");
  });
});
