/**
 * The runtimes the stack really builds (from the stack files, through the fleet's and the edge's own
 * `nodeRuntime` / `edgeRuntime`), in every variant the renderers have: providers, edge kinds, with
 * and without a domain, one and many nodes.
 */
import { clouds, edgeKinds, parseStackConfig, servingCloud, type Cloud, type EdgeKind, type Spec } from "../../../components/config";
import { edgeRuntime } from "../../../components/edge";
import { nodeRuntime } from "../../../components/fleet";
import type { EdgeRoutes, EdgeRuntime, NodeRuntime } from "../../../components/node/types";
import {
  flattenConfig,
  placeholderRelease,
  projectRoot,
  readStackFile,
  withOverrides,
  type StackConfig,
} from "../../../tools/offline/stack";

export type Provider = Cloud;
export const providers: readonly Provider[] = clouds;

export function stackSpec(stack: "dev" | "prod", provider: Provider, overrides: StackConfig = {}): Spec {
  const config = withOverrides(
    withOverrides(readStackFile(stack), { "portage:provider": provider, "portage:app": { release: placeholderRelease } }),
    overrides,
  );
  return parseStackConfig(flattenConfig(config), { project: "portage", stack, cwd: projectRoot });
}

export function nodeRt(provider: Provider, stack: "dev" | "prod" = "prod", overrides: StackConfig = {}): NodeRuntime {
  const spec = stackSpec(stack, provider, overrides);
  const cloud = servingCloud(spec);
  const node = cloud.nodes[0];
  if (!node) throw new Error("the stack has no node");
  return nodeRuntime(spec, cloud, node, `${spec.prefix}-releases-0a1b2c3`);
}

/** The prod stack's edge; Traefik with a domain as a single edge (several edges share a certificate with HAProxy only). */
export function edgeRt(provider: Provider, kind: EdgeKind, domain: boolean): EdgeRuntime {
  const single = kind === "traefik" && domain;
  const spec = stackSpec("prod", provider, {
    "portage:edge": {
      kind,
      domain: domain ? "app.example.com" : "",
      acmeEmail: domain ? "ops@example.com" : "",
      dnsZone: domain ? "example.com" : "",
      ...(single ? { count: 1 } : {}),
    },
    ...(single ? { "portage:fleet": { regions: ["virginia"] } } : {}),
  });
  return edgeRuntime(spec, servingCloud(spec));
}

/** `regions`: nodes go round-robin over them and the edge is in the first (unset: one pool, no regions). */
export function routes(kind: EdgeKind, domain: boolean, nodeCount: number, regions?: string[]): EdgeRoutes {
  const base: EdgeRoutes = {
    kind,
    app: { name: "hello", ports: [4000, 4001], healthPath: "/ping" },
    domain: domain ? "app.example.com" : "",
    acmeEmail: domain ? "ops@example.com" : "",
    privateAddress: "10.100.0.10",
    adminPort: 8404,
    nodes: Array.from({ length: nodeCount }, (_, i) => ({ name: `virginia-${i + 1}`, address: `10.100.${1 + (i % 3) * 16}.${10 + i}` })),
  };
  if (!regions) return base;
  return {
    ...base,
    region: regions[0],
    nodes: base.nodes.map((_, i) => {
      const r = i % regions.length;
      const region = regions[r] ?? "";
      return { name: `${region}-${Math.floor(i / regions.length) + 1}`, address: `10.${100 + r}.1.${10 + i}`, region };
    }),
  };
}

/** Every user-data the stack can render, named for test titles. */
export function userDataVariants(): { name: string; kind: "node" | "edge"; node?: NodeRuntime; edge?: EdgeRuntime }[] {
  const out: { name: string; kind: "node" | "edge"; node?: NodeRuntime; edge?: EdgeRuntime }[] = [];
  for (const p of providers) {
    out.push({ name: `node ${p}`, kind: "node", node: nodeRt(p) });
    for (const k of edgeKinds)
      for (const d of [false, true]) out.push({ name: `edge ${p} ${k}${d ? " with domain" : ""}`, kind: "edge", edge: edgeRt(p, k, d) });
  }
  return out;
}
