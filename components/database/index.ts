import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Cloud } from "../cloud";
import type { Spec } from "../config";
import type { Network } from "../network";
import { createAwsDatabase, type AwsDatabase, type AwsDatabaseTransforms } from "./aws";
import { createGcpDatabase, type GcpDatabase, type GcpDatabaseTransforms } from "./gcp";

export interface DatabaseArgs {
  spec: Spec;
  cloud: Cloud;
  network: Network;
  transform?: { aws?: AwsDatabaseTransforms; gcp?: GcpDatabaseTransforms };
}

/** What the provider implementations return. */
export interface DatabaseEndpoint {
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
}

/**
 * Managed Postgres (RDS / Cloud SQL) in the primary region, with its database and user:
 * private address only, reachable from the fleet only, TLS required, storage encrypted,
 * backups kept `database.backupDays` with point-in-time recovery, a standby when
 * `database.highAvailability`. Its password is generated here and only ever handled as a secret.
 */
export class Database extends pulumi.ComponentResource {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly name: string;
  readonly user: string;
  /** Secret. */
  readonly password: pulumi.Output<string>;
  /** Secret: `ecto://user:password@host:port/name?ssl=true`, what Ecto's `url:` option takes (TLS on). */
  readonly url: pulumi.Output<string>;
  readonly aws?: AwsDatabase;
  readonly gcp?: GcpDatabase;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:database:Database", name, {}, opts);
    const { spec } = args;
    this.name = spec.database.name;
    this.user = spec.database.user;
    // Alphanumeric only: the password goes into a URL and into provider APIs without escaping.
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    this.password = pulumi.secret(password.result);
    let endpoint: DatabaseEndpoint;
    if (spec.provider === "aws") {
      this.aws = createAwsDatabase(name, { ...args, password: this.password }, this);
      endpoint = this.aws;
    } else {
      this.gcp = createGcpDatabase(name, { ...args, password: this.password }, this);
      endpoint = this.gcp;
    }
    this.host = endpoint.host;
    this.port = endpoint.port;
    this.url = pulumi.secret(pulumi.interpolate`ecto://${this.user}:${this.password}@${this.host}:${this.port}/${this.name}?ssl=true`);
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
