import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../cloud";
import type { Spec } from "../config";
import type { Network } from "../network";
import { edgeUserData, type EdgeRuntime } from "../node";
import { edgeSecretEnv, secretRefs } from "../secrets/names";
import { createAwsEdge, type AwsEdge, type AwsEdgeTransforms } from "./aws";
import { createGcpEdge, type GcpEdge, type GcpEdgeTransforms } from "./gcp";

export interface EdgeArgs {
  spec: Spec;
  cloud: Cloud;
  network: Network;
  transform?: { aws?: AwsEdgeTransforms; gcp?: GcpEdgeTransforms };
}

/** What the provider implementations return. */
export interface EdgeAddresses {
  publicAddress: pulumi.Output<string>;
  privateAddress: pulumi.Output<string>;
}

/**
 * The edge VM in the primary region's public subnet: a static public address (Elastic IP /
 * compute.Address), HAProxy or Traefik in front of every node, and the SSH bastion. Its own
 * identity reads only the edge admin password. Its user-data does not depend on the node list:
 * routes are pushed and reloaded in place when nodes change (see release/routes.ts).
 */
export class Edge extends pulumi.ComponentResource {
  readonly publicAddress: pulumi.Output<string>;
  readonly privateAddress: pulumi.Output<string>;
  /** `https://<domain>` when a domain is set, else `http://<public address>`. */
  readonly url: pulumi.Output<string>;
  readonly aws?: AwsEdge;
  readonly gcp?: GcpEdge;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:edge:Edge", name, {}, opts);
    const userData = edgeUserData(edgeRuntime(args.spec));
    let addresses: EdgeAddresses;
    if (args.spec.provider === "aws") {
      this.aws = createAwsEdge(name, { ...args, userData }, this);
      addresses = this.aws;
    } else {
      this.gcp = createGcpEdge(name, { ...args, userData }, this);
      addresses = this.gcp;
    }
    this.publicAddress = addresses.publicAddress;
    this.privateAddress = addresses.privateAddress;
    const domain = args.spec.edge.domain;
    this.url = domain ? pulumi.output(`https://${domain}`) : pulumi.interpolate`http://${this.publicAddress}`;
    this.registerOutputs({ publicAddress: this.publicAddress, url: this.url });
  }
}

/** The edge's on-VM settings, from the spec alone (so the edge VM never depends on other resources). */
export function edgeRuntime(spec: Spec): EdgeRuntime {
  const primary = spec.fleet.regions.find((r) => r.primary);
  return {
    provider: spec.provider,
    kind: spec.edge.kind,
    admin: { user: spec.access.adminUser, sshPublicKey: spec.access.sshPublicKey },
    app: { name: spec.app.name, ports: spec.app.ports, healthPath: spec.app.healthPath },
    domain: spec.edge.domain,
    acmeEmail: spec.edge.acmeEmail,
    adminPort: spec.edge.adminPort,
    secrets: {
      provider: spec.provider,
      location: spec.provider === "aws" ? (primary?.region ?? "") : (spec.gcp.project ?? ""),
      entries: secretRefs(spec, edgeSecretEnv),
    },
  };
}
