import type { Providers } from "../cloud";
import type { Cloud, CloudSpec, Spec } from "../config";

/** What a cloud's bucket implementation is built from. */
export interface BucketInputs<C extends Cloud = Cloud> {
  spec: Spec;
  /** The cloud the bucket is built on, as config/ resolved it (its primary region holds the bucket). */
  cloud: CloudSpec<C>;
  providers: Providers<C>;
}

/** What every cloud's bucket hands the others: its name, as the app and the nodes address it. */
export interface BucketName {
  name: import("@pulumi/pulumi").Output<string>;
}
