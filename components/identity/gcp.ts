import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GcpProviders } from "../cloud";
import type { Spec } from "../config";
import { gcpNames } from "../names";
import { secretRefs, type SecretRef, type StoreEnv } from "../secrets/names";
import { inboxKey, resultsPrefix } from "../rollout/protocol";
import { transform, type Transform } from "../transform";

/**
 * A VM's own identity on GCP: a service account, and what it may read granted by name (IAM conditions
 * on the secrets' names), so that grants never wait for the secrets to exist.
 */

/** A VM's own identity; what it may read is granted separately, by name. */
export function createVmIdentity(
  name: string,
  args: {
    spec: Spec;
    providers: GcpProviders;
    /** Short, stable: `edge`, `virginia-1`. */ id: string;
    /** `the edge`, `node virginia-1`. */ what: string;
    transform?: Transform<gcp.serviceaccount.AccountArgs>;
  },
  opts: pulumi.CustomResourceOptions,
): gcp.serviceaccount.Account {
  const { spec } = args;
  return new gcp.serviceaccount.Account(
    ...transform(
      args.transform,
      name,
      {
        project: args.providers.project,
        accountId: gcpNames.serviceAccountId(spec.prefix, args.id),
        displayName: `portage ${spec.prefix} ${args.what}`.slice(0, 100),
        description: `Identity of ${args.what} of ${spec.prefix}: reads what IAM grants it by name, nothing else`,
      },
      opts,
    ),
  );
}

/** The project's number: Secret Manager's resource names (what IAM conditions see) use it, not the id. */
export function projectNumber(providers: GcpProviders, parent: pulumi.Resource): pulumi.Output<string> {
  return providers.apis.apply(
    () => gcp.organizations.getProjectOutput({ projectId: providers.project }, { provider: providers.provider, parent }).number,
  );
}

/** An IAM condition that matches the named secrets of the stack, and no other. */
export interface SecretCondition {
  title: string;
  description: string;
  expression: pulumi.Output<string>;
}

/**
 * The condition for a reader of `envs`. Identical for every reader of the same entries, so the
 * project's policy keeps them in one binding (however many nodes); build it once and share it.
 * config/ checks that no reader needs more secrets than a condition can name.
 */
export function secretCondition(
  spec: Spec,
  projectNumber: pulumi.Input<string>,
  envs: readonly StoreEnv[],
  reader: "node" | "edge",
  more: { what: string; entries: SecretRef[] } = { what: "", entries: [] },
): SecretCondition {
  const entries = [...secretRefs({ provider: "gcp", prefix: spec.prefix }, envs), ...more.entries];
  return {
    title: gcpNames.conditionTitle(spec.prefix, `${reader} secrets${more.what}`),
    description: `portage: read ${entries.map((e) => e.env).join(", ")} of ${spec.prefix}`.slice(0, 256),
    expression: secretNamesCondition(
      projectNumber,
      entries.map((e) => e.ref),
    ),
  };
}

/**
 * Lets one identity read the payload of the secrets a condition names, and no other secret.
 *
 * Granted on the project with an IAM condition on the secrets' names rather than on each secret:
 * a grant on a secret needs the secret to exist, and the secrets are written after the database and
 * the edge exist (DATABASE_URL, PHX_HOST), while the VMs that read them are created earlier. A grant
 * by name depends on nothing but the service account, as on AWS (IAM on the SSM path).
 * Non-authoritative (a member): the project's policy is shared with everything else in it.
 */
export function grantSecretAccess(
  name: string,
  args: {
    providers: GcpProviders;
    member: pulumi.Input<string>;
    condition: SecretCondition;
    transform?: Transform<gcp.projects.IAMMemberArgs>;
  },
  opts: pulumi.CustomResourceOptions,
): gcp.projects.IAMMember {
  return new gcp.projects.IAMMember(
    ...transform(
      args.transform,
      name,
      {
        project: args.providers.project,
        role: "roles/secretmanager.secretAccessor",
        member: args.member,
        condition: args.condition,
      },
      opts,
    ),
  );
}

