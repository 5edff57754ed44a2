import type * as pulumi from "@pulumi/pulumi";
import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud } from "../config";

/** What a cloud's bucket implementation is built from: it lives in the primary region. */
export interface BucketInputs<C extends Cloud = Cloud> extends OnCloud<C> {
  /**
   * The stack is moving off this footprint (a migration's finish, its objects copied to the target):
   * no longer protected, so that the update completing the move can take it out of the stack; a
   * production bucket is left in the cloud (retainOnDelete) with its objects, a dev bucket deleted.
   * @default false
   */
  leaving?: boolean;
}

/** What every cloud's bucket hands the others: its name, as the app and the nodes address it. */
export interface BucketName {
  name: pulumi.Output<string>;
}

/** How a bucket's resources are kept: protected in production; once leaving, left in the cloud (production) or deleted (dev). */
export function keptWhileLeaving(production: boolean, leaving = false): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  return leaving ? { protect: false, retainOnDelete: production } : { protect: production };
}
