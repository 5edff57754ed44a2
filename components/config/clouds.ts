/** The clouds portage builds on. A table keyed by `Cloud` (`Record<Cloud, ...>`) must name every one. */
export const clouds = ["aws", "gcp"] as const;
export type Cloud = (typeof clouds)[number];
/** The on-VM renderers' name for a cloud (components/node); the same type. */
export type CloudProvider = Cloud;

export const edgeKinds = ["haproxy", "traefik"] as const;
/** The proxy on the edge VM; each kind is one entry of components/node/proxy.ts. */
export type EdgeKind = (typeof edgeKinds)[number];

/**
 * The phases of moving a stack to the other cloud (`portage:migration.phase`), in the order a
 * migration goes through them: replicate -> cutover -> finish; rollback goes back to the source
 * before finish; cancel ends a migration that has not cut over.
 */
export const migrationPhases = ["replicate", "cutover", "rollback", "finish", "cancel"] as const;
export type MigrationPhase = (typeof migrationPhases)[number];
