import * as pulumi from "@pulumi/pulumi";
import { Bucket } from "../components/bucket";
import { Cloud } from "../components/cloud";
import { loadSpec } from "../components/config";
import { Database } from "../components/database";
import { ClusterDns } from "../components/dns";
import { Edge } from "../components/edge";
import { Fleet, type NodeInfo } from "../components/fleet";
import { DataGuard } from "../components/guard";
import { Network } from "../components/network";
import { Release } from "../components/release";
import { Secrets } from "../components/secrets";
import { transforms, type StackTransforms } from "./transforms";

/** The stack outputs: the same names and shapes on AWS and GCP. */
export interface StackOutputs {
  provider: string;
  /** The edge's static public address. */
  edgeAddress: pulumi.Output<string>;
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
 * The portage program: validates the stack config, then composes the components.
 * Provider code lives in the components; this file never branches on the cloud.
 */
export function portage(t: StackTransforms = transforms): StackOutputs {
  const spec = loadSpec();
  const guard = new DataGuard("data-guard", spec);
  const cloud = new Cloud("cloud", { spec, guard });
  const network = new Network("network", { spec, cloud, transform: t.network });
  const bucket = new Bucket("bucket", { spec, cloud, transform: t.bucket });
  const database = new Database("database", { spec, cloud, network, transform: t.database });
  const edge = new Edge("edge", { spec, cloud, network, transform: t.edge });
  const host = spec.edge.domain || edge.publicAddress;
  const secrets = new Secrets("secrets", { spec, cloud, database, host, transform: t.secrets });
  const fleet = new Fleet("fleet", { spec, cloud, network, bucket, transform: t.fleet });
  const dns = new ClusterDns("dns", { spec, cloud, network, fleet, edge, transform: t.dns });
  new Release("release", { spec, cloud, bucket, fleet, edge, secrets, dns });

  const user = spec.access.adminUser;
  return {
    provider: spec.provider,
    edgeAddress: edge.publicAddress,
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
