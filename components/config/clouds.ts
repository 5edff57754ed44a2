/** The clouds portage builds on. A table keyed by `Cloud` (`Record<Cloud, ...>`) must name every one. */
export const clouds = ["aws", "gcp"] as const;
export type Cloud = (typeof clouds)[number];
/** The on-VM renderers' name for a cloud (components/node); the same type. */
export type CloudProvider = Cloud;

export const edgeKinds = ["haproxy", "traefik"] as const;
/** The proxy on the edge VM; each kind is one entry of components/node/proxy.ts. */
export type EdgeKind = (typeof edgeKinds)[number];
