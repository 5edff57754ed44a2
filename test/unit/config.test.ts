import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseStackConfig, resolveCloud } from "../../components/config";
import { placeholderReleaseFor } from "../../tools/offline/release-fixture";
import { ed25519Pair, rsaPublicKey } from "../support/ssh";
import { placeholderRelease, runStack, stackConfigMap, type StackConfig } from "../../tools/offline/stack";

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
    what: "a region with zero nodes of its own",
    overrides: { "portage:fleet": { regions: ["virginia", { name: "london", nodes: 0 }] } },
    message: "portage:fleet.regions[1].nodes: 0 is too small; the minimum is 1",
  },
  {
    what: "a region given as an object without a name",
    overrides: { "portage:fleet": { regions: ["virginia", { region: "london", nodes: 2 }] } },
    message:
      'portage:fleet.regions[1]: {"region":"london","nodes":2} is not valid here; give a region name ("london") or a region with its own node count ({ name: london, nodes: 3 })',
  },
  {
    what: "an unknown region with its own node count",
    overrides: { "portage:fleet": { regions: ["virginia", { name: "atlantis", nodes: 2 }] } },
    message: 'portage:fleet.regions[1]: "atlantis" is not a region',
  },
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
    what: "traefik edges in several regions with a domain (they cannot share one certificate)",
    overrides: {
      "portage:fleet": { regions: ["virginia", "london"] },
      "portage:edge": { kind: "traefik", domain: "app.example.com", acmeEmail: "ops@example.com" },
    },
    message: 'portage:edge.kind: "traefik" with portage:edge.domain "app.example.com" and 2 fleet regions of 1 edge',
  },
  {
    what: "edge.count of 0",
    overrides: { "portage:edge": { count: 0 } },
    message: "portage:edge.count: 0 is too small; the minimum is 1",
  },
  {
    what: "more edges per region than zone slots",
    overrides: { "portage:provider": "gcp", "portage:edge": { count: 4 } },
    message: "portage:edge.count: 4 is too large; the maximum is 3",
  },
  {
    what: "three edges per region on aws (Elastic IP quota)",
    overrides: { "portage:edge": { count: 3 } },
    message: "portage:edge.count: 3 edges per region on aws need 7 Elastic IPs in every region",
  },
  {
    what: "traefik edges in a pair with a domain",
    overrides: { "portage:edge": { kind: "traefik", domain: "app.example.com", acmeEmail: "ops@example.com", count: 2 } },
    message: 'portage:edge.kind: "traefik" with portage:edge.domain "app.example.com" and 1 fleet region of 2 edges',
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
    what: "a DNS zone that does not hold the domain",
    overrides: { "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com", dnsZone: "example.org" } },
    message:
      'portage:edge.dnsZone: "example.org" does not hold portage:edge.domain "app.example.com"; the zone must be the domain or a parent of it ("app.example.com", "example.com")',
  },
  {
    what: "a DNS zone that only shares the domain's last letters",
    overrides: { "portage:edge": { domain: "app.myexample.com", acmeEmail: "ops@example.com", dnsZone: "example.com" } },
    message: 'portage:edge.dnsZone: "example.com" does not hold portage:edge.domain "app.myexample.com"',
  },
  {
    what: "a DNS zone without a domain",
    overrides: { "portage:edge": { dnsZone: "example.com" } },
    message: 'portage:edge.dnsZone: is "example.com", but portage:edge.domain is empty: there is no record to write',
  },
  {
    what: "a DNS zone given as a provider's zone id",
    overrides: { "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com", dnsZone: "Z0123456789ABC" } },
    message: 'portage:edge.dnsZone: "Z0123456789ABC" is not a zone\'s domain name; write it like "example.com"',
  },
  {
    what: "a DNS zone while the stack moves to the other cloud",
    overrides: {
      "portage:edge": { domain: "app.example.com", acmeEmail: "ops@example.com", dnsZone: "example.com" },
      "portage:migration": { to: "gcp", phase: "replicate" },
    },
    message: "portage:edge.dnsZone: is set while portage:migration moves the stack to the other cloud",
  },
  {
    what: "a read replica in the primary region",
    overrides: { "portage:fleet": { regions: ["virginia", "london"] }, "portage:database": { replicas: ["virginia"] } },
    message:
      'portage:database.replicas[0]: "virginia" is the primary region (the first of portage:fleet.regions), where the database itself is; list other fleet regions',
  },
  {
    what: "a read replica outside the fleet",
    overrides: { "portage:fleet": { regions: ["virginia", "london"] }, "portage:database": { replicas: ["frankfurt"] } },
    message: 'portage:database.replicas[0]: "frankfurt" is not a region of portage:fleet.regions; use one of "london", as written there',
  },
  {
    what: "a read replica in a one-region fleet",
    overrides: { "portage:database": { replicas: ["london"] } },
    message:
      'portage:database.replicas[0]: "london" is not a region of portage:fleet.regions; use one of (none: add a second fleet region first)',
  },
  {
    what: "the same replica region twice",
    overrides: { "portage:fleet": { regions: ["virginia", "london"] }, "portage:database": { replicas: ["london", "london"] } },
    message: 'portage:database.replicas[1]: "london" is listed twice; a region has one replica',
  },
  {
    what: "read replicas without backups",
    overrides: { "portage:fleet": { regions: ["virginia", "london"] }, "portage:database": { replicas: ["london"], backupDays: 0 } },
    message:
      'portage:database.backupDays: 0 turns backups off, but portage:database.replicas lists "london": a read replica needs the source\'s backups',
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
    what: "SSH open to the whole internet by two halves in production",
    overrides: { "portage:production": true, "portage:access": { adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } },
    message: 'portage:access.adminCidrs: ["0.0.0.0/1","128.0.0.0/1"] opens SSH to the whole internet, which a production stack refuses',
  },
  {
    what: "an IPv6 admin range, which no edge has an address for",
    overrides: { "portage:access": { adminCidrs: ["203.0.113.10/32", "2001:db8::/48"] } },
    message: 'portage:access.adminCidrs[1]: "2001:db8::/48" is an IPv6 range, but the edge has an IPv4 address only',
  },
  {
    what: "a private admin range, which never reaches the edge's public address",
    overrides: { "portage:access": { adminCidrs: ["192.168.1.0/24"] } },
    message:
      'portage:access.adminCidrs[0]: "192.168.1.0/24" is private (RFC 1918): SSH reaches the edge\'s public address from your public IPv4 address',
  },
  {
    what: "a loopback admin range",
    overrides: { "portage:access": { adminCidrs: ["127.0.0.1/32"] } },
    message: 'portage:access.adminCidrs[0]: "127.0.0.1/32" is loopback',
  },
  {
    what: "a carrier-grade NAT admin range",
    overrides: { "portage:access": { adminCidrs: ["100.64.0.0/10"] } },
    message: 'portage:access.adminCidrs[0]: "100.64.0.0/10" is carrier-grade NAT space',
  },
  {
    what: "a multicast admin range",
    overrides: { "portage:access": { adminCidrs: ["224.0.0.0/4"] } },
    message: 'portage:access.adminCidrs[0]: "224.0.0.0/4" is multicast',
  },
  {
    what: "the same admin range twice (a duplicate rule the clouds refuse)",
    overrides: { "portage:access": { adminCidrs: ["198.51.100.0/24", "198.51.100.0/24"] } },
    message: 'portage:access.adminCidrs[1]: "198.51.100.0/24" is listed twice',
  },
  {
    what: "an app name the VMs already have as a user (cloud-init would skip the rest of the user-data)",
    overrides: { "portage:app": { name: "ubuntu" } },
    message: 'portage:app.name: "ubuntu" is a user or group the VMs already have',
  },
  {
    what: "an app name that is portage's admin user",
    overrides: { "portage:app": { name: "portage" } },
    message: 'portage:app.name: "portage" is a user or group the VMs already have',
  },
  {
    what: "an app name that is a system group",
    overrides: { "portage:app": { name: "sudo" } },
    message: 'portage:app.name: "sudo" is a user or group the VMs already have',
  },
  {
    what: "an app port in Linux's ephemeral range",
    overrides: { "portage:app": { ports: [4000, 45000] } },
    message: "portage:app.ports[1]: 45000 lies in Linux's ephemeral range 32768-60999",
  },
  {
    what: "a distribution range too small for blue and green at once",
    overrides: { "portage:cluster": { distributionPorts: [9100, 9101] } },
    message: "portage:cluster.distributionPorts: [9100,9101] holds 2 ports; a node needs 4: blue and green at once during a deploy",
  },
  {
    what: "a distribution range in Linux's ephemeral range",
    overrides: { "portage:cluster": { distributionPorts: [40000, 40050] } },
    message: "portage:cluster.distributionPorts: [40000,40050] overlaps Linux's ephemeral range 32768-60999",
  },
  {
    what: "a misspelt namespace, which Pulumi would silently ignore",
    overrides: { "portge:fleet": { regions: ["london"] } },
    message: 'portge:fleet: unknown namespace "portge" (did you mean "portage:fleet"?)',
  },
  {
    what: "a health path longer than a Route 53 health check requests (ResourcePath: at most 255)",
    overrides: { "portage:app": { healthPath: `/${"a".repeat(255)}` } },
    message: "portage:app.healthPath: is 256 characters long; at most 255 are allowed",
  },
  {
    what: "a public key whose key part is of another type than it says",
    overrides: {
      "portage:access": {
        adminCidrs: ["203.0.113.10/32"],
        sshPublicKey: "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iyONpbDfB1y1D6RjGSEjZph2L9u you@example.com",
      },
    },
    message: "it says ssh-rsa but its key part is a ssh-ed25519 key",
  },
  {
    what: "an RSA key OpenSSH takes but too large for every VM's user-data to fit AWS's 16 KB",
    overrides: { "portage:access": { adminCidrs: ["203.0.113.10/32"], sshPublicKey: rsaPublicKey(16384) } },
    message: "it is a 16384-bit RSA key; portage takes RSA keys up to 8192 bits",
  },
  {
    what: "a public key cut short",
    overrides: {
      "portage:access": {
        adminCidrs: ["203.0.113.10/32"],
        sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExbxDw9EbFfV1Nt2iy you@example.com",
      },
    },
    message: "its key part is damaged (cut short or padded)",
  },
  {
    what: "a release built for another CPU than the nodes'",
    overrides: { "portage:app": { release: placeholderReleaseFor({ arch: "arm64" }) } },
    message:
      /portage:app\.release: ".*": its Erlang runtime \(erts-14\.2\/bin\/beam\.smp\) is built for aarch64, but portage:fleet\.size "small" \(t3\.small\) is x86_64/,
  },
  {
    what: "a release of another name than the app",
    overrides: { "portage:app": { release: placeholderReleaseFor({ name: "shop" }) } },
    message: 'is the release "shop", but portage:app.name is "hello"',
  },
  {
    what: "Traefik on an arm64 edge (its pinned build is x86_64)",
    overrides: { "portage:edge": { kind: "traefik", size: "t4g.small" } },
    message: 'portage:edge.size: "t4g.small" (t4g.small) is an arm64 type, but portage installs Traefik from its pinned x86_64 build only',
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
    what: "a private key of another pair than the public key the VMs let in",
    overrides: { "portage:sshPrivateKey": ed25519Pair().privateKey },
    message: "portage:sshPrivateKey: is not the private half of portage:access.sshPublicKey",
  },
  {
    what: "a private key behind a passphrase, which nothing can type during pulumi up",
    overrides: {
      "portage:sshPrivateKey": generateKeyPairSync("ed25519")
        .privateKey.export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "x" })
        .toString(),
    },
    message: "portage:sshPrivateKey: is protected by a passphrase",
  },
  {
    what: "gcp without a project",
    overrides: { "portage:provider": "gcp", "gcp:project": undefined },
    message: "gcp:project: is required when portage:provider is gcp",
  },
  {
    what: "more than ten regions",
    overrides: {
      "portage:fleet": {
        regions: [
          "virginia",
          "ohio",
          "oregon",
          "california",
          "montreal",
          "sao-paulo",
          "london",
          "frankfurt",
          "paris",
          "stockholm",
          "milan",
        ],
      },
    },
    message: "portage:fleet.regions: 11 regions; portage supports up to 10",
  },
  {
    what: "the same gcp region twice",
    overrides: { "portage:provider": "gcp", "portage:fleet": { regions: ["london", "europe-west2"] } },
    message: 'portage:fleet.regions[1]: "europe-west2" is the same gcp region (europe-west2) as "london"; list each region once',
  },
  {
    what: "a root disk below the minimum",
    overrides: { "portage:fleet": { diskGb: 5 } },
    message: "portage:fleet.diskGb: 5 is too small; the minimum is 10",
  },
  {
    what: "an unknown edge size",
    overrides: { "portage:edge": { size: "tiny" } },
    message: 'portage:edge.size: "tiny" is not a size; use small, medium, large or an aws instance type such as t3.small',
  },
  {
    what: "an ACME e-mail without a domain",
    overrides: { "portage:edge": { acmeEmail: "ops@example.com" } },
    message: "portage:edge.acmeEmail: is set but portage:edge.domain is empty",
  },
  {
    what: "an app name that is a Postgres key word",
    overrides: { "portage:app": { name: "select" } },
    message: 'portage:app.name: "select" is reserved',
  },
  {
    what: "an app name in Postgres's own pg_ namespace",
    overrides: { "portage:app": { name: "pg_shop" } },
    message: 'portage:app.name: "pg_shop" is reserved',
  },
  {
    what: "an app port below 1024",
    overrides: { "portage:app": { ports: [80, 4001] } },
    message: "portage:app.ports[0]: 80 is outside 1024-65535",
  },
  {
    what: "an app port on the edge's admin API",
    overrides: { "portage:app": { ports: [4000, 8404] } },
    message: "portage:app.ports[1]: 8404 is taken by edgeAdmin",
  },
  {
    what: "a distribution range of one port",
    overrides: { "portage:cluster": { distributionPorts: [9100] } },
    message: "portage:cluster.distributionPorts: [9100] must be two ports, the first and the last of the range",
  },
  {
    what: "a distribution range that includes epmd",
    overrides: { "portage:cluster": { distributionPorts: [4300, 4400] } },
    message: "portage:cluster.distributionPorts: [4300,4400] includes port 4369, used by epmd",
  },
  {
    what: "a distribution range over a thousand ports",
    overrides: { "portage:cluster": { distributionPorts: [10000, 12000] } },
    message: "portage:cluster.distributionPorts: [10000,12000] spans 2001 ports",
  },
  {
    what: "a rollout batch of zero nodes",
    overrides: { "portage:rollout": { batchSize: 0 } },
    message: 'portage:rollout.batchSize: 0: give a whole number of nodes from 1 to 1000, or a share of the fleet such as "25%"',
  },
  {
    what: "a rollout batch as a share over 100%",
    overrides: { "portage:rollout": { batchSize: "150%" } },
    message: 'portage:rollout.batchSize: "150%": give a whole number of nodes (1 to 1000) or a share of the fleet from "1%" to "100%"',
  },
  {
    what: "a deploy timeout shorter than the health check's",
    overrides: { "portage:rollout": { healthTimeoutSeconds: 300, deployTimeoutSeconds: 200 } },
    message:
      "portage:rollout.deployTimeoutSeconds: 200 leaves a node's deploy less than a minute beyond healthTimeoutSeconds (300); give at least 360, or 0 for healthTimeoutSeconds + 600",
  },
  {
    what: "an agent polling more often than every second",
    overrides: { "portage:rollout": { pollSeconds: 0 } },
    message: "portage:rollout.pollSeconds: 0 is too small; the minimum is 1",
  },
  {
    what: "an app secret named like one of portage's own variables",
    overrides: { "portage:app": { secrets: { RELEASE_COOKIE: "mine" } } },
    message: "portage:app.secrets.RELEASE_COOKIE: portage sets RELEASE_COOKIE itself; choose another name",
  },
  {
    what: "an app setting with a prefix portage keeps",
    overrides: { "portage:app": { env: { ERL_FLAGS: "+S 1" } } },
    message: "portage:app.env.ERL_FLAGS: portage sets ERL_FLAGS itself (every name starting with ERL_ is portage's); choose another name",
  },
  {
    what: "an app setting that is not a variable name",
    overrides: { "portage:app": { env: { "my-setting": "x" } } },
    message: 'portage:app.env.my-setting: "my-setting" is not a variable name',
  },
  {
    what: "an app secret whose value is a map, shown without the value",
    overrides: { "portage:app": { secrets: { TOKEN: { nested: "sk_hidden" } } } },
    message: /^(?!.*sk_hidden)[\s\S]*portage:app\.secrets\.TOKEN: the value is not text, a number or a boolean/,
  },
  {
    what: "a migration command on two lines",
    overrides: { "portage:app": { migrate: "bin/migrate\nrm -rf /" } },
    message: 'portage:app.migrate: "bin/migrate\\nrm -rf /" is not a command',
  },
  {
    what: "a health timeout too short for a release to start",
    overrides: { "portage:rollout": { healthTimeoutSeconds: 5 } },
    message: "portage:rollout.healthTimeoutSeconds: 5 is too small; the minimum is 10",
  },
  {
    what: "bucket versioning as text",
    overrides: { "portage:bucket": { versioning: "yes" } },
    message: 'portage:bucket.versioning: "yes" is not true or false',
  },
  {
    what: "an address space portage does not have",
    overrides: { "portage:addressSpace": "third" },
    message: 'portage:addressSpace: "third" is not allowed; use default or alternate',
  },
  {
    what: "a migration to the cloud that serves already",
    overrides: { "portage:migration": { to: "aws", phase: "replicate" } },
    message: 'portage:migration.to: "aws" is the cloud that serves the stack already (portage:provider); give the cloud to move to: "gcp"',
  },
  {
    what: "a migration phase portage does not have",
    overrides: { "portage:migration": { to: "gcp", phase: "switch" } },
    message: 'portage:migration.phase: "switch" is not allowed; use replicate or cutover or rollback or finish or cancel',
  },
  {
    what: "a migration without its target",
    overrides: { "portage:migration": { phase: "replicate" } },
    message: "portage:migration.to: is required; use aws or gcp",
  },
  {
    what: "a migration whose target needs a gcp project",
    overrides: { "portage:migration": { to: "gcp", phase: "replicate" }, "gcp:project": "" },
    message: "gcp:project: is required when portage:migration.to is gcp",
  },
  {
    what: "a migration from a provider region: the target's own is asked for in portage:migration",
    overrides: { "portage:migration": { to: "gcp", phase: "replicate" }, "portage:fleet": { regions: ["us-east-1"] } },
    message:
      'portage:fleet.regions[0]: "us-east-1" is an aws region, but portage:migration.to is gcp; the portable name "virginia" works on both. ' +
      "Keep portage:fleet.regions as it is (it names the serving footprint) and set the target's regions, in order, the first primary in portage:migration.regions",
  },
  {
    what: "a migration from an explicit instance type: the target's size is asked for in portage:migration",
    overrides: { "portage:migration": { to: "gcp", phase: "replicate" }, "portage:database": { size: "db.r6g.large" } },
    message:
      'portage:database.size: "db.r6g.large" is an aws instance class, but portage:migration.to is gcp; use small, medium, large or a gcp tier such as db-custom-1-3840. ' +
      "Keep portage:database.size as it is (it names the serving footprint) and set the target's database size in portage:migration.databaseSize",
  },
  {
    what: "a target size that is not one of the target cloud's",
    overrides: { "portage:migration": { to: "gcp", phase: "replicate", fleetSize: "m6i.large" } },
    message: 'portage:migration.fleetSize: "m6i.large" is an aws instance type, but portage:migration.to is gcp',
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

  it("has a case for every section and for what each cloud adds", () => {
    expect(new Set(cases.map((c) => c.what)).size).toBe(cases.length);
    const keys = new Set(cases.map((c) => /portage:(\w+)/.exec(String(c.message))?.[1]));
    for (const key of [
      "provider",
      "fleet",
      "database",
      "bucket",
      "edge",
      "app",
      "access",
      "cluster",
      "rollout",
      "sshPrivateKey",
      "addressSpace",
      "migration",
    ]) {
      expect(keys, key).toContain(key);
    }
  });

  it("reports every problem at once, each on its own line", async () => {
    const result = await runStack({
      overrides: { ...valid, "portage:edge": { kind: "nginx" }, "portage:fleet": { nodesPerRegion: 0 } },
    });
    expect(result.error?.message).toMatch(/^the stack config has 2 problems; nothing was created or changed:\n {2}portage:/);
    expect(result.error?.message.split("\n")).toHaveLength(3);
  });
});

