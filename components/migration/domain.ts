import * as pulumi from "@pulumi/pulumi";

/**
 * `finish` deletes the source's edges at the update that closes the migration: clients whose DNS
 * still answers with them would lose the app. The check runs where the operator runs `pulumi
 * preview` / `pulumi up` (the dynamic provider's `check`, which the engine calls in a preview too),
 * through that machine's resolver: what the public sees, give or take caches (lower the TTL first).
 */

export interface DomainMovedInputs {
  domain: string;
  /** Every public address of the source's edges (balancers' and edges'). */
  sourceAddresses: string[];
}

/** Why the domain still points at the source, or undefined when none of its A records does. */
export async function stillAtSource(
  inputs: DomainMovedInputs,
  resolve4: (name: string) => Promise<string[]> = (name) =>
    // Required where the provider runs: the serialized function must not capture this module's imports.
    (require("node:dns") as typeof import("node:dns")).promises.resolve4(name),
): Promise<string | undefined> {
  let found: string[];
  try {
    found = await resolve4(inputs.domain);
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    return `portage:migration.phase finish: ${inputs.domain} does not resolve from this machine (${code}); point it at the target's edge (migration.targetEdgeAddress) and check that it resolves before finishing`;
  }
  const old = found.filter((a) => inputs.sourceAddresses.includes(a));
  if (old.length === 0) return undefined;
  return (
    `portage:migration.phase finish: ${inputs.domain} still resolves to the source's edge (${old.join(", ")}); ` +
    `point its record at the target's edge (migration.targetEdgeAddress), wait for the old record's TTL, then finish (nothing was changed)`
  );
}

const provider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: DomainMovedInputs, news: DomainMovedInputs) {
    // An address not known yet (a preview of new edges) cannot be compared: the update checks again.
    if (!Array.isArray(news.sourceAddresses) || typeof news.domain !== "string") return { inputs: news };
    const reason = await stillAtSource(news);
    return { inputs: news, failures: reason ? [{ property: "domain", reason }] : [] };
  },
  async diff() {
    // Checked at every update (check above); nothing to change.
    return { changes: false };
  },
  async create(inputs: DomainMovedInputs) {
    return { id: inputs.domain, outs: inputs };
  },
  async delete() {},
};

/** Fails the preview and the update of `finish` while `domain` resolves to one of the source's addresses. */
export class DomainMoved extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { [K in keyof DomainMovedInputs]: pulumi.Input<DomainMovedInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(provider, name, args, opts, "migration", "DomainMoved");
  }
}
