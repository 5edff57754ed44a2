import type { Cloud } from "./clouds";

/**
 * Portable region names and the nearest region of each provider.
 * A provider's own region name is accepted as well (see `resolveRegion`).
 */
export const portableRegions: Record<string, Record<Cloud, string>> = {
  virginia: { aws: "us-east-1", gcp: "us-east4" },
  ohio: { aws: "us-east-2", gcp: "us-east5" },
  oregon: { aws: "us-west-2", gcp: "us-west1" },
  california: { aws: "us-west-1", gcp: "us-west2" },
  montreal: { aws: "ca-central-1", gcp: "northamerica-northeast1" },
  "sao-paulo": { aws: "sa-east-1", gcp: "southamerica-east1" },
  london: { aws: "eu-west-2", gcp: "europe-west2" },
  frankfurt: { aws: "eu-central-1", gcp: "europe-west3" },
  paris: { aws: "eu-west-3", gcp: "europe-west9" },
  stockholm: { aws: "eu-north-1", gcp: "europe-north2" },
  milan: { aws: "eu-south-1", gcp: "europe-west8" },
  zurich: { aws: "eu-central-2", gcp: "europe-west6" },
  "tel-aviv": { aws: "il-central-1", gcp: "me-west1" },
  mumbai: { aws: "ap-south-1", gcp: "asia-south1" },
  singapore: { aws: "ap-southeast-1", gcp: "asia-southeast1" },
  jakarta: { aws: "ap-southeast-3", gcp: "asia-southeast2" },
  "hong-kong": { aws: "ap-east-1", gcp: "asia-east2" },
  tokyo: { aws: "ap-northeast-1", gcp: "asia-northeast1" },
  osaka: { aws: "ap-northeast-3", gcp: "asia-northeast2" },
  seoul: { aws: "ap-northeast-2", gcp: "asia-northeast3" },
  sydney: { aws: "ap-southeast-2", gcp: "australia-southeast1" },
  melbourne: { aws: "ap-southeast-4", gcp: "australia-southeast2" },
  "south-africa": { aws: "af-south-1", gcp: "africa-south1" },
};

/**
 * Every commercial region of each provider. The list is append-only: a region's position fixes its
 * network ranges (config/addresses.ts), so that adding or removing another region never renumbers it.
 */
export const providerRegions: Record<Cloud, readonly string[]> = {
  aws: [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
  ],
  gcp: [
    "us-central1",
    "us-east1",
    "us-east4",
    "us-east5",
    "us-south1",
    "us-west1",
    "us-west2",
    "us-west3",
    "us-west4",
    "northamerica-northeast1",
    "northamerica-northeast2",
    "northamerica-south1",
    "southamerica-east1",
    "southamerica-west1",
    "europe-central2",
    "europe-north1",
    "europe-north2",
    "europe-southwest1",
    "europe-west1",
    "europe-west2",
    "europe-west3",
    "europe-west4",
    "europe-west6",
    "europe-west8",
    "europe-west9",
    "europe-west10",
    "europe-west12",
    "me-central1",
    "me-central2",
    "me-west1",
    "africa-south1",
    "asia-east1",
    "asia-east2",
    "asia-northeast1",
    "asia-northeast2",
    "asia-northeast3",
    "asia-south1",
    "asia-south2",
    "asia-southeast1",
    "asia-southeast2",
    "australia-southeast1",
    "australia-southeast2",
  ],
};

export type RegionLookup = { ok: true; region: string } | { ok: false; reason: string };

/** How each cloud's names read in a sentence, and a region to give as an example. */
export const cloudWords: Record<Cloud, { article: string; exampleRegion: string }> = {
  aws: { article: "an", exampleRegion: "us-east-1" },
  gcp: { article: "a", exampleRegion: "us-east4" },
};

/**
 * Maps a portable or provider region name to the cloud's region, or says why it cannot.
 * `because` says why this cloud is asked (`portage:provider is aws`), for the message.
 */
export function resolveRegion(name: string, cloud: Cloud, because = `portage:provider is ${cloud}`): RegionLookup {
  const portable = portableRegions[name];
  if (portable) return { ok: true, region: portable[cloud] };
  if (providerRegions[cloud].includes(name)) return { ok: true, region: name };
  const other = (Object.keys(providerRegions) as Cloud[]).find((c) => c !== cloud && providerRegions[c].includes(name));
  if (other) {
    const twin = Object.entries(portableRegions).find(([, r]) => r[other] === name)?.[0];
    const hint = twin ? `; the portable name "${twin}" works on both` : "";
    return { ok: false, reason: `"${name}" is ${cloudWords[other].article} ${other} region, but ${because}${hint}` };
  }
  return {
    ok: false,
    reason: `"${name}" is not a region; use one of ${Object.keys(portableRegions).join(", ")} or ${cloudWords[cloud].article} ${cloud} region such as ${cloudWords[cloud].exampleRegion}`,
  };
}

/**
 * AWS regions an account must enable before using them: every region launched after 20 March 2019
 * (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html). GCP has none.
 */
export const optInRegions: Record<Cloud, Record<string, string>> = {
  aws: {
    "af-south-1": "Cape Town",
    "ap-east-1": "Hong Kong",
    "ap-south-2": "Hyderabad",
    "ap-southeast-3": "Jakarta",
    "ap-southeast-4": "Melbourne",
    "ap-southeast-5": "Malaysia",
    "ap-southeast-7": "Thailand",
    "ca-west-1": "Calgary",
    "eu-central-2": "Zurich",
    "eu-south-1": "Milan",
    "eu-south-2": "Spain",
    "il-central-1": "Tel Aviv",
    "me-central-1": "UAE",
    "me-south-1": "Bahrain",
    "mx-central-1": "Mexico",
  },
  gcp: {},
};

/** The command that enables an opt-in region (the account's root or an admin with account:EnableRegion). */
export function enableRegionCommand(region: string): string {
  return `aws account enable-region --region-name ${region}`;
}

/** What to tell the user about a region the account must enable first, or undefined. */
export function optInRegion(cloud: Cloud, region: string): string | undefined {
  const name = optInRegions[cloud][region];
  if (!name) return undefined;
  return `${region} (${name}) is an opt-in region: it works only once the account has enabled it (the preview checks). Enable it with: ${enableRegionCommand(region)}, then wait until aws account get-region-opt-status --region-name ${region} says ENABLED (minutes, up to hours)`;
}
