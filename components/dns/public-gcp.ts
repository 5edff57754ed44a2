import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { transform, type Transform } from "../transform";
import { entryOf } from "./public-aws";
import { publicTtl, type PublicDnsInputs } from "./public-types";

/** Per-resource escape hatches for the gcp public records (see components/transform.ts). */
export interface GcpPublicDnsTransforms {
  record?: Transform<gcp.dns.RecordSetArgs>;
  healthCheck?: Transform<gcp.compute.HealthCheckArgs>;
}

/**
 * The health check Cloud DNS runs on external endpoints (cloud.google.com/dns/docs/routing-policies-overview,
 * "Health checks"; compute HealthCheck `sourceRegions`): global, probing from exactly 3 regions, at
 * least 30 s apart (the shortest interval such a check takes), HTTPS without a proxy header.
 * Unhealthy after 2 failed probes: a failed region leaves the answers within about a minute.
 */
export const gcpHealthCheck = {
  checkIntervalSec: 30,
  timeoutSec: 10,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  /** One prober region per continent the default fleet regions are on. */
  sourceRegions: ["us-east4", "europe-west2", "asia-southeast1"],
} as const;

/**
 * `edge.domain` in the user's public managed zone: the one whose DNS name is `edge.dnsZone` (looked up
 * among the project's zones; none, or only a private one, fails the preview). One region: a plain A
 * record set to its entry. Several: one record set with a geolocation routing policy, an item per
 * region (its provider region as the location, its entry addresses as health-checked external
 * endpoints), so Cloud DNS answers each client with the nearest region whose entry passes the HTTPS
 * check on `app.healthPath`, and the next nearest when it fails (no geofencing).
 */
export function createPublicDns(
  name: string,
  args: PublicDnsInputs<"gcp">,
  t: GcpPublicDnsTransforms = {},
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const { spec, cloud } = args;
  const domain = spec.edge.domain;
  const opts = { parent, provider: args.providers.handle.provider };
  // After the preview's API check (components/cloud/gcp-apis.ts), like every lookup.
  const zoneName = args.providers.handle.apis.apply(() =>
    gcp.dns
      .getManagedZonesOutput({ project: cloud.account.project }, opts)
      .apply(({ managedZones }) => publicZoneName(managedZones, spec.edge, cloud.account.project)),
  );
  const entry = (region: string) => args.edge.entries.apply((list) => entryOf(list, region).addresses);
  const base = { managedZone: zoneName, name: `${domain}.`, type: "A", ttl: publicTtl };

  // The provider replaces a record set whose routing policy's health check changes (ForceNew), which
  // adding or removing a second region does. Created first, the new set would take the name over and
  // the old one's deletion then fail (Cloud DNS deletes only an exact match: hashicorp/
  // terraform-provider-google resource_dns_record_set.go, Create and Delete), leaving the update
  // stuck; deleted first, the domain goes without a record for the seconds between the two changes.
  const recordOpts = { ...opts, deleteBeforeReplace: true };
  const [primary, ...others] = cloud.regions;
  if (!primary) return [];
  if (others.length === 0) {
    return [new gcp.dns.RecordSet(...transform(t.record, `${name}-record`, { ...base, rrdatas: entry(primary.region) }, recordOpts))];
  }
  const check = new gcp.compute.HealthCheck(
    ...transform(
      t.healthCheck,
      `${name}-health`,
      {
        description: `portage ${spec.prefix}: ${domain} on every region's entry, for Cloud DNS`,
        // Sent as the Host header; the check does not validate the certificate.
        httpsHealthCheck: { port: 443, requestPath: spec.app.healthPath, host: domain },
        ...gcpHealthCheck,
        sourceRegions: [...gcpHealthCheck.sourceRegions],
      },
      opts,
    ),
  );
  // The same record set as with one region (a replacement, see recordOpts).
  const record = new gcp.dns.RecordSet(
    ...transform(
      t.record,
      `${name}-record`,
      {
        ...base,
        routingPolicy: {
          healthCheck: check.selfLink,
          enableGeoFencing: false,
          geos: cloud.regions.map((region) => ({
            location: region.region,
            healthCheckedTargets: { externalEndpoints: entry(region.region) },
          })),
        },
      },
      recordOpts,
    ),
  );
  return [check, record];
}

/**
 * The managed zone (its resource name) that `edge.dnsZone` names: the one public zone of the project
 * whose DNS name it is. None, or several, is an error naming the key, which fails the preview.
 */
export function publicZoneName(
  zones: readonly Pick<gcp.types.output.dns.GetManagedZonesManagedZone, "name" | "dnsName" | "visibility">[],
  edge: { dnsZone: string; domain: string },
  project: string,
): string {
  const dnsName = `${edge.dnsZone}.`;
  const found = zones.filter((z) => z.dnsName === dnsName && z.visibility.toLowerCase() === "public");
  const [only] = found;
  if (found.length !== 1 || !only?.name) {
    const what = found.length === 0 ? "no public Cloud DNS managed zone" : `${found.length} public Cloud DNS managed zones`;
    throw new Error(
      `portage:edge.dnsZone: ${what} named ${dnsName} in project ${project}; create one (gcloud dns managed-zones create --dns-name ${dnsName} --visibility public) that holds ${edge.domain}, or keep only one`,
    );
  }
  return only.name;
}
