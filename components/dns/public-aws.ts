import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeEntry } from "../edge";
import { awsNames } from "../names";
import { transform, type Transform } from "../transform";
import { publicTtl, type PublicDnsInputs } from "./public-types";

/** Per-resource escape hatches for the aws public records (see components/transform.ts). */
export interface AwsPublicDnsTransforms {
  record?: Transform<aws.route53.RecordArgs>;
  healthCheck?: Transform<aws.route53.HealthCheckArgs>;
}

/**
 * Route 53 health checks (docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html):
 * a request every 10 s ("fast", the shortest interval; 30 s is the other), unhealthy after 3 failures
 * in a row (1-10), so a region whose entry stops answering leaves the answers within about 30 s.
 */
export const awsHealthCheck = { requestInterval: 10, failureThreshold: 3 } as const;

/**
 * `edge.domain` in the user's public hosted zone (`edge.dnsZone`, looked up by name: a zone that does
 * not exist, or is private, fails the preview). One region: a plain A record to its entry. Several:
 * one latency-based record per region (set identifier: the region's key; Route 53 answers each
 * client with the region of lowest latency to it), each tied to an HTTPS health check of the region's
 * entry on `app.healthPath`, so a region that stops answering leaves the answers.
 */
export function createPublicDns(
  name: string,
  args: PublicDnsInputs<"aws">,
  t: AwsPublicDnsTransforms = {},
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const { spec, cloud } = args;
  const domain = spec.edge.domain;
  const opts = { provider: args.providers.handle.primary.provider, parent };
  const zone = aws.route53.getZoneOutput({ name: spec.edge.dnsZone, privateZone: false }, opts);
  const entry = (region: string) => args.edge.entries.apply((list) => entryOf(list, region).addresses);

  const [primary, ...others] = cloud.regions;
  if (!primary) return [];
  if (others.length === 0) {
    // allowOverwrite: the record the README had the user create by hand is taken over, not refused.
    const record = new aws.route53.Record(
      ...transform(
        t.record,
        `${name}-${primary.key}`,
        { zoneId: zone.zoneId, name: domain, type: "A", ttl: publicTtl, records: entry(primary.region), allowOverwrite: true },
        opts,
      ),
    );
    return [record];
  }

  const made: pulumi.Resource[] = [];
  let first: pulumi.Resource | undefined;
  for (const region of cloud.regions) {
    const check = new aws.route53.HealthCheck(
      ...transform(
        t.healthCheck,
        `${name}-${region.key}-health`,
        {
          type: "HTTPS",
          // One address checks the whole region: the balancer is cross-zone, so either of its
          // addresses reaches every healthy edge of the region.
          ipAddress: entry(region.region).apply((list) => list[0] ?? ""),
          port: 443,
          resourcePath: spec.app.healthPath,
          // Sent as the Host header and in SNI; Route 53 does not validate the certificate, so the
          // check passes before Let's Encrypt has issued it.
          fqdn: domain,
          enableSni: true,
          ...awsHealthCheck,
          tags: { Name: awsNames.nameTag(spec.prefix, `${region.key}-entry`) },
        },
        opts,
      ),
    );
    // The primary's record is the one a single-region stack had: its update to a latency record
    // goes first, because Route 53 refuses latency records beside a plain one of the same name.
    const record: aws.route53.Record = new aws.route53.Record(
      ...transform(
        t.record,
        `${name}-${region.key}`,
        {
          zoneId: zone.zoneId,
          name: domain,
          type: "A",
          ttl: publicTtl,
          records: entry(region.region),
          setIdentifier: region.key,
          latencyRoutingPolicies: [{ region: region.region }],
          healthCheckId: check.id,
        },
        first ? { ...opts, dependsOn: [first] } : opts,
      ),
    );
    first ??= record;
    made.push(check, record);
  }
  return made;
}

/** A region's entry; config/ gives every fleet region an edge, so one is always there. */
export function entryOf(entries: EdgeEntry[], region: string): EdgeEntry {
  const found = entries.find((e) => e.region === region);
  if (!found) throw new Error(`no edge entry in ${region}: every fleet region has its edges (config/cloud.ts)`);
  return found;
}
