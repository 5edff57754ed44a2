import type * as pulumi from "@pulumi/pulumi";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud } from "../config";

/** What a cloud's bucket implementation is built from: it lives in the primary region. */
export type BucketInputs<C extends Cloud = Cloud> = OnCloud<C>;

/** What every cloud's bucket hands the others: its name, as the app and the nodes address it. */
export interface BucketName {
  name: pulumi.Output<string>;
}
