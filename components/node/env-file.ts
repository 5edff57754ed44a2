/**
 * Env files as the node's scripts, bash `source` and systemd's EnvironmentFile= all read them: values
 * double-quoted with `\ " $ \`` escaped (lib.sh's env_quote writes the same).
 */
export function envQuote(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`an env file value cannot contain a line break: ${JSON.stringify(value)}`);
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

export function envFile(entries: readonly (readonly [string, string | number])[], header?: string): string {
  const lines = entries.map(([k, v]) => `${k}=${envQuote(String(v))}`);
  return `${header ? `# ${header}\n` : ""}${lines.join("\n")}\n`;
}
