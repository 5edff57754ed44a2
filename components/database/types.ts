import type * as pulumi from "@pulumi/pulumi";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud, RegionSpec } from "../config";
import type { Network } from "../network";

/** What a cloud's database implementation is built from. */
export interface DatabaseInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The same footprint's network: the database sits in its private database subnets (aws) or takes
   * its private address from its private services range (gcp), and only its nodes reach it.
   * @example
   * new Database("database", { spec, cloud, providers, network })
   */
  network: Network<C>;
  /**
   * The stack lets go of this database: `moved` (the source once a migration finishes) or
   * `cancelled` (the target of a cancelled migration). It is kept by a final snapshot (RDS) or final
   * backup (Cloud SQL), no longer by protection, so that the update that closes the migration can
   * delete it.
   * @default undefined (kept by protection in production)
   */
  leaving?: "moved" | "cancelled";
}

/**
 * The tag (RDS) or label (Cloud SQL) that says why a database is let go of (`leaving`): the policy
 * pack's deletion-protection rules skip it (policy/facts.ts `leavingTag`), its final-snapshot rules do not.
 */
export const leavingTag = "portage-leaving";

/** What the component hands an implementation besides its inputs: the credentials it generated. */
export interface DatabaseCredentials {
  user: string;
  /** Secret. */
  password: pulumi.Output<string>;
}

/** What every cloud's database returns. */
export interface DatabaseEndpoint {
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
}

/** A read replica (database.replicas) as every cloud returns it. */
export interface ReplicaEndpoint extends DatabaseEndpoint {
  region: RegionSpec;
}
