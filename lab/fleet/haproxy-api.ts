import { connect } from "node:net";

/** One command on HAProxy's runtime API (a unix socket), answered in full. */
export function runtimeCommand(socket: string, command: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let out = "";
    const timer = setTimeout(() => conn.destroy(new Error(`no answer from ${socket} within ${timeoutMs} ms`)), timeoutMs);
    conn.on("connect", () => conn.write(`${command}\n`));
    conn.on("data", (d: Buffer) => (out += d.toString()));
    conn.on("error", (e) => (clearTimeout(timer), reject(e)));
    conn.on("close", () => (clearTimeout(timer), resolve(out)));
  });
}

export interface ServerStat {
  backend: string;
  server: string;
  /** address:port */
  address: string;
  /** HAProxy's status word: UP, DOWN, DRAIN, MAINT, "UP 1/2", ... */
  status: string;
  /** Sessions now, and in total since the process started. */
  current: number;
  total: number;
}

/** The servers of every backend, from `show stat` (the CSV the stats page serves too). */
export async function serverStats(socket: string): Promise<ServerStat[]> {
  const csv = await runtimeCommand(socket, "show stat");
  const [header = "", ...rows] = csv.trim().split("\n");
  const cols = header.replace(/^# /, "").split(",");
  const col = (row: string[], name: string) => row[cols.indexOf(name)] ?? "";
  return rows
    .map((line) => line.split(","))
    .filter((row) => !["FRONTEND", "BACKEND"].includes(row[1] ?? ""))
    .map((row) => ({
      backend: col(row, "pxname"),
      server: col(row, "svname"),
      address: col(row, "addr"),
      status: col(row, "status"),
      current: Number(col(row, "scur")),
      total: Number(col(row, "stot")),
    }));
}
