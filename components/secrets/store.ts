import type { Cloud, CloudSpec } from "../config";

/**
 * Where a footprint's VMs find the stack's secrets and releases: aws the primary region (SSM and S3
 * are regional), gcp the project (Secret Manager and Cloud Storage are addressed by project).
 */
const locations: { [C in Cloud]: (cloud: CloudSpec<C>) => string } = {
  aws: (cloud) => cloud.primary.region,
  gcp: (cloud) => cloud.account.project,
};

export function storeLocation<C extends Cloud>(cloud: CloudSpec<C>): string {
  return locations[cloud.cloud](cloud);
}
