import type { EdgeSpec, Spec } from "../config";

/** An edge's logical name: the primary region's first keeps the component's own (`edge`), the others `edge-<region>-<n>`. */
export function edgeMemberName(name: string, edge: EdgeSpec): string {
  return edge.first ? name : `${name}-${edge.name}`;
}

/** Where the shared certificate lives in the bucket: readable and writable by the edges only. */
export function sharedCertificateKey(spec: Pick<Spec, "edge">): string {
  return `edge/tls/${spec.edge.domain}.pem`;
}
