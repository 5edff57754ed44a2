import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { acmePort, type Spec } from "../config";
import { edgeMemberName, type Edge, type EdgeMember } from "../edge";
import type { Fleet } from "../fleet";
import type { EdgeRoutes } from "../node";
import { edgeProxies } from "../node/proxy";
import { edgeAgent, edgeRoutesKey } from "../rollout/protocol";

/** One edge's routes file as it will be pushed: which agent applies it, and where it goes in the bucket. */
export interface EdgeRoutesObject {
  member: EdgeMember;
  /** Its resources' name: `<name>` for the primary's first edge, `<name>-<region>-<n>` for the others. */
  name: string;
  agent: string;
  /** One key per edge, updated in place; the job runs again when the sha256 changes. */
  key: string;
  content: pulumi.Output<string>;
  sha256: pulumi.Output<string>;
}

/**
 * A migration's cutover (stacks/migration.ts): the source's edges send every request to the target's
 * edge (components/node/haproxy-forward.ts, traefik-forward.ts). `members` gives the address an edge forwards to, or
 * undefined for an edge that cannot reach the target and keeps its own routes.
 */
export interface EdgeForwarding {
  members: (member: EdgeMember) => pulumi.Output<string> | undefined;
}

/**
 * Each edge's routes file (every node on both ports; with regions, the edge's own region's nodes
 * serve and the others are backups), for its agent's `portage-edge-apply`, which validates the new
 * config before it swaps it in and reloads the proxy in place, so a bad config never takes the edge
 * down and a changed node list never replaces an edge VM.
 */
export function edgeRoutesObjects(name: string, spec: Spec, edge: Edge, fleet: Fleet, forward?: EdgeForwarding): EdgeRoutesObject[] {
  const [renewer] = edge.members;
  const several = edge.members.length > 1;
  return edge.members.map((member) => {
    const routes = pulumi
      .all([member.privateAddress, renewer?.privateAddress ?? "", fleet.nodes])
      .apply(([privateAddress, renewerAddress, nodes]) => edgeRoutes(spec, member, { privateAddress, renewerAddress, several, nodes }));
    const to = forward?.members(member);
    const content = to
      ? pulumi.all([routes, to]).apply(([r, address]) => edgeProxies[r.kind].forwardFile(r, { address }).content)
      : routes.apply((r) => edgeProxies[r.kind].routesFile(r).content);
    const agent = edgeAgent(member.spec);
    return {
      member,
      name: edgeMemberName(name, member.spec),
      agent,
      key: edgeRoutesKey(agent),
      content,
      sha256: content.apply((c) => createHash("sha256").update(c).digest("hex")),
    };
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
