import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cloud } from "../config";
import { databaseUser } from "../names";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { DatabaseCredentials, DatabaseInputs } from "./types";

export type { AwsDatabase, AwsDatabaseTransforms } from "./aws";
export type { GcpDatabase, GcpDatabaseTransforms } from "./gcp";
export type { DatabaseEndpoint, DatabaseInputs } from "./types";

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
    this.url = pulumi.secret(pulumi.interpolate`ecto://${this.user}:${this.password}@${this.host}:${this.port}/${this.name}?ssl=true`);
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
