import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ops, type Deps, type Result } from "../../tools/ops/main";

const exampleOutputs = readFileSync(join(__dirname, "..", "..", "tools", "ops", "example-outputs.json"), "utf8");
const edge = "198.51.100.20";
const jump = ["-J", `portage@${edge}`];
const batch = ["ssh", "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=10", "-o", "BatchMode=yes"];

/** The fleet behind the example outputs, as ssh and pulumi would answer. */
interface Fleet {
  outputs: string;
  /** Successive answers of `portage-edge-status` (the last one repeats). */
  edgeStatus: string[];
  current: Record<string, string>;
  history: Record<string, string>;
  unreachable?: string[];
  agentStatus?: number;
  pulumiMissing?: boolean;
  files?: Record<string, string>;
}

const healthy = [
  "virginia-1-4000 10.100.1.10:4000 DOWN",
  "virginia-1-4001 10.100.1.10:4001 UP",
  "virginia-2-4000 10.100.2.11:4000 UP",
  "virginia-2-4001 10.100.2.11:4001 DOWN",
  "london-1-4000 10.101.1.10:4000 UP",
  "london-1-4001 10.101.1.10:4001 DOWN",
].join("\n");

const fleet = (over: Partial<Fleet> = {}): Fleet => ({
  outputs: exampleOutputs,
  edgeStatus: [healthy],
  current: {
    "10.100.1.10": "0.3.0 c0ffee00c0ffee00 4001",
    "10.100.2.11": "0.3.0 c0ffee00c0ffee00 4000",
    "10.101.1.10": "0.3.0 c0ffee00c0ffee00 4000",
  },
  history: {
    "10.100.1.10": "2026-01-05T10:00:00Z 0.2.0 b0b0b0b0b0b0b0b0\n2026-01-09T10:00:00Z 0.3.0 c0ffee00c0ffee00\n",
  },
  agentStatus: 0,
  ...over,
});

function harness(f: Fleet) {
  const captured: string[][] = [];
  const attached: string[][] = [];
  const out: string[] = [];
  const progress: string[] = [];
  let edgeCalls = 0;
  const ok = (stdout: string): Result => ({ code: 0, stdout, stderr: "" });
  const deps: Deps = {
    run: {
      async capture(argv) {
        captured.push([...argv]);
        const [program, ...args] = argv;
        if (program === "pulumi" && f.pulumiMissing) return { code: 127, stdout: "", stderr: "pulumi: command not found" };
        if (program === "pulumi" && args.slice(0, 2).join(" ") === "stack output") return ok(f.outputs);
        if (program === "pulumi" && args[0] === "config") return ok("");
        if (program === "ssh-add") return { code: f.agentStatus ?? 2, stdout: "", stderr: "" };
        if (program !== "ssh") throw new Error(`unexpected ${argv.join(" ")}`);
        const dash = argv.indexOf("--");
        const host = (argv[dash - 1] ?? "").replace(/^portage@/, "");
        const command = argv[dash + 1] ?? "";
        if (f.unreachable?.includes(host))
          return { code: 255, stdout: "", stderr: `ssh: connect to host ${host} port 22: Connection timed out` };
        if (host === edge && command === "sudo -n portage-edge-status")
          return ok(f.edgeStatus[Math.min(edgeCalls++, f.edgeStatus.length - 1)] ?? "");
        if (command.startsWith("cat /var/lib/portage/current")) return ok(f.current[host] ?? "");
        if (command.startsWith("cat /var/lib/portage/history")) return ok(f.history[host] ?? "");
        if (command === "sudo -n systemctl --no-block reboot")
          return { code: 255, stdout: "", stderr: `Connection to ${host} closed by remote host.` };
        throw new Error(`unexpected ${argv.join(" ")}`);
      },
      async attach(argv) {
        attached.push([...argv]);
        return 0;
      },
    },
    ui: {
      out: (text) => out.push(text),
      progress: async (label, work) => {
        progress.push(label);
        return work();
      },
    },
    env: { SSH_AUTH_SOCK: "/tmp/agent.sock" },
    home: "/home/op",
    root: "/repo",
    cwd: "/repo",
    readFile: (path) => {
      const text = f.files?.[path];
      if (text === undefined) throw new Error(`no file ${path}`);
      return text;
    },
    exists: (path) => f.files?.[path] !== undefined,
    sleep: async () => undefined,
  };
  return { deps, captured, attached, out, progress, run: (...argv: string[]) => ops(argv, deps) };
}

