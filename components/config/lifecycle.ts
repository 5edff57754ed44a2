import type { Cloud } from "./clouds";

/**
 * When each Postgres major version leaves each service's standard support. Past that date the
 * service keeps running it under paid extended support, enrolled automatically.
 *
 * - RDS: the release calendar
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html);
 *   Extended Support is billed per vCPU-hour from the day after, $0.100 in years 1-2 and $0.200 in
 *   year 3 in us-east-1, standby instances included
 *   (https://aws.amazon.com/rds/postgresql/pricing/, "Amazon RDS Extended Support costs").
 * - Cloud SQL: versions past the community's end of life (https://www.postgresql.org/support/versioning/)
 *   move to extended support, billed extra (https://cloud.google.com/sql/pricing#extended-support).
 */
export const standardSupportEnds: Record<Cloud, Record<string, string>> = {
  aws: { "13": "2026-02-28", "14": "2027-02-28", "15": "2028-02-29", "16": "2029-02-28", "17": "2030-02-28" },
  gcp: { "13": "2025-11-13", "14": "2026-11-12", "15": "2027-11-11", "16": "2028-11-09", "17": "2029-11-08" },
};

/** RDS Extended Support, per vCPU-hour in us-east-1: years 1-2, then year 3. */
export const rdsExtendedSupport = { perVcpuHour: 0.1, yearThreePerVcpuHour: 0.2 };

const day = 24 * 60 * 60 * 1000;

/** Whether `version` is past its standard support on `cloud` at `now`, and since when. */
export function extendedSupport(cloud: Cloud, version: string, now: Date): { since: string; year: number } | undefined {
  const ends = standardSupportEnds[cloud][version];
  if (!ends || now.getTime() <= Date.parse(ends)) return undefined;
  return { since: ends, year: Math.floor((now.getTime() - Date.parse(ends)) / (365 * day)) + 1 };
}

/** A warning for a version in paid extended support, or leaving standard support within a year. */
export function lifecycleWarning(cloud: Cloud, version: string, now: Date): string | undefined {
  const ends = standardSupportEnds[cloud][version];
  if (!ends) return undefined;
  const newest = Object.keys(standardSupportEnds[cloud]).at(-1);
  const support = { aws: "RDS's standard support", gcp: "the PostgreSQL community's support" }[cloud];
  const price = {
    aws: `$${rdsExtendedSupport.perVcpuHour.toFixed(2)} per vCPU-hour on top of the instance (the plan's estimate includes it)`,
    gcp: "billed on top of the instance (cloud.google.com/sql/pricing#extended-support)",
  }[cloud];
  const service = { aws: "RDS", gcp: "Cloud SQL" }[cloud];
  if (extendedSupport(cloud, version, now)) {
    return `Postgres ${version} left ${support} on ${ends}: ${service} runs it under paid extended support, ${price}; raise portage:database.version (${newest} is the newest) to stop the charge`;
  }
  const left = (Date.parse(ends) - now.getTime()) / day;
  if (left <= 365) {
    return `Postgres ${version} leaves ${support} on ${ends} (in ${Math.ceil(left)} days); after that ${service} bills paid extended support: plan the upgrade to ${newest}`;
  }
  return undefined;
}
