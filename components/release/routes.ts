import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { Spec } from "../config";
import type { Edge } from "../edge";
import type { Fleet } from "../fleet";
import type { EdgeRoutes } from "../node";
import { edgeProxies } from "../node/proxy";
import { edgeObjectsPrefix } from "../rollout/protocol";

/** The edge's routes file (every node on both ports) as it will be pushed, and where it goes in the bucket. */
export function edgeRoutes(
  spec: Spec,
  edge: Edge,
  fleet: Fleet,
): { content: pulumi.Output<string>; sha256: pulumi.Output<string>; key: string } {
  const routes = pulumi.all([edge.privateAddress, fleet.nodes]).apply(([privateAddress, nodes]): EdgeRoutes => ({
    kind: spec.edge.kind,
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    domain: spec.edge.domain,
    acmeEmail: spec.edge.acmeEmail,
    privateAddress,
    adminPort: spec.edge.adminPort,
    nodes: nodes.map((n) => ({ name: n.name, address: n.privateAddress })),
  }));
  const content = routes.apply((r) => edgeProxies[r.kind].routesFile(r).content);
  const sha256 = content.apply((c) => createHash("sha256").update(c).digest("hex"));
  // One key, updated in place (its name stays when a footprint is renamed); the job runs when the sha256 changes.
  return { content, sha256, key: `${edgeObjectsPrefix}routes.cfg` };
}
