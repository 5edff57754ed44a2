import * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import type { Edge } from "../edge";
import type { CreatedNode, Fleet } from "../fleet";
import { afterBoot, nodeConnection } from "./ssh";

export interface RolloutArgs {
  spec: Spec;
  edge: Edge;
  fleet: Fleet;
  version: string;
  sha256: string;
  /** What every deploy waits for: the artifact, the edge routes, the secrets, the DNS records. */
  dependsOn: pulumi.Resource[];
  parent: pulumi.Resource;
}

/**
 * One remote command per node running `portage-deploy <version> <sha256>` through the edge, in
 * batches of `rollout.batchSize`: a batch starts only when every deploy of the previous one succeeded,
 * so a failing node stops the rollout there (Pulumi reports the node's command and the script's
 * reason) and the nodes after it stay on the old version. The command re-runs when the version, the
 * tarball or the VM itself changes.
 */
export function rollout(name: string, args: RolloutArgs): command.remote.Command[] {
  const commands: command.remote.Command[] = [];
  let previous: command.remote.Command[] = [];
  for (const batch of batches(args.fleet.created, args.spec.rollout.batchSize)) {
    const current = batch.map(
      (node) =>
        new command.remote.Command(
          `${name}-deploy-${node.spec.name}`,
          {
            connection: nodeConnection(args.spec, args.edge.publicAddress, node.privateAddress),
            create: afterBoot(`sudo portage-deploy ${args.version} ${args.sha256}`),
            triggers: [args.version, args.sha256, node.instance.id],
          },
          { parent: args.parent, dependsOn: [...args.dependsOn, ...previous] },
        ),
    );
    commands.push(...current);
    previous = current;
  }
  return commands;
}

/** Nodes in rollout order (the spec's order: region by region), cut into batches. */
export function batches(nodes: readonly CreatedNode[], size: number): CreatedNode[][] {
  const out: CreatedNode[][] = [];
  for (let i = 0; i < nodes.length; i += size) out.push(nodes.slice(i, i + size));
  return out;
}
