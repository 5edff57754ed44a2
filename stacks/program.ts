import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadSpec, type Cloud } from "../components/config";
import type { NodeInfo } from "../components/fleet";
import { footprint } from "../components/footprint";
import { DataGuard } from "../components/guard";
import { transforms, type StackTransforms } from "./transforms";

/** The stack outputs: the same names and shapes on every cloud. */
export interface StackOutputs {
  provider: Cloud;
  /** The edge's static public address. */
  edgeAddress: pulumi.Output<string>;
  /**
   * Every edge, region by region (regional edges): point the domain at each region's address (one
   * A record per region, or latency/geolocation records so users reach the nearest).
   */
  edges: pulumi.Output<{ name: string; region: string; publicAddress: string }[]>;
  /** Where the app answers: https://<domain>, or http://<edge address>. */
  url: pulumi.Output<string>;
  nodes: pulumi.Output<NodeInfo[]>;
  database: pulumi.Output<{ host: string; port: number; name: string }>;
  bucketName: pulumi.Output<string>;
  /** Reaches the first node through the edge; swap the last address for any node's. */
  sshCommand: pulumi.Output<string>;
  /** For `npm run ops`: who to log in as, and what runs where. */
  adminUser: string;
  app: { name: string; version: string; ports: number[]; healthPath: string };
  edgeKind: string;
}

/**
 * The portage program: validates the stack config, stands the data guard in front of everything,
 * builds the footprint that serves the stack on `portage:provider`, and exports what it serves.
 * Cloud code lives in the components; this file never branches on the cloud.
 */
export function portage(t: StackTransforms = transforms): StackOutputs {
  const spec = loadSpec();
  if (spec.migration) {
    // Validated and guarded already; the stack resources that carry it out land next (issue 11).
    throw new ConfigError([
      "portage:migration: this version of portage validates a migration but does not build it yet; remove the key (nothing was created or changed)",
    ]);
  }
  const guard = new DataGuard("data-guard", spec);
  const serving = footprint(spec.provider, spec, { guard, transforms: t });
  const { edge, fleet, database, bucket } = serving;

  const user = spec.access.adminUser;
  return {
    provider: spec.provider,
    edgeAddress: edge.publicAddress,
    edges: pulumi.all(
      edge.members.map((m) =>
        m.publicAddress.apply((publicAddress) => ({ name: m.spec.name, region: m.spec.region.region, publicAddress })),
      ),
    ),
    url: edge.url,
    nodes: fleet.nodes,
    database: pulumi.all([database.host, database.port]).apply(([host, port]) => ({ host, port, name: database.name })),
    bucketName: bucket.name,
    sshCommand: pulumi.interpolate`ssh -J ${user}@${edge.publicAddress} ${user}@${fleet.nodes.apply((n) => n[0]?.privateAddress ?? "")}`,
    adminUser: user,
    app: { name: spec.app.name, version: spec.app.version, ports: spec.app.ports, healthPath: spec.app.healthPath },
    edgeKind: spec.edge.kind,
  };
}