describe("the spec resolved for a cloud other than portage:provider (a footprint beside the serving one)", () => {
  const parse = (overrides: StackConfig) =>
    parseStackConfig(stackConfigMap({ overrides: { ...valid, ...overrides } }), { project: "portage", stack: "dev", cwd: process.cwd() });
  const target = { because: "portage:migration.to is gcp", providers: { aws: {}, gcp: { project: "test-project" } } };

  it("the same portable regions and sizes resolve to the other cloud's own", () => {
    const spec = parse({ "portage:fleet": { regions: ["virginia", "london"], size: "medium" } });
    const resolved = resolveCloud(spec, "gcp", target);
    if ("problems" in resolved) throw new Error(resolved.problems.join("\n"));
    expect(resolved.cloud.regions.map((r) => [r.key, r.region, r.cidr])).toEqual([
      ["virginia", "us-east4", "10.102.0.0/20"],
      ["london", "europe-west2", "10.119.0.0/20"],
    ]);
    expect(resolved.cloud.fleet.machineType).toBe("e2-standard-2");
    expect(resolved.cloud.nodes.map((n) => n.name)).toEqual(["virginia-1", "london-1"]);
  });

  it("a region's own node count sizes that region only; the others take nodesPerRegion", () => {
    const spec = parse({ "portage:fleet": { regions: ["virginia", { name: "london", nodes: 3 }, { name: "tokyo" }], nodesPerRegion: 2 } });
    const resolved = resolveCloud(spec, "gcp", target);
    if ("problems" in resolved) throw new Error(resolved.problems.join("\n"));
    expect(resolved.cloud.regions.map((r) => [r.key, r.nodes])).toEqual([
      ["virginia", 2],
      ["london", 3],
      ["tokyo", 2],
    ]);
    expect(resolved.cloud.nodes.map((n) => n.name)).toEqual([
      "virginia-1",
      "virginia-2",
      "london-1",
      "london-2",
      "london-3",
      "tokyo-1",
      "tokyo-2",
    ]);
  });

  it("what only fits the serving cloud is refused, saying why the other cloud was asked", () => {
    const spec = parse({ "portage:fleet": { regions: ["us-east-1"], size: "t3.small" } });
    const resolved = resolveCloud(spec, "gcp", target);
    expect("problems" in resolved && resolved.problems).toEqual([
      'portage:fleet.regions[0]: "us-east-1" is an aws region, but portage:migration.to is gcp; the portable name "virginia" works on both',
      'portage:fleet.size: "t3.small" is an aws instance type, but portage:migration.to is gcp; use small, medium, large or a gcp machine type such as e2-small',
    ]);
  });

  it("portage:migration resolves its target in the address space the serving footprint does not use", () => {
    for (const [space, other, primary] of [
      ["default", "alternate", "10.22.0.0/20"],
      ["alternate", "default", "10.102.0.0/20"],
    ] as const) {
      const spec = parse({ "portage:addressSpace": space, "portage:migration": { to: "gcp", phase: "replicate" } });
      expect(spec.migration).toEqual({ from: "aws", to: "gcp", phase: "replicate" });
      expect(spec.clouds.aws?.addresses.space.name).toBe(space);
      expect(spec.clouds.gcp?.addresses.space.name).toBe(other);
      expect(spec.clouds.gcp?.primary.cidr).toBe(primary);
    }
  });

  it("a migration is accepted from either edge kind (both forward during cutover)", () => {
    for (const kind of ["haproxy", "traefik"]) {
      const spec = parse({ "portage:edge": { kind }, "portage:migration": { to: "gcp", phase: "cutover" } });
      expect(spec.edge.kind).toBe(kind);
      expect(spec.migration).toEqual({ from: "aws", to: "gcp", phase: "cutover" });
    }
  });

  it("the target's own regions and sizes come from portage:migration, the serving footprint keeps the stack's", () => {
    const spec = parse({
      "portage:fleet": { regions: ["us-east-1", "eu-west-2"], size: "m6i.large" },
      "portage:migration": { to: "gcp", phase: "replicate", regions: ["us-east4", "europe-west2"], fleetSize: "n2-standard-2" },
    });
    expect(spec.clouds.aws?.regions.map((r) => r.key)).toEqual(["us-east-1", "eu-west-2"]);
    expect(spec.clouds.aws?.fleet.machineType).toBe("m6i.large");
    expect(spec.clouds.gcp?.regions.map((r) => [r.key, r.region])).toEqual([
      ["us-east4", "us-east4"],
      ["europe-west2", "europe-west2"],
    ]);
    expect(spec.clouds.gcp?.fleet.machineType).toBe("n2-standard-2");
    expect(spec.clouds.gcp?.nodes.map((n) => n.name)).toEqual(["us-east4-1", "europe-west2-1"]);
  });

  it("another address space moves every range of the footprint", () => {
    const spec = parse({});
    const resolved = resolveCloud(spec, "gcp", {
      ...target,
      space: { name: "migration", regionBase: 150, privateServices: "10.201.0.0/16" },
    });
    if ("problems" in resolved) throw new Error(resolved.problems.join("\n"));
    expect(resolved.cloud.primary.cidr).toBe("10.152.0.0/20");
    expect(resolved.cloud.addresses.privateServices.cidr).toBe("10.201.0.0/16");
  });
});
