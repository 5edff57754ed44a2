import type { EdgeKind } from "../config/spec";
import { haproxyProxy } from "./proxy-haproxy";
import { traefikProxy } from "./proxy-traefik";
import type { EdgeProxy } from "./proxy-types";

export type { EdgeProxy } from "./proxy-types";

/** Every proxy the edge can run (`portage:edge.kind`): a kind without an entry is a compile error. */
export const edgeProxies: Record<EdgeKind, EdgeProxy> = {
  haproxy: haproxyProxy,
  traefik: traefikProxy,
};