describe("npm run ops -- nodes", () => {
  it("asks the edge first, then every node through it, and prints one row per node", async () => {
    const h = harness(fleet());
    expect(await h.run("nodes", "--stack", "prod")).toBe(0);
    expect(h.captured).toEqual([
      ["pulumi", "stack", "output", "--json", "--stack", "prod"],
      ["ssh-add", "-l"],
      [...batch, `portage@${edge}`, "--", "sudo -n portage-edge-status"],
      [...batch, ...jump, "portage@10.100.1.10", "--", "cat /var/lib/portage/current 2>/dev/null || true"],
      [...batch, ...jump, "portage@10.100.2.11", "--", "cat /var/lib/portage/current 2>/dev/null || true"],
      [...batch, ...jump, "portage@10.101.1.10", "--", "cat /var/lib/portage/current 2>/dev/null || true"],
    ]);
    expect(h.out).toEqual([
      [
        "NAME        REGION     ADDRESS      RELEASE  PORT  HEALTH",
        "virginia-1  us-east-1  10.100.1.10  0.3.0    4001  UP",
        "virginia-2  us-east-1  10.100.2.11  0.3.0    4000  UP",
        "london-1    eu-west-2  10.101.1.10  0.3.0    4000  UP",
      ].join("\n"),
    ]);
    expect(h.progress).toEqual(["reading the stack's outputs", `asking the haproxy edge at ${edge}`, "reading 3 nodes"]);
  });

  it("still lists the others when a node does not answer, says why, and exits 1", async () => {
    const h = harness(fleet({ unreachable: ["10.101.1.10"] }));
    expect(await h.run("nodes", "--stack", "prod")).toBe(1);
    expect(h.out.join("\n")).toContain("london-1    eu-west-2  10.101.1.10  unreachable  -     -");
    expect(h.out.join("\n")).toContain("london-1: ssh: connect to host 10.101.1.10 port 22: Connection timed out");
  });
});

describe("npm run ops -- status", () => {
  it("prints the edge's table and exits 1 when a node is not serving", async () => {
    const down = healthy.replace("london-1-4000 10.101.1.10:4000 UP", "london-1-4000 10.101.1.10:4000 DOWN");
    const h = harness(fleet({ edgeStatus: [down], files: { "/repo/saved/outputs.json": exampleOutputs } }));
    expect(await h.run("status", "--outputs", "saved/outputs.json")).toBe(1);
    expect(h.captured.filter(([p]) => p === "pulumi")).toEqual([]);
    expect(h.out[0]).toContain("london-1    10.101.1.10  DOWN  DOWN  down");
    expect(h.out[0]).toMatch(/2 of 3 nodes serving through the haproxy edge at 198\.51\.100\.20$/);
  });
});

describe("npm run ops -- ssh / logs", () => {
  it("opens a shell on a node through the edge, or on the edge itself", async () => {
    const h = harness(fleet());
    await h.run("ssh", "virginia-2");
    await h.run("ssh", "edge");
    expect(h.attached).toEqual([
      ["ssh", "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=10", ...jump, "portage@10.100.2.11"],
      ["ssh", "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=10", `portage@${edge}`],
    ]);
  });

  it("follows the release's journal with a terminal, so Ctrl-C stops journalctl", async () => {
    const h = harness(fleet());
    await h.run("logs", "london-1", "-f", "--lines", "20");
    expect(h.attached).toEqual([
      [
        "ssh",
        "-o",
        "StrictHostKeyChecking=accept-new",
        "-o",
        "ConnectTimeout=10",
        "-t",
        ...jump,
        "portage@10.101.1.10",
        "--",
        "sudo -n journalctl --no-pager -o short-iso -u 'hello@*' -u hello-epmd -u portage-boot -n 20 -f",
      ],
    ]);
  });

  it('shows the edge\'s own journal for "edge"', async () => {
    const h = harness(fleet());
    await h.run("logs", "edge");
    expect(h.attached).toEqual([
      [
        "ssh",
        "-o",
        "StrictHostKeyChecking=accept-new",
        "-o",
        "ConnectTimeout=10",
        `portage@${edge}`,
        "--",
        "sudo -n journalctl --no-pager -o short-iso -u haproxy -u portage-edge-boot -u portage-acme -n 200",
      ],
    ]);
  });

  it("prints the command instead with --dry-run, needing no key", async () => {
    const h = harness(fleet({ agentStatus: 1 }));
    await h.run("ssh", "london-1", "--dry-run");
    expect(h.out).toEqual([`ssh -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10 -J portage@${edge} portage@10.101.1.10`]);
    expect(h.attached).toEqual([]);
  });
});

