import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { Spec } from "../config";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import type { EdgeRoutes } from "../node";
import { edgeProxies } from "../node/proxy";
import { afterBoot, edgeConnection } from "./ssh";

export interface EdgeRoutesArgs {
  spec: Spec;
  edge: Edge;
  fleet: Fleet;
}

/**
 * Pushes the edge's routes (every node on both ports) and reloads the proxy in place when the node
 * list changes, instead of replacing the edge VM: `portage-edge-apply` on the edge validates the new
 * config before it swaps it in, so a bad config never takes the edge down.
 */
export function edgeRoutesCommand(name: string, args: EdgeRoutesArgs, opts: pulumi.CustomResourceOptions): command.remote.Command {
  const { spec } = args;
  const routes = pulumi.all([args.edge.privateAddress, args.fleet.nodes]).apply(([privateAddress, nodes]): EdgeRoutes => ({
    kind: spec.edge.kind,
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    domain: spec.edge.domain,
    acmeEmail: spec.edge.acmeEmail,
    privateAddress,
    adminPort: spec.edge.adminPort,
    nodes: nodes.map((n) => ({ name: n.name, address: n.privateAddress })),
  }));
  const content = routes.apply((r) => edgeProxies[r.kind].routesFile(r).content);
  return new command.remote.Command(
    name,
    {
      connection: edgeConnection(spec, args.edge.publicAddress),
      create: afterBoot("sudo portage-edge-apply"),
      stdin: content,
      triggers: [content.apply((c) => createHash("sha256").update(c).digest("hex"))],
    },
    opts,
  );
}
