/** A problem the operator can fix: printed as is, without a stack trace, and the CLI exits 1. */
export class OpsError extends Error {
  override name = "OpsError";
}
