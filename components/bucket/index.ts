import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";
import * as aws from "./aws";
import * as gcp from "./gcp";
import type { BucketInputs } from "./types";

export type { AwsBucket, AwsBucketTransforms } from "./aws";
export type { GcpBucket, GcpBucketTransforms } from "./gcp";
export type { BucketInputs } from "./types";

/** Each cloud's bucket handle. */
export interface BucketHandles {
  aws: aws.AwsBucket;
  gcp: gcp.GcpBucket;
}
export type BucketOf<C extends Cloud> = BucketHandles[C];

/** Edits to the raw resources, per cloud (see components/transform.ts). */
export interface BucketTransforms {
  aws?: aws.AwsBucketTransforms;
  gcp?: gcp.GcpBucketTransforms;
}

export interface BucketArgs<C extends Cloud = Cloud> extends BucketInputs<C> {
  /**
   * Edits to the raw resources, per cloud: a partial merged over portage's arguments, or a function
   * that edits them in place.
   * @default {}
   * @example
   * { aws: { encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] } } }
   */
  transform?: BucketTransforms;
}

const build: {
  [C in Cloud]: (name: string, args: BucketInputs<C>, t: BucketTransforms[C] | undefined, parent: pulumi.Resource) => BucketOf<C>;
} = {
  aws: aws.createBucket,
  gcp: gcp.createBucket,
};

/**
 * The stack's private object bucket (S3 / GCS) in the primary region: releases under `releases/`,
 * app data beside them. Public access blocked, uniform access, versioned (`bucket.versioning`),
 * encrypted. Protected from deletion in production, and emptied with the stack only on dev stacks.
 *
 * @example
 * const bucket = new Bucket("bucket", { spec, cloud: cloudSpec(spec, "gcp"), providers });
 * bucket.name; // what the nodes' BUCKET_NAME holds
 */
export class Bucket<C extends Cloud = Cloud> extends pulumi.ComponentResource {
  readonly cloud: C;
  /** The bucket's name, as the app and the nodes address it. */
  readonly name: pulumi.Output<string>;
  /** Its region (the primary region). */
  readonly region: string;
  readonly handle: BucketOf<C>;

  constructor(name: string, args: BucketArgs<C>, opts?: pulumi.ComponentResourceOptions) {
    super("portage:bucket:Bucket", name, {}, opts);
    this.cloud = args.cloud.cloud;
    this.region = args.cloud.primary.region;
    this.handle = build[this.cloud](name, args, args.transform?.[this.cloud], this);
    this.name = this.handle.name;
    this.registerOutputs({ name: this.name });
  }
}
