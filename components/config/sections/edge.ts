import { shown } from "../errors";
import type { Spec } from "../spec";
import { reservedPorts, type SectionInput } from "./context";

const patterns = {
  domain: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
};

/** `portage:edge`: a host name and the ACME e-mail go together. */
export function edgeSection({ raw, problems }: SectionInput): Spec["edge"] {
  const edge = raw.edge;
  if (edge.domain !== "" && !patterns.domain.test(edge.domain)) {
    problems.at("edge.domain", `${shown(edge.domain)} is not a host name; write it like "app.example.com" (lowercase, no scheme or path)`);
  }
  if (edge.domain !== "" && edge.acmeEmail === "") {
    problems.at(
      "edge.acmeEmail",
      `is empty, but portage:edge.domain is ${shown(edge.domain)}; Let's Encrypt needs a contact e-mail for the certificate`,
    );
  }
  if (edge.acmeEmail !== "" && !patterns.email.test(edge.acmeEmail)) {
    problems.at("edge.acmeEmail", `${shown(edge.acmeEmail)} is not an e-mail address`);
  }
  if (edge.acmeEmail !== "" && edge.domain === "") {
    problems.at(
      "edge.acmeEmail",
      `is set but portage:edge.domain is empty, so no certificate is requested; set the domain or clear the e-mail`,
    );
  }
  // Every fleet region gets an edge; several edges share one certificate, which only the HAProxy
  // edge can do (node/edge.ts: Traefik keeps its own ACME store, and Let's Encrypt's validation
  // request may reach any edge).
  const regions = raw.fleet.regions.length;
  const perRegion = edge.count ?? (raw.production ? 2 : 1);
  if (edge.kind === "traefik" && edge.domain !== "" && regions * perRegion > 1) {
    problems.at(
      "edge.kind",
      `"traefik" with portage:edge.domain ${shown(edge.domain)} and ${regions} fleet region${regions === 1 ? "" : "s"} of ${perRegion} edge${perRegion === 1 ? "" : "s"} (portage:edge.count${edge.count === undefined ? ", 2 in production" : ""}): several edges share one certificate only with "haproxy"; use kind "haproxy", or one region with edge.count 1, or no domain`,
    );
  }
  const dnsZone = edge.dnsZone.replace(/\.$/, "");
  if (dnsZone !== "") dnsZoneProblems(dnsZone, edge.domain, raw.migration !== undefined, problems);
  // A production stack is not left on one edge per region unless it asks to be.
  const count = edge.count ?? (raw.production ? 2 : 1);
  return { ...edge, dnsZone, count, adminPort: reservedPorts.edgeAdmin };
}

/**
 * `edge.dnsZone` is the domain name of a public zone (Route 53 hosted zone / Cloud DNS managed zone)
 * that holds `edge.domain`: the domain itself or a parent of it. Whether the zone exists is the
 * provider's lookup, in the preview (components/dns/public-*.ts).
 */
function dnsZoneProblems(zone: string, domain: string, migrating: boolean, problems: SectionInput["problems"]): void {
  const key = "edge.dnsZone";
  if (!patterns.domain.test(zone)) {
    problems.at(key, `${shown(zone)} is not a zone's domain name; write it like "example.com" (the zone that holds edge.domain)`);
  } else if (domain === "") {
    problems.at(key, `is ${shown(zone)}, but portage:edge.domain is empty: there is no record to write; set the domain or clear the zone`);
  } else if (domain !== zone && !domain.endsWith(`.${zone}`)) {
    const parents = domain
      .split(".")
      .map((_, i, labels) => labels.slice(i).join("."))
      .slice(0, -1);
    problems.at(
      key,
      `${shown(zone)} does not hold portage:edge.domain ${shown(domain)}; the zone must be the domain or a parent of it (${parents.map((p) => shown(p)).join(", ")})`,
    );
  }
  if (migrating) {
    problems.at(
      key,
      `is set while portage:migration moves the stack to the other cloud, whose footprint cannot write this cloud's zone; take the records over by hand first (pulumi state delete the public-dns resources, then clear edge.dnsZone: the records stay), README "Public DNS"`,
    );
  }
}
