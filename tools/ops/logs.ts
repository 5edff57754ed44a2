/** One node's journal as `journalctl -o short-iso-precise --show-cursor` prints it. */
export interface NodeJournal {
  node: string;
  lines: string[];
  /** Where the next `--after-cursor` starts; undefined when the journal had no entry. */
  cursor?: string;
}

/** Splits journalctl's output into its entries and the `-- cursor: ...` line it ends with. */
export function parseJournal(node: string, text: string): NodeJournal {
  const lines: string[] = [];
  let cursor: string | undefined;
  for (const line of text.split("\n")) {
    const c = /^-- cursor: (.+)$/.exec(line);
    if (c) cursor = c[1];
    else if (line !== "" && line !== "-- No entries --") lines.push(line);
  }
  return { node, lines, cursor };
}

/** `2026-01-05T10:00:00.123456+0000`: microseconds since the epoch, comparable across time zones. */
function timeOf(line: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:[.,](\d{1,6}))?([+-]\d\d):?(\d\d)\b/.exec(line);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}:${m[4]}`);
  return Number.isNaN(seconds) ? undefined : seconds * 1000 + Number((m[2] ?? "").padEnd(6, "0"));
}

/** The width of the name column: every line of every node lines up. */
export function nameWidth(nodes: readonly string[]): number {
  return Math.max(0, ...nodes.map((n) => n.length));
}

export function prefixed(node: string, width: number, line: string): string {
  return `${node.padEnd(width)} | ${line}`;
}

/**
 * Every node's entries in one list ordered by time, each starting with the node's name. A line
 * without a time (a continuation, a `-- Boot` marker) stays right after the entry before it.
 */
export function mergeJournals(journals: readonly NodeJournal[]): string[] {
  const width = nameWidth(journals.map((j) => j.node));
  const entries = journals.flatMap((j, n) => {
    let last = Number.NEGATIVE_INFINITY;
    return j.lines.map((line, i) => {
      last = timeOf(line) ?? last;
      return { time: last, n, i, text: prefixed(j.node, width, line) };
    });
  });
  entries.sort((a, b) => a.time - b.time || a.n - b.n || a.i - b.i);
  return entries.map((e) => e.text);
}
