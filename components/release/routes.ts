import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { acmePort, type Spec } from "../config";
import { edgeMemberName, type Edge, type EdgeMember } from "../edge";
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
 * Pushes each edge's routes (every node on both ports, with regions: the edge's own region's nodes
 * serve, the others are backups) and reloads the proxy in place when the node list changes, instead
 * of replacing the edge VM: `portage-edge-apply` on the edge validates the new config before it swaps
 * it in, so a bad config never takes the edge down. The primary's edge keeps the command's old name.
 */
export function edgeRoutesCommands(name: string, args: EdgeRoutesArgs, opts: pulumi.CustomResourceOptions): command.remote.Command[] {
  const { spec, edge } = args;
  const [renewer] = edge.members;
  const several = edge.members.length > 1;
  return edge.members.map((member) => {
    const routes = pulumi
      .all([member.privateAddress, renewer?.privateAddress ?? "", args.fleet.nodes])
      .apply(([privateAddress, renewerAddress, nodes]) => edgeRoutes(spec, member, { privateAddress, renewerAddress, several, nodes }));
    const content = routes.apply((r) => edgeProxies[r.kind].routesFile(r).content);
    return new command.remote.Command(
      member.spec.first ? name : edgeMemberName(name, member.spec),
      {
        connection: edgeConnection(spec, member.publicAddress),
        create: afterBoot("sudo portage-edge-apply"),
        stdin: content,
        triggers: [content.apply((c) => createHash("sha256").update(c).digest("hex"))],
      },
      opts,
    );
  });
}

/**
 * One edge's routes. A single edge: one pool, as always. Several: regions on the edge and every node,
 * and (sharing a certificate) the ACME challenges sent to the renewer, the primary's edge.
 */
export function edgeRoutes(
  spec: Spec,
  member: Pick<EdgeMember, "spec">,
  at: {
    privateAddress: string;
    renewerAddress: string;
    several: boolean;
    nodes: { name: string; privateAddress: string; region: string }[];
  },
): EdgeRoutes {
  const shared = at.several && spec.edge.kind === "haproxy" && spec.edge.domain !== "";
  return {
    kind: spec.edge.kind,
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    domain: spec.edge.domain,
    acmeEmail: spec.edge.acmeEmail,
    privateAddress: at.privateAddress,
    adminPort: spec.edge.adminPort,
    ...(at.several ? { region: member.spec.region.region } : {}),
    ...(shared && !member.spec.first ? { acmeServer: `${at.renewerAddress}:${acmePort}` } : {}),
    nodes: at.nodes.map((n) => ({ name: n.name, address: n.privateAddress, ...(at.several ? { region: n.region } : {}) })),
  };
}
