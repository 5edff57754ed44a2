import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpApis, gcpEnableCommand } from "./prerequisites";

/**
 * Whether each API the stack calls is enabled on the project, read in preview (Service Usage:
 * serviceusage.services.get, which roles/serviceusage.serviceUsageViewer holds). The provider's data
 * source answers with no id for a disabled API (terraform-provider-google, google_project_service:
 * the service "not in enabled services" is read as absent). A project that lacks some fails here
 * with the one `gcloud services enable` line that turns them all on, before the lookups and the
 * resources that would each fail with SERVICE_DISABLED.
 * https://cloud.google.com/service-usage/docs/enable-disable
 */
export function checkApis(
  project: string,
  provider: gcp.Provider,
  parent: pulumi.Resource,
  apis: readonly string[] = gcpApis,
): pulumi.Output<string[]> {
  return pulumi.output(readApis(project, provider, parent, apis)).apply((read) => {
    const problems = apiProblems(project, read);
    if (problems) throw new Error(problems);
    return read.map((r) => r.api);
  });
}

export interface ApiState {
  api: string;
  enabled: boolean;
  /** Why the state could not be read (then `enabled` is false). */
  error?: string;
}

/** Each API's state, as the provider reads it (by default, a stack's with no migration: `gcpApisFor`). */
export function readApis(
  project: string,
  provider: gcp.Provider,
  parent: pulumi.Resource,
  apis: readonly string[] = gcpApis,
): Promise<ApiState[]> {
  return Promise.all(
    apis.map((api) =>
      gcp.projects.getProjectService({ project, service: api }, { provider, parent }).then(
        (found): ApiState => ({ api, enabled: Boolean(found.id) }),
        (error: unknown): ApiState => ({
          api,
          enabled: false,
          error: (error instanceof Error ? error.message : String(error)).split("\n")[0],
        }),
      ),
    ),
  );
}

/** The message for APIs that are off (or unreadable), or undefined when all are on. */
export function apiProblems(project: string, read: readonly ApiState[]): string | undefined {
  const off = read.filter((r) => !r.enabled);
  if (off.length === 0) return undefined;
  const unread = off.filter((r) => r.error);
  return [
    `gcp:project: the project ${project} has ${off.length === 1 ? "an API" : "APIs"} the stack calls turned off (${off.map((r) => r.api).join(", ")}); enable ${off.length === 1 ? "it" : "them"} once per project (minutes), then run the update again:`,
    `  ${gcpEnableCommand(
      project,
      off.map((r) => r.api),
    )}`,
    ...(unread.length > 0
      ? [
          `(the state of ${unread.map((r) => r.api).join(", ")} could not be read: ${unread[0]?.error}; the identity running pulumi needs serviceusage.services.get, in roles/serviceusage.serviceUsageViewer)`,
        ]
      : []),
  ].join("\n");
}