describe("errors an operator can act on", () => {
  it("an unknown node lists the known ones and runs nothing", async () => {
    const h = harness(fleet());
    await expect(h.run("ssh", "virginia-3")).rejects.toThrow(
      'unknown node "virginia-3"; this stack\'s nodes are: virginia-1, virginia-2, london-1',
    );
    expect(h.attached).toEqual([]);
  });

  it("a stack without outputs says to run pulumi up", async () => {
    const h = harness(fleet({ outputs: "{}" }));
    await expect(h.run("nodes", "--stack", "dev")).rejects.toThrow(
      "stack dev has no outputs: the stack has not been deployed yet. Run pulumi up first.",
    );
  });

  it("no Pulumi CLI points at --outputs", async () => {
    const h = harness(fleet({ pulumiMissing: true }));
    await expect(h.run("nodes")).rejects.toThrow("the Pulumi CLI is not installed here; pass --outputs <file>");
  });

  it("no SSH key says how to load one, before any ssh runs", async () => {
    const h = harness(fleet({ agentStatus: 1 }));
    await expect(h.run("nodes", "--stack", "prod")).rejects.toThrow(/^no SSH key: ssh-agent holds no key/);
    expect(h.captured.filter(([p]) => p === "ssh")).toEqual([]);
  });
});

describe("npm run ops -- reboot", () => {
  it("queues the reboot, then waits until the edge sees the node go down and serve again", async () => {
    const down = healthy.replace("10.100.2.11:4000 UP", "10.100.2.11:4000 DOWN");
    const h = harness(fleet({ edgeStatus: [healthy, down, down, healthy] }));
    expect(await h.run("reboot", "virginia-2", "--stack", "prod")).toBe(0);
    expect(h.captured.find((argv) => argv.includes("sudo -n systemctl --no-block reboot"))).toEqual([
      ...batch,
      ...jump,
      "portage@10.100.2.11",
      "--",
      "sudo -n systemctl --no-block reboot",
    ]);
    expect(h.captured.filter((argv) => argv.includes("sudo -n portage-edge-status"))).toHaveLength(4);
    expect(h.progress).toContain("waiting for the edge to see virginia-2 serving again");
    expect(h.out).toEqual(["virginia-2 rebooted and is serving again."]);
  });
});

describe("npm run ops -- rollback", () => {
  const files = {
    "/repo/Pulumi.prod.yaml": "config:\n  portage:app:\n    name: hello\n    release: ./releases/hello-0.3.0.tar.gz\n    version: 0.3.0\n",
  };

  it("sets the previous version from the first node's history and tells the user to pulumi up", async () => {
    const h = harness(fleet({ files }));
    expect(await h.run("rollback", "--stack", "prod")).toBe(0);
    expect(h.captured.filter(([p]) => p === "pulumi").slice(1)).toEqual([
      ["pulumi", "config", "set", "--stack", "prod", "--path", "portage:app.version", "0.2.0"],
      ["pulumi", "config", "set", "--stack", "prod", "--path", "portage:app.release", "./releases/hello-0.2.0.tar.gz"],
    ]);
    expect(h.out).toEqual([
      "prod: virginia-1 serves 0.3.0; the version before it is 0.2.0 (deployed 2026-01-05T10:00:00Z, sha256 b0b0b0b0b0b0).",
      "set portage:app.version = 0.2.0, portage:app.release = ./releases/hello-0.2.0.tar.gz",
      [
        "./releases/hello-0.2.0.tar.gz is not here: rebuild 0.2.0 (MIX_ENV=prod mix release) or download releases/hello-0.2.0.tar.gz from the stack's bucket.",
        "Now review and roll out: pulumi up --stack prod",
      ].join("\n"),
    ]);
  });

  it("with --dry-run prints the config commands and changes nothing", async () => {
    const h = harness(fleet({ files: { ...files, "/repo/releases/hello-0.2.0.tar.gz": "tarball" } }));
    await h.run("rollback", "--stack", "prod", "--dry-run");
    expect(h.captured.filter(([p, verb]) => p === "pulumi" && verb === "config")).toEqual([]);
    expect(h.out[1]).toBe(
      "would run:\n  pulumi config set --stack prod --path portage:app.version 0.2.0\n  pulumi config set --stack prod --path portage:app.release ./releases/hello-0.2.0.tar.gz",
    );
    expect(h.out[2]).toBe("Now review and roll out: pulumi up --stack prod");
  });
});
