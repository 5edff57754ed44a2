import type { BucketArgs } from "../components/bucket";
import type { DatabaseArgs } from "../components/database";
import type { ClusterDnsArgs } from "../components/dns";
import type { EdgeArgs } from "../components/edge";
import type { FleetArgs } from "../components/fleet";
import type { NetworkArgs } from "../components/network";
import type { SecretsArgs } from "../components/secrets";

/**
 * Your edits to the raw cloud resources, the "full control" escape hatch: any provider argument
 * portage does not expose, per component and per cloud, without forking a component. A partial object
 * is merged over portage's arguments; a function edits them in place. Types come from @pulumi/aws and
 * @pulumi/gcp, so the editor completes them and `npm run typecheck` checks them.
 *
 * @example
 * export const transforms: StackTransforms = {
 *   fleet: { aws: { instance: { monitoring: true } } },
 *   bucket: { gcp: { bucket: (args) => { args.storageClass = "NEARLINE"; } } },
 * };
 */
export interface StackTransforms {
  network?: NetworkArgs["transform"];
  bucket?: BucketArgs["transform"];
  database?: DatabaseArgs["transform"];
  edge?: EdgeArgs["transform"];
  secrets?: SecretsArgs["transform"];
  fleet?: FleetArgs["transform"];
  dns?: ClusterDnsArgs["transform"];
}

export const transforms: StackTransforms = {};
