/**
 * What the edge replays and what it never does, on a real HAProxy with portage's config: two nodes
 * (127.0.0.1 and 127.0.0.2) whose apps run in this process, so every request that reaches an app is
 * counted. A node that dies with a request in flight is the one case where the edge cannot know
 * whether the app acted on it: a GET is sent again to the other node, a POST never is.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtimeCommand, serverStats } from "../../lab/fleet/haproxy-api";
import { waitFor } from "../../lab/fleet/run";
import { freePorts, removeScratchDirs, scratchEdge, type ScratchEdge } from "../../lab/scratch/scratch";

const addresses = ["127.0.0.1", "127.0.0.2"];

/**
 * An app on one node: answers /ping; records every arrival of `/crash/<id>` and `/order/<id>`; the
 * first arrival of a `/crash/<id>` over both nodes kills the connection it came on.
 */
interface App {
  server: http.Server;
  sockets: Set<Socket>;
}

describe("the edge's retries", () => {
  let edge: ScratchEdge;
  let live: number;
  const apps: App[] = [];
  /** Which node each arrival of a request id reached, in order. */
  const arrivals = new Map<string, string[]>();

  const listen = (address: string): Promise<App> => {
    const sockets = new Set<Socket>();
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const [, path, id = ""] = /^\/(crash|order)\/(\w+)$/.exec(req.url ?? "") ?? [];
        if (!path) return void res.writeHead(200).end("ok");
        const seen = arrivals.get(id) ?? [];
        arrivals.set(id, [...seen, `${address} ${req.method} ${body}`]);
        // The first arrival: the node dies before answering (the connection closes, no response).
        if (path === "crash" && seen.length === 0) setTimeout(() => req.socket.destroy(), 100);
        else res.writeHead(200).end(`served by ${address}`);
      });
    });
    server.on("connection", (s: Socket) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
    return new Promise((resolve) => server.listen(live, address, () => resolve({ server, sockets })));
  };

  const send = async (method: "GET" | "POST", id: string, path = "crash"): Promise<{ status: number; body: string }> => {
    const res = await fetch(`http://127.0.0.1:${edge.httpPort}/${path}/${id}`, {
      method,
      ...(method === "POST" ? { body: `order ${id}` } : {}),
    });
    return { status: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    const [a = 0, b = 0] = await freePorts(2);
    live = a;
    for (const address of addresses) apps.push(await listen(address));
    edge = await scratchEdge(
      addresses.map((address, i) => ({ name: `node-${i + 1}`, address })),
      [a, b],
    );
    await waitFor(
      "both nodes UP on the edge",
      async () => ((await serverStats(edge.env.HAPROXY_SOCKET ?? "")).filter((s) => s.status === "UP").length === 2 ? true : undefined),
      20_000,
      100,
    );
  }, 60_000);

  afterAll(async () => {
    edge?.stop();
    for (const app of apps) {
      for (const s of app.sockets) s.destroy();
      await new Promise((r) => app.server.close(r));
    }
    removeScratchDirs();
  });

  it("sends a GET that was in flight on a node that died to the other node: the client gets its answer", async () => {
    const answer = await send("GET", "get1");
    const seen = arrivals.get("get1") ?? [];
    expect(seen).toHaveLength(2);
    const [first = "", second = ""] = seen.map((s) => s.split(" ")[0]);
    expect(second).not.toBe(first);
    expect(answer).toEqual({ status: 200, body: `served by ${second}` });
  });

  it("never sends a POST twice: one that was in flight on a node that died fails with 502 and reached the app once", async () => {
    const answer = await send("POST", "post1");
    expect(answer.status).toBe(502);
    expect(arrivals.get("post1")).toEqual([expect.stringMatching(/^127\.0\.0\.[12] POST order post1$/)]);
    // Nothing is replayed later either (a retry timer, another server).
    await new Promise((r) => setTimeout(r, 500));
    expect(arrivals.get("post1")).toHaveLength(1);
  });

  it("sends a POST that could not connect to another node: nothing reached the app, so nothing is sent twice", async () => {
    // Node 1 stops listening while the edge still counts it UP (its checks have not seen it yet).
    const [one] = apps;
    one!.server.close();
    for (const s of one!.sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const ids = ["c1", "c2", "c3", "c4", "c5", "c6"];
    const answers = [];
    for (const id of ids) answers.push(await send("POST", id, "order"));
    // Round robin sent some of them to node 1: refused, so sent to node 2 instead.
    const stat = await runtimeCommand(edge.env.HAPROXY_SOCKET ?? "", "show stat");
    const [header = "", ...rows] = stat.trim().split("\n");
    const cols = header.replace(/^# /, "").split(",");
    const row = rows.map((r) => r.split(",")).find((r) => r[1] === `node-1-${live}`) ?? [];
    expect(Number(row[cols.indexOf("wredis")])).toBeGreaterThan(0);
    for (const [i, id] of ids.entries()) {
      expect(answers[i], id).toEqual({ status: 200, body: "served by 127.0.0.2" });
      expect(arrivals.get(id), id).toEqual([`127.0.0.2 POST order ${id}`]);
    }
  });
});
