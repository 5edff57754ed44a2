import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Spec } from "../config";
import { gcpProject } from "../network/gcp-names";
import { transform, type Transform } from "../transform";
import { secretRefs, type SecretEnv } from "./names";

export interface SecretAccessArgs {
  spec: Spec;
  /** The project's number (see fleet/gcp-lookups.ts `projectNumber`). */
  projectNumber: pulumi.Input<string>;
  /** `serviceAccount:<email>`. */
  member: pulumi.Input<string>;
  envs: readonly SecretEnv[];
  /** Names the condition: every member granted the same entries shares one binding in the policy. */
  reader: "node" | "edge";
  transform?: Transform<gcp.projects.IAMMemberArgs>;
}

/**
 * Lets one identity read the payload of the named secrets, and no other secret in the project.
 *
 * Granted on the project with an IAM condition on the secrets' names rather than on each secret:
 * a grant on a secret needs the secret to exist, and the secrets are written after the database and
 * the edge exist (DATABASE_URL, PHX_HOST), while the VMs that read them are created earlier. A grant
 * by name depends on nothing but the service account, as on AWS (IAM on the SSM path).
 */
export function grantSecretAccess(name: string, args: SecretAccessArgs, opts: pulumi.CustomResourceOptions): gcp.projects.IAMMember {
  const { spec } = args;
  const entries = secretRefs(spec, args.envs);
  return new gcp.projects.IAMMember(
    ...transform(args.transform, name, {
      project: gcpProject(spec),
      role: "roles/secretmanager.secretAccessor",
      member: args.member,
      condition: {
        title: `${spec.prefix} ${args.reader} secrets`.slice(0, 100),
        description: `portage: read ${entries.map((e) => e.env).join(", ")} of ${spec.prefix}`.slice(0, 256),
        expression: secretNamesCondition(args.projectNumber, entries.map((e) => e.ref)),
      },
    }, opts),
  );
}

/** CEL matching the secrets and their versions by full name (`projects/<number>/secrets/<id>[/versions/<v>]`). */
export function secretNamesCondition(projectNumber: pulumi.Input<string>, secretIds: string[]): pulumi.Output<string> {
  return pulumi.output(projectNumber).apply((number) =>
    secretIds
      .map((id) => `projects/${number}/secrets/${id}`)
      .map((secret) => `resource.name == "${secret}" || resource.name.startsWith("${secret}/")`)
      .join(" || "),
  );
}
