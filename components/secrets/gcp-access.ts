import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import { gcpProject } from "../network/gcp-names";
import { transform, type Transform } from "../transform";
import { secretRefs, type SecretEnv } from "./names";

/** An IAM condition that matches the named secrets of the stack, and no other. */
export interface SecretCondition {
  title: string;
  description: string;
  expression: pulumi.Output<string>;
}

/**
 * The condition for a reader of `envs`. Identical for every reader of the same entries, so the
 * project's policy keeps them in one binding (however many nodes); build it once and share it.
 */
export function secretCondition(
  spec: Spec,
  projectNumber: pulumi.Input<string>,
  envs: readonly SecretEnv[],
  reader: "node" | "edge",
): SecretCondition {
  const entries = secretRefs(spec, envs);
  return {
    title: `${spec.prefix} ${reader} secrets`.slice(0, 100),
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
  args: { spec: Spec; member: pulumi.Input<string>; condition: SecretCondition; transform?: Transform<gcp.projects.IAMMemberArgs> },
  opts: pulumi.CustomResourceOptions,
): gcp.projects.IAMMember {
  return new gcp.projects.IAMMember(
    ...transform(
      args.transform,
      name,
      {
        project: gcpProject(args.spec),
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
 * matching another stack's `hello-dev-phx-host-x-...`. IAM allows 12 logical operators per condition:
 * one `||` per secret after the first.
 */
export function secretNamesCondition(projectNumber: pulumi.Input<string>, secretIds: string[]): pulumi.Output<string> {
  if (secretIds.length > maxSecretsPerCondition) {
    throw new Error(`an IAM condition can name at most ${maxSecretsPerCondition} secrets; got ${secretIds.length}`);
  }
  return pulumi
    .output(projectNumber)
    .apply((number) => secretIds.map((id) => `resource.name.startsWith("projects/${number}/secrets/${id}/")`).join(" || "));
}

/** 12 logical operators allowed in a condition (cloud.google.com/iam/quotas). */
export const maxSecretsPerCondition = 13;
