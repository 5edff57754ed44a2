import * as pulumi from "@pulumi/pulumi";
import { loadSpec, type Cloud, type MigrationPhase, type Spec } from "../components/config";
import type { EdgeEntry } from "../components/edge";
import type { NodeInfo } from "../components/fleet";
import { footprint, type Footprint } from "../components/footprint";
import { DataGuard, dataServices } from "../components/guard";
import { migrationFootprints } from "./migration";
import { transforms, type StackTransforms } from "./transforms";

/** The stack outputs: the same names and shapes on every cloud. */
export interface StackOutputs {
  provider: Cloud;
  /** The primary region's first edge's static public address: the SSH bastion. */
  edgeAddress: pulumi.Output<string>;
  /**
   * Every edge, region by region (regional edges): point the domain at each region's address (one
   * A record per region, or latency/geolocation records so users reach the nearest).
   */
  edges: pulumi.Output<{ name: string; region: string; publicAddress: string }[]>;
  /**
   * Where each region's users enter (what the domain's records point at): its balancer's static
   * addresses when the region has several edges (`edge.count`), else its edge's.
   */
  entries: pulumi.Output<EdgeEntry[]>;
  /** Where the app answers: https://<domain>, or http://<edge address>. */
  url: pulumi.Output<string>;
  nodes: pulumi.Output<NodeInfo[]>;
  /** The primary, and each read replica (`database.replicas`) by fleet region: its nodes read it as DATABASE_REPLICA_URL. */
  database: pulumi.Output<{ host: string; port: number; name: string; replicas: { region: string; cloudRegion: string; host: string }[] }>;
  bucketName: pulumi.Output<string>;
  /** Reaches the first node through the edge; swap the last address for any node's. */
  sshCommand: pulumi.Output<string>;
  /** For `npm run ops`: who to log in as, and what runs where. */
  adminUser: string;
  app: { name: string; version: string; ports: number[]; healthPath: string };
  edgeKind: string;
  /** While `portage:migration` is set: the phase, and both edges (the domain should resolve to `answering`'s). */
  migration?: {
    from: Cloud;
    to: Cloud;
    phase: MigrationPhase;
    answering: Cloud;
    sourceEdgeAddress: pulumi.Output<string>;
    targetEdgeAddress: pulumi.Output<string>;
    /** After finish or cancel: what closes the migration (the data guard checks the same values after finish). */
    next?: string;
  };
}

/**
 * The portage program: validates the stack config, stands the data guard in front of everything,
 * builds the footprint that serves the stack on `portage:provider` (and, while it moves to the other
 * cloud, the target's beside it: stacks/migration.ts), and exports what answers.
 * Cloud code lives in the components; this file never branches on the cloud.
 */
export function portage(t: StackTransforms = transforms): StackOutputs {
  return buildStack(loadSpec(), t);
}

/** The stack's resources and outputs for a validated spec. */
export function buildStack(spec: Spec, t: StackTransforms = transforms): StackOutputs {
  const guard = new DataGuard("data-guard", spec);
  const { migration } = spec;
  if (!migration) return outputs(spec, footprint(spec.provider, spec, { guard, transforms: t }));
  const moving = migrationFootprints({ ...spec, migration }, { guard, transforms: t });
  return {
    ...outputs(spec, moving.answering),
    migration: {
      from: migration.from,
      to: migration.to,
      phase: migration.phase,
      answering: moving.answering.cloud,
      sourceEdgeAddress: moving.source.edge.publicAddress,
      targetEdgeAddress: moving.target.edge.publicAddress,
      ...(migration.phase === "finish" ? { next: closingStep(moving.target) } : {}),
      ...(migration.phase === "cancel" ? { next: cancelClosingStep(spec, moving.source, moving.target) } : {}),
    },
  };
}

/** The config that makes the target the serving footprint, by renames (the guard refuses any other). */
function closingStep(target: Footprint): string {
  const regions = JSON.stringify(target.spec.regions.map((r) => r.key));
  return (
    `set portage:provider ${target.cloud}, portage:addressSpace ${target.spec.addresses.space.name} and portage:fleet.regions ${regions}, ` +
    `drop portage:migration, then pulumi up: the target becomes the serving footprint (renamed, nothing replaced), the source and the VPN are deleted (the source database's final snapshot is kept)`
  );
}

/** The config that closes a cancelled migration: the source's keys as they are, `portage:migration` dropped. */
function cancelClosingStep(spec: Spec, source: Footprint, target: Footprint): string {
  const regions = JSON.stringify(source.spec.regions.map((r) => r.key));
  const services = dataServices[target.cloud];
  const bucket = spec.production ? `, its ${services.bucket} bucket stays in the cloud with its objects, outside the stack` : "";
  return (
    `keep portage:provider ${source.cloud}, portage:addressSpace ${source.spec.addresses.space.name} and portage:fleet.regions ${regions}, ` +
    `drop portage:migration, then pulumi up: the ${target.cloud} target and the VPN are deleted ` +
    `(its ${services.database} database's final snapshot is kept${bucket}); nothing of the source changes`
  );
}

/** What the stack exports about the footprint that answers. */
function outputs(spec: Spec, answering: Footprint): StackOutputs {
  const { edge, fleet, database, bucket } = answering;
  const user = spec.access.adminUser;
  return {
    provider: answering.cloud,
    edgeAddress: edge.publicAddress,
    edges: pulumi.all(
      edge.members.map((m) =>
        m.publicAddress.apply((publicAddress) => ({ name: m.spec.name, region: m.spec.region.region, publicAddress })),
      ),
    ),
    entries: edge.entries,
    url: edge.url,
    nodes: fleet.nodes,
    database: pulumi
      .all([database.host, database.port, pulumi.all(database.replicas.map((r) => r.host))])
      .apply(([host, port, replicas]) => ({
        host,
        port,
        name: database.name,
        replicas: database.replicas.map((r, i) => ({ region: r.region.key, cloudRegion: r.region.region, host: replicas[i] ?? "" })),
      })),
    bucketName: bucket.name,
    sshCommand: pulumi.interpolate`ssh -J ${user}@${edge.publicAddress} ${user}@${fleet.nodes.apply((n) => n[0]?.privateAddress ?? "")}`,
    adminUser: user,
    app: { name: spec.app.name, version: spec.app.version, ports: spec.app.ports, healthPath: spec.app.healthPath },
    edgeKind: spec.edge.kind,
  };
}
