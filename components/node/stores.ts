import type { StoreLocation } from "./types";

/** What a VM needs to read each store, and what the app is told about it. */
export interface Store {
  /** Packages cloud-init installs for the store's tools. */
  packages: string[];
  snaps: string[];
  /** BUCKET_REGION when the runtime names none: the store's own region where it has one. */
  bucketRegion(location: string): string;
}

/**
 * aws: the AWS CLI (a snap on Ubuntu 24.04) for SSM and S3; gcp: curl and python3 for the Secret
 * Manager and Cloud Storage JSON APIs with the metadata server's token; file: a local directory.
 */
export const stores: Record<StoreLocation["provider"], Store> = {
  aws: { packages: [], snaps: ["aws-cli --classic"], bucketRegion: (location) => location },
  gcp: { packages: ["curl", "python3"], snaps: [], bucketRegion: () => "" },
  file: { packages: [], snaps: [], bucketRegion: () => "" },
};
