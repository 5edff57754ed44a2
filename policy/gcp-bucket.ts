import { resourcePolicy } from "./define";
import { shown } from "./facts";

export const gcsBucket = "gcp:storage/bucket:Bucket";

export interface GcsBucketProps {
  publicAccessPrevention?: string;
  uniformBucketLevelAccess?: boolean;
  versioning?: { enabled?: boolean };
}

export const gcpStoragePublicAccessPrevention = resourcePolicy<GcsBucketProps>({
  name: "gcp-storage-public-access-prevention",
  description: "Buckets enforce public access prevention (Checkov CKV_GCP_114).",
  severity: "critical",
  remediationSteps: 'Set publicAccessPrevention: "enforced".',
  types: [gcsBucket],
  validate: (props, _args, report) => {
    if (props.publicAccessPrevention !== "enforced") {
      report(
        `publicAccessPrevention is ${shown(props.publicAccessPrevention)}; set it to "enforced" so no IAM grant or ACL can make an object public.`,
      );
    }
  },
});

export const gcpStorageUniformAccess = resourcePolicy<GcsBucketProps>({
  name: "gcp-storage-uniform-access",
  description: "Buckets use uniform bucket-level access: IAM only, no per-object ACLs (Checkov CKV_GCP_29).",
  severity: "high",
  remediationSteps: "Set uniformBucketLevelAccess: true.",
  types: [gcsBucket],
  validate: (props, _args, report) => {
    if (props.uniformBucketLevelAccess !== true)
      report(`uniformBucketLevelAccess is ${shown(props.uniformBucketLevelAccess)}; set it to true.`);
  },
});

export const gcpStorageVersioning = resourcePolicy<GcsBucketProps>({
  name: "gcp-storage-versioning",
  description: "Bucket versioning is enabled, so an overwritten or deleted object can be recovered (Checkov CKV_GCP_78).",
  severity: "high",
  remediationSteps: "Set versioning: { enabled: true }.",
  types: [gcsBucket],
  validate: (props, _args, report) => {
    if (props.versioning?.enabled !== true) report(`versioning.enabled is ${shown(props.versioning?.enabled)}; set it to true.`);
  },
});
