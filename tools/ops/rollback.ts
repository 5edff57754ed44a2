import { OpsError } from "./errors";
import { previousDeploy, type Deploy } from "./state";

export interface RollbackInput {
  stack: string;
  app: string;
  /** The node whose history was read, for messages. */
  node: string;
  /** What the node serves now (its current file), else the stack's app.version. */
  currentVersion: string;
  history: readonly Deploy[];
  /** portage:app.release as the stack file sets it, if it does. */
  configuredRelease?: string;
}

export interface RollbackPlan {
  from: string;
  to: Deploy;
  /** The release path to set: the configured one with the version swapped, or the conventional one. */
  release: string;
  /** `pulumi config set` command lines, in order. */
  commands: string[][];
  /** What the user must know before `pulumi up`. */
  notes: string[];
}

/**
 * What `rollback` sets: the version deployed before the current one, and a release path that
 * names it. The rollout itself is the user's `pulumi up`, which shows the diff first.
 */
export function rollbackPlan(input: RollbackInput): RollbackPlan {
  if (input.history.length === 0) {
    throw new OpsError(`${input.node} has no deploy history (/var/lib/portage/history is empty): nothing to roll back to.`);
  }
  const to = previousDeploy(input.history, input.currentVersion);
  if (!to) {
    throw new OpsError(`${input.node}'s history has no version other than ${input.currentVersion}: nothing to roll back to.`);
  }
  const configured = input.configuredRelease;
  const notes: string[] = [];
  let release = `./releases/${input.app}-${to.version}.tar.gz`;
  if (configured?.includes(input.currentVersion)) release = configured.split(input.currentVersion).join(to.version);
  else if (configured) {
    release = configured;
    if (!configured.includes(to.version))
      notes.push(`portage:app.release (${configured}) names no version: put the ${to.version} tarball there before pulumi up.`);
  }
  const set = (path: string, value: string) => ["pulumi", "config", "set", "--stack", input.stack, "--path", path, value];
  return {
    from: input.currentVersion,
    to,
    release,
    commands: [set("portage:app.version", to.version), ...(release !== configured ? [set("portage:app.release", release)] : [])],
    notes,
  };
}
