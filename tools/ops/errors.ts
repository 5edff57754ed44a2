import { UserError } from "../cli";

/** A problem the operator can fix: printed as is, without a stack trace, and the CLI exits 1. */
export class OpsError extends UserError {
  override name = "OpsError";
}
