/** What the machine offers ssh for logging in. */
export interface KeyFacts {
  /** --identity, and whether that file exists. */
  identity?: { path: string; exists: boolean };
  /** SSH_AUTH_SOCK is set. */
  agent: boolean;
  /** `ssh-add -l`: 0 lists keys, 1 means the agent holds none, 2 means it cannot be reached. */
  agentStatus?: number;
  /** Default key files found in ~/.ssh. */
  defaultKeys: string[];
}

export const defaultKeyFiles = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** Why ssh would have no key to offer, or undefined when it has one. */
export function sshKeyProblem(facts: KeyFacts): string | undefined {
  if (facts.identity) {
    return facts.identity.exists
      ? undefined
      : `--identity ${facts.identity.path}: no such file; give the private key whose public half is portage:access.sshPublicKey.`;
  }
  if (facts.agent && facts.agentStatus === 0) return undefined;
  if (facts.defaultKeys.length > 0) return undefined;
  const agent = !facts.agent
    ? "no ssh-agent is running (SSH_AUTH_SOCK is unset)"
    : facts.agentStatus === 1
      ? "ssh-agent holds no key"
      : "ssh-agent does not answer";
  return (
    `no SSH key: ${agent} and ~/.ssh has none of ${defaultKeyFiles.join(", ")}. ` +
    `Load the key whose public half is portage:access.sshPublicKey (ssh-add ~/.ssh/<key>), or pass --identity <file>.`
  );
}
