import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fleet, type FleetNode } from "../../lab/fleet/fleet";
import { exec, hostPath } from "../../lab/fleet/host";
import { buildRelease } from "../../lab/fleet/release";
import { waitFor } from "../../lab/fleet/run";
import { evalExpression, remote, shellQuote } from "../../tools/ops/ssh";

/**
 * `npm run ops -- console` and `eval` against a real running release: the exact command ops sends
 * over ssh, run by bash on a node of the local fleet (as ssh's remote shell runs it; as root, where
 * on a VM the admin user's `sudo -n` makes it root). Its own network, so it never meets the other
 * local-fleet files.
 */
describe("ops console and eval on a running release", () => {
  let fleet: Fleet;
  let node: FleetNode;

  beforeAll(async () => {
    const v1 = await buildRelease({ version: "1.0.0" });
    fleet = await Fleet.create({ prefix: "pfops", subnet: "10.79.0", nodes: 1, initialRelease: v1 });
    await fleet.waitForEdge();
    node = fleet.nodes[0] as FleetNode;
  }, 600_000);

  afterAll(async () => {
    await fleet?.destroy();
  }, 120_000);

  /** A command on the node that is typed into as a person would: each line once the program asks for it. */
  function converse(n: FleetNode, command: string) {
    const child = spawn(
      "nsenter",
      ["-t", String(n.host.pid), "-n", "-m", "-u", "--wd=/", "--", "env", "-i", `PATH=${hostPath}`, "HOME=/root", "bash", "-c", command],
      {
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const done = new Promise<{ code: number | null; output: string }>((resolve) =>
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      }),
    );
    return {
      done,
      type: (text: string) => child.stdin.write(text),
      waitFor: (pattern: RegExp) =>
        waitFor(
          `${pattern} in the console (so far: ${JSON.stringify(output.slice(-300))})`,
          async () => (pattern.test(output) ? true : undefined),
          30_000,
          50,
        ),
    };
  }

  const onNode = (command: string, input?: string) =>
    exec(node.host, "bash", ["-c", command], { ...(input ? { input } : {}), timeoutMs: 60_000 });

  it("eval runs the expression inside the serving release (its node name, its environment) and prints the value", async () => {
    const { port } = await fleet.serving(node);
    const expression = `{node(), System.get_env("PORT"), to_string(Application.spec(:hello, :vsn))}`;
    const result = await onNode(remote.release("hello", ["rpc", evalExpression(expression)]));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`{:"hello-${port}@${node.address}", "${port}", "1.0.0"}`);
  }, 120_000);

  it("eval of an expression that raises exits non-zero with the exception", async () => {
    const result = await onNode(remote.release("hello", ["rpc", evalExpression(`raise "no such order"`)]));
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("no such order");
  }, 120_000);

  it("console opens IEx on the serving node, from a shell running as the app's user: commands typed in run there; leaving it leaves the release serving", async () => {
    const { port } = await fleet.serving(node);
    // ssh -t gives the console a terminal and the user's TERM (IEx ignores --remsh without them): script(1) gives one here.
    const session = converse(node, `TERM=xterm script -qec ${shellQuote(remote.release("hello", ["remote"]))} /dev/null`);
    await session.waitFor(/iex\(\S+\)1> /);
    session.type(`IO.puts("on " <> Atom.to_string(node()))\n`);
    await session.waitFor(/iex\(\S+\)2> /);
    // The shell's group leader lives on the console's own node: ask that node which user it runs as.
    session.type(`IO.puts("console as " <> elem(:rpc.call(node(Process.group_leader()), System, :cmd, ["id", ["-un"]]), 0))\n`);
    await session.waitFor(/iex\(\S+\)3> /);
    // Leaving: Ctrl-G, then q ends the console's own node (System.halt() would stop the release).
    session.type("\x07");
    await session.waitFor(/--> $/);
    session.type("q\n");
    const { code, output } = await session.done;
    expect(output).toMatch(new RegExp(`\non hello-${port}@${node.address.replace(/\./g, "\\.")}\r?\n`));
    expect(output).toMatch(/\nconsole as hello\r?\n/);
    expect(code).toBe(0);
    expect((await fetch(`http://${node.address}:${port}/ping`)).status).toBe(200);
  }, 120_000);

  it("says so when the node serves no release yet", async () => {
    await exec(node.host, "mv", ["/var/lib/portage/current", "/var/lib/portage/current.saved"]);
    try {
      const result = await onNode(remote.release("hello", ["remote"]));
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe("no release serves on this node yet (/var/lib/portage/current is empty)");
    } finally {
      await exec(node.host, "mv", ["/var/lib/portage/current.saved", "/var/lib/portage/current"]);
    }
  }, 60_000);
});
