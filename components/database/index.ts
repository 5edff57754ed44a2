import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cloud, RegionSpec } from "../config";
import { databaseUser } from "../names";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { DatabaseCredentials, DatabaseInputs } from "./types";

export type { AwsDatabase, AwsDatabaseTransforms } from "./aws";
export type { GcpDatabase, GcpDatabaseTransforms } from "./gcp";
export type { AwsReplica, AwsReplicaTransforms } from "./aws-replica";
export type { DatabaseEndpoint, DatabaseInputs, ReplicaEndpoint } from "./types";

/** A read replica as the other components use it. */
export interface DatabaseReplica {
  region: RegionSpec;
  host: pulumi.Output<string>;
  /** Secret: `ecto://user:password@<replica>:port/name?ssl=true`. */
  url: pulumi.Output<string>;
}

/** Each cloud's database handle. */
export interface DatabaseHandles {
  aws: aws.AwsDatabase;
  gcp: gcp.GcpDatabase;
}
export type DatabaseOf<C extends Cloud> = DatabaseHandles[C];

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface DatabaseTransforms {
  aws?: aws.AwsDatabaseTransforms;
  gcp?: gcp.GcpDatabaseTransforms;
}

export interface DatabaseArgs<C extends Cloud = Cloud> extends DatabaseInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place.
   * @default {}
   * @example
   * { aws: { instance: { performanceInsightsEnabled: true, maxAllocatedStorage: 200 } } }
   */
  transform?: DatabaseTransforms;
}

const build: {
  [C in Cloud]: (
    name: string,
    args: DatabaseInputs<C> & DatabaseCredentials,
    t: DatabaseTransforms[C] | undefined,
    parent: pulumi.Resource,
  ) => DatabaseOf<C>;
} = {
  aws: aws.createDatabase,
  gcp: gcp.createDatabase,
};

/**
 * Managed Postgres (RDS / Cloud SQL) in the primary region, with its database and user:
 * private address only, reachable from the fleet only, TLS required, storage encrypted,
 * backups kept `database.backupDays` with point-in-time recovery, a standby when
 * `database.highAvailability`. Its password is generated here and only ever handled as a secret.
 *
 * @example
 * const database = new Database("database", { spec, cloud: cloudSpec(spec, "aws"), providers, network });
 * database.url; // secret: ecto://hello:...@host:5432/hello?ssl=true
 */
export class Database<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly name: string;
  readonly user: string;
  /** Secret. */
  readonly password: pulumi.Output<string>;
  /** Secret: `ecto://user:password@host:port/name?ssl=true`, what Ecto's `url:` option takes (TLS on). */
  readonly url: pulumi.Output<string>;
  readonly handle: DatabaseOf<C>;
  /**
   * The read replicas (`database.replicas`), each with its URL (secret, the same user and database),
   * what its region's nodes get as DATABASE_REPLICA_URL.
   */
  readonly replicas: DatabaseReplica[];

  constructor(name: string, args: DatabaseArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:database:Database", name, {}, opts);
    const { spec } = args;
    this.cloud = args.cloud.cloud;
    this.name = spec.database.name;
    this.user = databaseUser(spec.app.name, this.cloud);
    // Alphanumeric only: the password goes into a URL and into provider APIs without escaping.
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    this.password = pulumi.secret(password.result);
    this.handle = build[this.cloud](name, { ...args, user: this.user, password: this.password }, args.transform?.[this.cloud], this);
    this.host = this.handle.host;
    this.port = this.handle.port;
    const url = (host: pulumi.Output<string>, port: pulumi.Output<number>) =>
      pulumi.secret(pulumi.interpolate`ecto://${this.user}:${this.password}@${host}:${port}/${this.name}?ssl=true`);
    this.url = url(this.host, this.port);
    this.replicas = this.handle.replicas.map((r) => ({ region: r.region, host: r.host, url: url(r.host, r.port) }));
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
