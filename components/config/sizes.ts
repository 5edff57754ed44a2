import type { Cloud } from "./clouds";

export const sizeNames = ["small", "medium", "large"] as const;
export type SizeName = (typeof sizeNames)[number];

/** VM sizes: close in vCPU and memory on both providers (x86_64, so one release tarball runs on both). */
export const machineTypes: Record<SizeName, Record<Cloud, string>> = {
  small: { aws: "t3.small", gcp: "e2-small" }, // 2 vCPU (burst), 2 GiB
  medium: { aws: "t3.large", gcp: "e2-standard-2" }, // 2 vCPU, 8 GiB
  large: { aws: "m6i.xlarge", gcp: "n2-standard-4" }, // 4 vCPU, 16 GiB
};

/** Database tiers. */
export const databaseTiers: Record<SizeName, Record<Cloud, string>> = {
  small: { aws: "db.t4g.small", gcp: "db-custom-1-3840" }, // ~2-4 GiB
  medium: { aws: "db.m7g.large", gcp: "db-custom-2-7680" }, // 2 vCPU, 8 GiB
  large: { aws: "db.m7g.xlarge", gcp: "db-custom-4-15360" }, // 4 vCPU, 16 GiB
};

/** What an explicit provider type looks like, to accept it and to name the provider of a mismatch. */
const machinePatterns: Record<Cloud, RegExp> = {
  aws: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, // t3.small, m6i.xlarge
  gcp: /^[a-z][a-z0-9]*-[a-z0-9-]+$/, // e2-small, n2-standard-4, custom-2-4096
};
const tierPatterns: Record<Cloud, RegExp> = {
  aws: /^db\.[a-z0-9]+\.[a-z0-9]+$/, // db.t4g.small
  gcp: /^db-[a-z0-9-]+$/, // db-custom-1-3840, db-f1-micro
};

export type SizeLookup = { ok: true; type: string } | { ok: false; reason: string };

/** How each provider calls the thing, with its article: "an aws instance type", "a gcp machine type". */
const machineWords: Record<Cloud, string> = { aws: "an aws instance type", gcp: "a gcp machine type" };
const tierWords: Record<Cloud, string> = { aws: "an aws instance class", gcp: "a gcp tier" };

function resolve(
  size: string,
  cloud: Cloud,
  because: string,
  table: Record<SizeName, Record<Cloud, string>>,
  patterns: Record<Cloud, RegExp>,
  words: Record<Cloud, string>,
): SizeLookup {
  if ((sizeNames as readonly string[]).includes(size)) return { ok: true, type: table[size as SizeName][cloud] };
  if (patterns[cloud].test(size)) return { ok: true, type: size };
  const allowed = `use small, medium, large or ${words[cloud]} such as ${table.small[cloud]}`;
  const other = (Object.keys(patterns) as Cloud[]).find((c) => c !== cloud && patterns[c].test(size));
  if (other) return { ok: false, reason: `"${size}" is ${words[other]}, but ${because}; ${allowed}` };
  return { ok: false, reason: `"${size}" is not a size; ${allowed}` };
}

/** An instance / machine type on a cloud; `because` says why this cloud is asked (`portage:provider is aws`). */
export function resolveMachineType(size: string, cloud: Cloud, because = `portage:provider is ${cloud}`): SizeLookup {
  return resolve(size, cloud, because, machineTypes, machinePatterns, machineWords);
}

/** A database instance class / tier on a cloud. */
export function resolveDatabaseTier(size: string, cloud: Cloud, because = `portage:provider is ${cloud}`): SizeLookup {
  return resolve(size, cloud, because, databaseTiers, tierPatterns, tierWords);
}
