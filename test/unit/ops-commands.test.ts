import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ops, type Deps, type Result } from "../../tools/ops/main";

const exampleOutputs = readFileSync(join(__dirname, "..", "..", "tools", "ops", "example-outputs.json"), "utf8");
const edge = "198.51.100.20";
const jump = ["-J", `portage@${edge}`];
const ssh = ["ssh", "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=10"];
const batch = [...ssh, "-o", "BatchMode=yes"];

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
  /** `logs --all`: each node's journal (short-iso-precise, ending with its cursor line), and what following it prints. */
  journal?: Record<string, string>;
  followed?: Record<string, string[]>;
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
  const streamed: string[][] = [];
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
        if (command.includes("--show-cursor")) return ok(f.journal?.[host] ?? "-- No entries --\n");
        if (command === "sudo -n systemctl --no-block reboot")
          return { code: 255, stdout: "", stderr: `Connection to ${host} closed by remote host.` };
        throw new Error(`unexpected ${argv.join(" ")}`);
      },
      async attach(argv) {
        attached.push([...argv]);
        return 0;
      },
      async stream(argv, onLine) {
        streamed.push([...argv]);
        for (const line of f.followed?.[(argv[argv.indexOf("--") - 1] ?? "").replace(/^portage@/, "")] ?? []) onLine(line, "stdout");
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
  return { deps, captured, attached, streamed, out, progress, run: (...argv: string[]) => ops(argv, deps) };
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

/** The words the node's shell makes of the command after `sudo -n sh -c` (bash parses it as the admin user's shell would). */
function remoteArgv(command: string): string[] {
  const rest = command.replace(/^sudo -n sh -c /, "");
  const out = execFileSync("bash", ["-c", `words() { printf '%s\\0' "$@"; }; words ${rest}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("npm run ops -- console / eval", () => {
  it("opens a remote IEx shell with a terminal on the release the node serves, as the app's user with its environment", async () => {
    const h = harness(fleet());
    expect(await h.run("console", "virginia-2")).toBe(0);
    const [argv] = h.attached;
    expect(argv?.slice(0, 9)).toEqual([...ssh, "-t", ...jump, "portage@10.100.2.11"]);
    const command = argv?.[argv.indexOf("--") + 1] ?? "";
    expect(command).toMatch(/^sudo -n sh -c '.*' portage-release remote$/s);
    const [script, name, arg] = remoteArgv(command);
    expect([name, arg]).toEqual(["portage-release", "remote"]);
    expect(script).toContain("read -r _ _ port < /var/lib/portage/current");
    expect(script).toContain('. "/etc/$app/env"; . "/etc/$app/$port.env"');
    expect(script).toContain('exec setpriv --reuid="$app" --regid="$app" --init-groups "/opt/$app/ports/$port/bin/$app" "$@"');
    expect(script).toMatch(/^app=hello$/m);
  });

  it("evaluates an expression in the running release with bin/<app> rpc and prints its value, quoting survives the remote shell", async () => {
    const h = harness(fleet());
    const expression = `IO.puts("it's #{node()}"); :ok`;
    expect(await h.run("eval", "london-1", expression)).toBe(0);
    const [argv] = h.attached;
    expect(argv).not.toContain("-t");
    const words = remoteArgv(argv?.[argv.indexOf("--") + 1] ?? "");
    expect(words.slice(1)).toEqual(["portage-release", "rpc", `IO.inspect((\n${expression}\n), pretty: true)`]);
  });

  it("says the edge runs no release, and runs nothing", async () => {
    const h = harness(fleet());
    await expect(h.run("console", "edge")).rejects.toThrow(
      "the edge runs no release; console needs a node: virginia-1, virginia-2, london-1",
    );
    expect(h.attached).toEqual([]);
  });
});

describe("npm run ops -- logs --all", () => {
  const journals = {
    "10.100.1.10": [
      "2026-01-05T10:00:00.000100+0000 ip-10-100-1-10 hello-4001[812]: GET /ping",
      "2026-01-05T10:00:02.500000+0000 ip-10-100-1-10 hello-4001[812]: POST /orders",
      "-- cursor: s=aa;i=2",
    ].join("\n"),
    "10.100.2.11": [
      "2026-01-05T10:00:00.000050+0000 ip-10-100-2-11 portage-boot[90]: deploying 0.3.0",
      "2026-01-05T10:00:03.000000+0000 ip-10-100-2-11 hello-4000[901]: ** (RuntimeError) boom",
      "    (hello 0.3.0) lib/hello.ex:10: Hello.boom/0",
      "-- cursor: s=bb;i=9",
    ].join("\n"),
    "10.101.1.10": "2026-01-05T09:00:01.000000-0100 ip-10-101-1-10 hello-4000[77]: GET /\n-- cursor: s=cc;i=1\n",
  };

  it("merges every node's journal by time, each line starting with the node's name; a continuation stays with its entry", async () => {
    const h = harness(fleet({ journal: journals }));
    expect(await h.run("logs", "--all", "--lines", "100")).toBe(0);
    expect(h.out).toEqual([
      "virginia-2 | 2026-01-05T10:00:00.000050+0000 ip-10-100-2-11 portage-boot[90]: deploying 0.3.0",
      "virginia-1 | 2026-01-05T10:00:00.000100+0000 ip-10-100-1-10 hello-4001[812]: GET /ping",
      "london-1   | 2026-01-05T09:00:01.000000-0100 ip-10-101-1-10 hello-4000[77]: GET /",
      "virginia-1 | 2026-01-05T10:00:02.500000+0000 ip-10-100-1-10 hello-4001[812]: POST /orders",
      "virginia-2 | 2026-01-05T10:00:03.000000+0000 ip-10-100-2-11 hello-4000[901]: ** (RuntimeError) boom",
      "virginia-2 |     (hello 0.3.0) lib/hello.ex:10: Hello.boom/0",
    ]);
    const reads = h.captured.filter(([p]) => p === "ssh").map((argv) => argv[argv.indexOf("--") + 1]);
    expect(reads).toEqual(
      Array(3).fill("sudo -n journalctl --no-pager -o short-iso-precise -u 'hello@*' -u hello-epmd -u portage-boot --show-cursor -n 100"),
    );
  });

  it("with --follow, goes on from each node's cursor and prefixes every new line", async () => {
    const h = harness(
      fleet({
        journal: journals,
        followed: { "10.101.1.10": ["2026-01-05T09:00:05.000000-0100 ip-10-101-1-10 hello-4000[77]: GET /new"] },
      }),
    );
    expect(await h.run("logs", "--all", "-f")).toBe(0);
    expect(h.out.at(-1)).toBe("london-1   | 2026-01-05T09:00:05.000000-0100 ip-10-101-1-10 hello-4000[77]: GET /new");
    const follows = h.streamed.map((argv) => argv[argv.indexOf("--") + 1] ?? "");
    expect(follows).toHaveLength(3);
    const [script] = remoteArgv(follows[0] ?? "");
    expect(script).toBe(
      "journalctl --no-pager -o short-iso-precise -u 'hello@*' -u hello-epmd -u portage-boot --after-cursor='s=aa;i=2' -f & trap 'kill $!' EXIT; cat >/dev/null",
    );
    expect(remoteArgv(follows[2] ?? "")[0]).toContain("--after-cursor='s=cc;i=1'");
  });

  it("still prints the nodes it could read, says which it could not, and exits 1", async () => {
    const h = harness(fleet({ journal: journals, unreachable: ["10.100.2.11"] }));
    expect(await h.run("logs", "--all")).toBe(1);
    expect(h.out.filter((l) => l.startsWith("virginia-1"))).toHaveLength(2);
    expect(h.out.at(-1)).toContain("could not read virginia-2: ssh: connect to host 10.100.2.11 port 22: Connection timed out");
  });
});
