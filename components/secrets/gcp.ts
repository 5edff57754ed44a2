import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { transform, type Transform } from "../transform";
import type { SecretsInputs, SecretValue, StoredEntry } from "./types";

/** Per-resource escape hatches for the gcp secrets (see components/transform.ts). */
export interface GcpSecretsTransforms {
  /** Applied to each Secret Manager secret; the callback's `name` says which. */
  secret?: Transform<gcp.secretmanager.SecretArgs>;
  /** Applied to each secret's version (the value). */
  version?: Transform<gcp.secretmanager.SecretVersionArgs>;
}

/**
 * One Secret Manager secret per entry (id from secrets/names.ts, automatic replication) holding the
 * value as its version. Who may read them is granted by the readers (fleet, edge), by name.
 */
export function createSecrets(
  name: string,
  args: SecretsInputs<"gcp"> & { values: SecretValue[] },
  t: GcpSecretsTransforms = {},
  parent: pulumi.Resource,
): StoredEntry[] {
  const opts = { parent, provider: args.providers.handle.provider };
  return args.values.map((entry) => {
    const key = entry.id ?? entry.env.toLowerCase().replace(/_/g, "-");
    const secret = new gcp.secretmanager.Secret(
      ...transform(
        t.secret,
        `${name}-${key}`,
        {
          secretId: entry.ref,
          replication: { auto: {} },
          // The id is fixed by the stack's names: a replacement must free it first.
        },
        { ...opts, deleteBeforeReplace: true },
      ),
    );
    const version = new gcp.secretmanager.SecretVersion(
      ...transform(t.version, `${name}-${key}`, { secret: secret.id, secretData: entry.value }, opts),
    );
    return { env: entry.env, resources: [secret, version], revision: version.name };
  });
}
