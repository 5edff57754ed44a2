import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../cloud";
import type { Spec } from "../config";
import { createAwsBucket, type AwsBucket, type AwsBucketTransforms } from "./aws";
import { createGcpBucket, type GcpBucket, type GcpBucketTransforms } from "./gcp";

export interface BucketArgs {
  spec: Spec;
  cloud: Cloud;
  transform?: { aws?: AwsBucketTransforms; gcp?: GcpBucketTransforms };
}

/**
 * The stack's private object bucket (S3 / GCS) in the primary region: releases under `releases/`,
 * app data beside them. Public access blocked, uniform access, versioned, encrypted.
 */
export class Bucket extends pulumi.ComponentResource {
  /** The bucket's name, as the app and the nodes address it. */
  readonly name: pulumi.Output<string>;
  /** Its region (the primary region). */
  readonly region: string;
  readonly aws?: AwsBucket;
  readonly gcp?: GcpBucket;

  constructor(name: string, args: BucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("portage:bucket:Bucket", name, {}, opts);
    this.region = args.cloud.primaryRegion().region;
    if (args.spec.provider === "aws") {
      this.aws = createAwsBucket(name, args, this);
      this.name = this.aws.name;
    } else {
      this.gcp = createGcpBucket(name, args, this);
      this.name = this.gcp.name;
    }
    this.registerOutputs({ name: this.name });
  }
}