/**
 * CEL matching the versions of the named secrets by full name (`projects/<number>/secrets/<id>/versions/<v>`:
 * reading a payload is checked on the version). The trailing slash keeps `hello-dev-phx-host` from
 * matching another stack's `hello-dev-phx-host-x-...`.
 */
export function secretNamesCondition(projectNumber: pulumi.Input<string>, secretIds: string[]): pulumi.Output<string> {
  return pulumi
    .output(projectNumber)
    .apply((number) => secretIds.map((id) => `resource.name.startsWith("projects/${number}/secrets/${id}/")`).join(" || "));
}

/**
 * Lets a VM's agent write its own results (`agents/results/<agent>/`) and nothing else of the bucket:
 * a managed folder per agent with `roles/storage.objectUser` for the VM's service account (writing a
 * result again over its first version needs delete, which objectUser has and objectCreator lacks).
 * Not a bucket-level IAM condition per VM: a policy holds at most 100 conditional bindings
 * (cloud.google.com/iam/quotas). Managed folders need uniform bucket-level access, which the bucket
 * has (cloud.google.com/storage/docs/managed-folders); the name ends with "/".
 */
export function grantResultsWrite(
  name: string,
  args: { providers: GcpProviders; bucket: pulumi.Input<string>; agent: string; member: pulumi.Input<string> },
  opts: pulumi.CustomResourceOptions,
): { folder: gcp.storage.ManagedFolder; member: gcp.storage.ManagedFolderIamMember } {
  // forceDestroy: results left in it go on as plain objects (the stack's clean-up removes them).
  const folder = new gcp.storage.ManagedFolder(name, { bucket: args.bucket, name: resultsPrefix(args.agent), forceDestroy: true }, opts);
  const member = new gcp.storage.ManagedFolderIamMember(
    name,
    { bucket: args.bucket, managedFolder: folder.name, role: "roles/storage.objectUser", member: args.member },
    opts,
  );
  return { folder, member };
}

/**
 * Lets a VM read its agent's inbox and the objects under `prefix`, and nothing else of the bucket:
 * `roles/storage.objectViewer` on the bucket with an IAM condition on the objects' names
 * (`projects/_/buckets/<bucket>/objects/<key>`: cloud.google.com/storage/docs/access-control/iam#conditions).
 * Conditional, so it never meets the nodes' unconditional (authoritative) binding of the same role.
 */
export function grantAgentRead(
  name: string,
  args: { bucket: pulumi.Output<string>; agent: string; prefix: string; member: pulumi.Input<string> },
  opts: pulumi.CustomResourceOptions,
): gcp.storage.BucketIAMMember {
  const objects = pulumi.interpolate`projects/_/buckets/${args.bucket}/objects/`;
  return new gcp.storage.BucketIAMMember(
    name,
    {
      bucket: args.bucket,
      role: "roles/storage.objectViewer",
      member: args.member,
      condition: {
        title: `portage ${args.agent} agent`,
        description: `read ${inboxKey(args.agent)} and ${args.prefix}*`,
        expression: pulumi.interpolate`resource.name == "${objects}${inboxKey(args.agent)}" || resource.name.startsWith("${objects}${args.prefix}")`,
      },
    },
    opts,
  );
}

/**
 * The nodes' read of the bucket: every object but those under `prefix` (the edges' routes and their
 * shared certificate with its private key). A condition, not a plain binding, for two reasons: an
 * unconditional objectViewer binding would cover the certificate; and `BucketIAMBinding` is
 * authoritative for its role and condition, so conditioned it never takes back the objectViewer that
 * another grant (a migration's bucket copy) gives as a member. Listing is checked on the bucket's own
 * name (`projects/_/buckets/<bucket>`), which the condition lets through.
 */
export function bucketReadExcept(
  bucket: pulumi.Input<string>,
  prefix: string,
  who: string,
): gcp.types.input.storage.BucketIAMBindingCondition {
  return {
    title: `portage ${who}`.slice(0, 100),
    description: `every object but ${prefix}*`,
    expression: pulumi.interpolate`!resource.name.startsWith("projects/_/buckets/${bucket}/objects/${prefix}")`,
  };
}
