import { readFileSync } from "node:fs";

/**
 * HAProxy needs about two file descriptors per connection and refuses to start when it cannot get
 * them (strict-limits). On a VM, the haproxy unit's LimitNOFILE gives it plenty; a machine whose
 * root cannot raise its hard limit (no CAP_SYS_RESOURCE, as in some sandboxes) cannot, so the
 * global `maxconn` is lowered to what the machine allows. Nothing else in the config changes, and
 * the change is reported (`note`) so test output shows it.
 */
export function fitHaproxyToMachine(config: string): { config: string; note?: string } {
  const m = /^(\s*maxconn\s+)(\d+)\s*$/m.exec(config);
  const hardLimit = machineOpenFilesLimit();
  if (!m || hardLimit === undefined) return { config };
  const maxconn = Number(m[2]);
  const needed = maxconn * 2 + 1000;
  if (needed <= hardLimit || canRaiseLimits()) return { config };
  const fitted = Math.max(1000, Math.floor((hardLimit - 1000) / 2 / 1000) * 1000);
  return {
    config: config.replace(m[0], `${m[1]}${fitted}`),
    note: `edge: global maxconn ${maxconn} lowered to ${fitted}: this machine caps open files at ${hardLimit} and its root cannot raise that (LimitNOFILE of the haproxy unit cannot apply)`,
  };
}

function machineOpenFilesLimit(): number | undefined {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"));
  const hard = line?.split(/\s+/)[4];
  return hard && hard !== "unlimited" ? Number(hard) : undefined;
}

function canRaiseLimits(): boolean {
  const capEff = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0";
  return ((BigInt(`0x${capEff}`) >> 24n) & 1n) === 1n;
}
