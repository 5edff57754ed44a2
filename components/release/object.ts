import type * as pulumi from "@pulumi/pulumi";

/** An object the release puts in the stack's bucket: the tarball (a file) or the pointer (text). */
export interface BucketObjectArgs {
  bucket: pulumi.Output<string>;
  key: pulumi.Input<string>;
  /** The object's body: a file on the operator's machine, or literal text. */
  body: { file: string } | { text: pulumi.Input<string> };
  /** Hex sha256 of the body: recorded on the object and used to notice new content under the same key. */
  sha256: pulumi.Input<string>;
  contentType: string;
}
