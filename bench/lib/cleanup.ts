/**
 * What to stop when the benchmark is interrupted (Ctrl-C, SIGTERM): a daemonized HAProxy or a
 * fleet's namespaces would otherwise outlive it. Each section registers its clean-up while it has
 * something running and drops it when done.
 */
const pending = new Set<() => Promise<void>>();

/** Runs `fn` on interruption until the returned function is called. */
export function onInterrupt(fn: () => Promise<void>): () => void {
  pending.add(fn);
  return () => void pending.delete(fn);
}

/** Runs `body` with `cleanup` registered for interruptions, and always runs `cleanup` after it. */
export async function withCleanup<T>(cleanup: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  const drop = onInterrupt(cleanup);
  try {
    return await body();
  } finally {
    drop();
    await cleanup();
  }
}

export function handleInterrupts(): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping what the benchmark started\n`);
    for (const fn of [...pending].reverse()) await fn().catch((e: unknown) => process.stderr.write(`clean-up failed: ${String(e)}\n`));
    process.exit(130);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
