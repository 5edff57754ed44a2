import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GcpProviders } from "../cloud";
import type { Spec } from "../config";
import { gcpNames } from "../names";
import { secretRefs, type SecretEnv, type SecretRef } from "../secrets/names";
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
  envs: readonly SecretEnv[],
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
