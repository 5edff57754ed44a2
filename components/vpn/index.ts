import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cloud, Spec } from "../config";
import type { Footprint } from "../footprint";
import { createAwsSide } from "./aws";
import { createGcpGateway, createGcpTunnels } from "./gcp";
import { presharedKey, tunnels } from "./plan";
import { createCrossingRules } from "./rules";

export {
  ike,
  insideCidrProblem,
  presharedKey,
  presharedKeyPattern,
  privateAsnRange,
  reservedInsideCidrs,
  tunnels,
  vpnAsns,
  type TunnelPlan,
} from "./plan";

export interface VpnArgs {
  /**
   * The stack's validated spec.
   * @example
   * const spec = loadSpec();
   */
  spec: Spec;
  /** The cloud the stack moves from: which way the rules let the steps and the forwarded requests go. */
  source: Cloud;
  /**
   * The stack's AWS footprint and its GCP footprint, whichever serves: their address plans never
   * overlap (config/addresses.ts, the two spaces).
   * @example
   * new Vpn("vpn", { spec, source: "aws", aws: serving, gcp: target, jobNode })
   */
  aws: Footprint<"aws">;
  gcp: Footprint<"gcp">;
  /** The private address of the target's node that runs the migration's database steps. */
  jobNode: pulumi.Output<string>;
}

/**
 * A site-to-site VPN between the stack's AWS and GCP footprints, for a migration between them: GCP
 * HA VPN with a Cloud Router, an AWS virtual private gateway with two VPN connections, four IPsec
 * tunnels with a BGP session each (plan.ts holds the numbers both sides agree on), pre-shared keys
 * generated as secrets, the learned routes propagated into AWS's route tables and exported to Cloud
 * SQL's peering, and the security group rules for what crosses (rules.ts).
 *
 * Costs while it stands: 2 AWS VPN connections ($0.05 an hour each) and 4 HA VPN tunnels ($0.05 an
 * hour each), about $219 a month, plus each cloud's egress per GB (README: Moving to another cloud).
 *
 * @example
 * const vpn = new Vpn("vpn", { spec, source: "aws", aws: serving, gcp: target, jobNode: target.fleet.created[0].privateAddress });
 */
export class Vpn extends pulumi.ComponentResource {
  /** What must exist before anything can cross: tunnels, BGP sessions, routes and rules. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: VpnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:vpn:Vpn", name, {}, opts);
    const { spec } = args;
    const keys = tunnels.map((t) =>
      pulumi.secret(new random.RandomPassword(`${name}-key-${t.index + 1}`, { ...presharedKey }, { parent: this }).result),
    );
    const gcpSide = createGcpGateway(name, spec.prefix, args.gcp, this);
    const awsSide = createAwsSide(name, spec.prefix, args.aws, { interfaceAddresses: gcpSide.interfaceAddresses, keys }, this);
    const gcpTunnels = createGcpTunnels(name, args.gcp, gcpSide, { outsideAddresses: awsSide.outsideAddresses, keys }, this);
    const rules = createCrossingRules(name, { spec, source: args.source, aws: args.aws, gcp: args.gcp, jobNode: args.jobNode }, this);
    this.ready = [...awsSide.ready, ...gcpTunnels, ...rules];
    this.registerOutputs({});
  }
}
