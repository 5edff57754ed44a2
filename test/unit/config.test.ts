import { describe, expect, it } from "vitest";
import { placeholderRelease, runStack, type StackConfig } from "../../tools/offline/stack";

/** A valid minimal config; each case breaks one thing. */
const valid: StackConfig = {
  "portage:app": { release: placeholderRelease },
  "portage:access": {
    adminCidrs: ["203.0.113.10/32"],
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
  },
  "gcp:project": "test-project",
};

interface Case {
  what: string;
  overrides: StackConfig;
  /** The line the user must see: key, what was given, what is allowed. */
  message: string | RegExp;
  stack?: string;
}

const cases: Case[] = [
  {
    what: "unknown provider",
    overrides: { "portage:provider": "azure" },
    message: 'portage:provider: "azure" is not allowed; use aws or gcp',
  },
  {
    what: "misspelt top-level key",
    overrides: { "portage:fleeet": { regions: ["london"] } },
    message: 'portage:fleeet: unknown key (did you mean "fleet"?)',
  },
  {
    what: "misspelt nested key",
    overrides: { "portage:fleet": { regoins: ["london"] } },
    message: 'portage:fleet.regoins: unknown key (did you mean "regions"?); allowed keys here: regions, nodesPerRegion, size, diskGb',
  },
  {
    what: "unknown region",
    overrides: { "portage:fleet": { regions: ["virginia", "atlantis"] } },
    message: 'portage:fleet.regions[1]: "atlantis" is not a region; use one of virginia, ohio, oregon',
  },
  {
    what: "a gcp region on aws",
    overrides: { "portage:fleet": { regions: ["europe-west2"] } },
    message:
      'portage:fleet.regions[0]: "europe-west2" is a gcp region, but portage:provider is aws; the portable name "london" works on both',
  },
  {
    what: "an aws region on gcp",
    overrides: { "portage:provider": "gcp", "portage:fleet": { regions: ["us-east-1"] } },
    message:
      'portage:fleet.regions[0]: "us-east-1" is an aws region, but portage:provider is gcp; the portable name "virginia" works on both',
  },
  {
    what: "the same region twice",
    overrides: { "portage:fleet": { regions: ["london", "eu-west-2"] } },
    message: 'portage:fleet.regions[1]: "eu-west-2" is the same aws region (eu-west-2) as "london"; list each region once',
  },
  { what: "no regions", overrides: { "portage:fleet": { regions: [] } }, message: "portage:fleet.regions: needs at least 1 item" },
  {
    what: "nodes per region as text",
    overrides: { "portage:fleet": { nodesPerRegion: "two" } },
    message: 'portage:fleet.nodesPerRegion: "two" is not a whole number',
  },
  {
    what: "zero nodes",
    overrides: { "portage:fleet": { nodesPerRegion: 0 } },
    message: "portage:fleet.nodesPerRegion: 0 is too small; the minimum is 1",
  },
  {
    what: "unknown size",
    overrides: { "portage:fleet": { size: "huge" } },
    message: 'portage:fleet.size: "huge" is not a size; use small, medium, large or an aws instance type such as t3.small',
  },
  {
    what: "an aws instance type on gcp",
    overrides: { "portage:provider": "gcp", "portage:fleet": { size: "t3.small" } },
    message:
      'portage:fleet.size: "t3.small" is an aws instance type, but portage:provider is gcp; use small, medium, large or a gcp machine type such as e2-small',
  },
  {
    what: "a gcp tier on aws",
    overrides: { "portage:database": { size: "db-custom-1-3840" } },
    message: 'portage:database.size: "db-custom-1-3840" is a gcp tier, but portage:provider is aws',
  },
  {
    what: "unsupported Postgres version",
    overrides: { "portage:database": { version: "9.6" } },
    message: 'portage:database.version: "9.6" is not a supported Postgres major version; use one of 13, 14, 15, 16, 17',
  },
  {
    what: "storage below the minimum",
    overrides: { "portage:database": { storageGb: 5 } },
    message: "portage:database.storageGb: 5 is too small; the minimum is 20",
  },
  {
    what: "highAvailability as text",
    overrides: { "portage:database": { highAvailability: "yes" } },
    message: 'portage:database.highAvailability: "yes" is not true or false',
  },
  {
    what: "unknown edge kind",
    overrides: { "portage:edge": { kind: "nginx" } },
    message: 'portage:edge.kind: "nginx" is not allowed; use haproxy or traefik',
  },
  {
    what: "a domain with a scheme",
    overrides: { "portage:edge": { domain: "https://app.example.com", acmeEmail: "ops@example.com" } },
    message: 'portage:edge.domain: "https://app.example.com" is not a host name',
  },
  {
    what: "a domain without an ACME e-mail",
    overrides: { "portage:edge": { domain: "app.example.com" } },
    message: 'portage:edge.acmeEmail: is empty, but portage:edge.domain is "app.example.com"; Let\'s Encrypt needs a contact e-mail',
  },
  {
    what: "a malformed ACME e-mail",
    overrides: { "portage:edge": { domain: "app.example.com", acmeEmail: "ops-at-example" } },
    message: 'portage:edge.acmeEmail: "ops-at-example" is not an e-mail address',
  },
  {
    what: "an app name Elixir cannot release",
    overrides: { "portage:app": { name: "Hello-App" } },
    message: 'portage:app.name: "Hello-App" is not a release name',
  },
  {
    what: "an app name Postgres reserves",
    overrides: { "portage:app": { name: "postgres" } },
    message: 'portage:app.name: "postgres" is reserved',
  },
  {
    what: "a version with a slash",
    overrides: { "portage:app": { version: "1.0/beta" } },
    message: 'portage:app.version: "1.0/beta" is not a release version',
  },
  {
    what: "a health path without a slash",
    overrides: { "portage:app": { healthPath: "ping" } },
    message: 'portage:app.healthPath: "ping" is not a URL path',
  },
  {
    what: "a missing release tarball",
    overrides: { "portage:app": { release: "./releases/nope-9.9.9.tar.gz" } },
    message: /portage:app\.release: "\.\/releases\/nope-9\.9\.9\.tar\.gz" \(.*nope-9\.9\.9\.tar\.gz\) does not exist/,
  },
  {
    what: "the same port twice",
    overrides: { "portage:app": { ports: [4000, 4000] } },
    message: "portage:app.ports: [4000,4000] repeats a port; blue and green need two different ports",
  },
  {
    what: "one port only",
    overrides: { "portage:app": { ports: [4000] } },
    message: "portage:app.ports: [4000] must be exactly two ports, blue and green",
  },
  {
    what: "an app port in the distribution range",
    overrides: { "portage:app": { ports: [4000, 9120] } },
    message: "portage:app.ports[1]: 9120 lies in the Erlang distribution range 9100-9155",
  },
  {
    what: "an app port on epmd",
    overrides: { "portage:app": { ports: [4369, 4001] } },
    message: "portage:app.ports[0]: 4369 is taken by epmd",
  },
  {
    what: "a backwards distribution range",
    overrides: { "portage:cluster": { distributionPorts: [9155, 9100] } },
    message: "portage:cluster.distributionPorts: [9155,9100] starts after it ends",
  },
  {
    what: "no admin CIDRs",
    overrides: { "portage:access": { adminCidrs: [] } },
    message: "portage:access.adminCidrs: is empty, so nobody could SSH to the edge",
  },
  {
    what: "an admin CIDR with host bits",
    overrides: { "portage:access": { adminCidrs: ["203.0.113.10/24"] } },
    message: 'portage:access.adminCidrs[0]: "203.0.113.10/24" has host bits set; did you mean "203.0.113.0/24" or "203.0.113.10/32"?',
  },
  {
    what: "an admin address without a prefix",
    overrides: { "portage:access": { adminCidrs: ["203.0.113.10"] } },
    message: 'portage:access.adminCidrs[0]: "203.0.113.10" is not a CIDR',
  },
  {
    what: "SSH open to the internet in production",
    overrides: { "portage:production": true, "portage:access": { adminCidrs: ["0.0.0.0/0"] } },
    message: 'portage:access.adminCidrs[0]: "0.0.0.0/0" opens SSH to the whole internet, which a production stack refuses',
  },
  {
    what: "SSH open to all of IPv6 in production",
    overrides: { "portage:production": true, "portage:access": { adminCidrs: ["::/0"] } },
    message: 'portage:access.adminCidrs[0]: "::/0" opens SSH to the whole internet',
  },
  {
    what: "backups off in production",
    overrides: { "portage:production": true, "portage:database": { backupDays: 0 } },
    message: "portage:database.backupDays: 0 turns backups off, which a production stack does not allow",
  },
  {
    what: "a standby without backups",
    overrides: { "portage:database": { highAvailability: true, backupDays: 0 } },
    message: "portage:database.backupDays: 0 turns backups off, but portage:database.highAvailability is true",
  },
  {
    what: "no SSH public key",
    overrides: { "portage:access": { sshPublicKey: "" } },
    message:
      'portage:access.sshPublicKey: is empty; set it with: pulumi config set --path portage:access.sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"',
  },
  {
    what: "a private key where the public key goes",
    overrides: { "portage:access": { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----" } },
    message: 'portage:access.sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----" is not an OpenSSH public key',
  },
  {
    what: "a public key where the private key goes",
    overrides: { "portage:sshPrivateKey": "ssh-ed25519 AAAA" },
    message: "portage:sshPrivateKey: is not a PEM/OpenSSH private key",
  },
  {
    what: "gcp without a project",
    overrides: { "portage:provider": "gcp", "gcp:project": undefined },
    message: "gcp:project: is required when portage:provider is gcp",
  },
  {
    what: "an object key given as text",
    overrides: { "portage:bucket": "versioned" },
    message: 'portage:bucket: "versioned" is not an object of settings',
  },
];

describe("bad config fails before any resource is registered", () => {
  it.each(cases)("$what", async ({ overrides, message, stack }) => {
    const result = await runStack({ overrides: { ...valid, ...overrides }, stackName: stack ?? "dev" });
    expect(result.error?.name).toBe("ConfigError");
    if (typeof message === "string") expect(result.error?.message).toContain(message);
    else expect(result.error?.message).toMatch(message);
    expect(result.resources).toEqual([]);
  });

  it("has at least 25 distinct cases", () => {
    expect(new Set(cases.map((c) => c.what)).size).toBeGreaterThanOrEqual(25);
  });

  it("reports every problem at once, each on its own line", async () => {
    const result = await runStack({
      overrides: { ...valid, "portage:edge": { kind: "nginx" }, "portage:fleet": { nodesPerRegion: 0 } },
    });
    expect(result.error?.message).toMatch(/^the stack config has 2 problems; nothing was created or changed:\n {2}portage:/);
    expect(result.error?.message.split("\n")).toHaveLength(3);
  });
});
