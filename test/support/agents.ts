import { inboxKey, parseInbox, resultKey, type Inbox, type Result, type RolloutBucket } from "../../components/rollout";

/** Agents simulated in-process for the stack-side tests: what they write is what portage-agent writes. */
export interface Seen {
  agent: string;
  kind: string;
  id: string;
  at: number;
}

/**
 * Agents that read their inbox every 20 ms and answer each new piece of work: `behave` says how
 * (how long it takes, whether it fails), like portage-agent's result objects.
 */
export function agents(
  b: RolloutBucket,
  names: string[],
  behave: (agent: string, kind: string) => { ms?: number; fail?: string; log?: string; silent?: boolean; attempts?: number } = () => ({}),
): { seen: Seen[]; stop(): void } {
  const seen: Seen[] = [];
  const done = new Set<string>();
  let running = true;
  const loop = async (agent: string) => {
    while (running) {
      const stored = await b.read(inboxKey(agent));
      if (stored) {
        const inbox: Inbox = parseInbox(stored.body, agent);
        for (const work of [...inbox.jobs, ...(inbox.deploy ? [inbox.deploy] : [])]) {
          if (done.has(`${agent}/${work.id}`)) continue;
          done.add(`${agent}/${work.id}`);
          const how = behave(agent, work.kind);
          seen.push({ agent, kind: work.kind, id: work.id, at: Date.now() });
          if (how.silent) continue;
          const base: Result = {
            format: 1,
            agent,
            id: work.id,
            kind: work.kind,
            state: "started",
            startedAt: new Date().toISOString(),
            boot: "boot-1",
            attempt: how.attempts ?? 1,
          };
          await b.write(resultKey(agent, work.id), JSON.stringify(base));
          await new Promise((r) => setTimeout(r, how.ms ?? 30));
          const final: Result = {
            ...base,
            state: how.fail ? "failed" : "succeeded",
            finishedAt: new Date().toISOString(),
            exitCode: how.fail ? 1 : 0,
            log: how.log ?? `${work.kind} output`,
            ...(how.fail ? { reason: how.fail } : {}),
            ...(work.kind === "deploy" ? { serving: { version: work.version, sha256: work.sha256, port: 4001 } } : {}),
          };
          await b.write(resultKey(agent, work.id), JSON.stringify(final));
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  for (const n of names) void loop(n);
  return { seen, stop: () => void (running = false) };
}
