/**
 * What runs on the VMs, as pure renderers (spec in, text out). The node-runtime work fills these in;
 * until then they render a minimal valid cloud-config so the resource graph can be built and tested.
 */
import { stringify } from "yaml";
import type { EdgeRoutes, EdgeRuntime, NodeRuntime } from "./types";

export type { EdgeRoutes, EdgeRuntime, NodeRuntime } from "./types";

/** cloud-init user-data of a node. Version-independent; no secret. */
export function nodeUserData(rt: NodeRuntime): string {
  return `#cloud-config\n${stringify({
    users: ["default", { name: rt.admin.user, groups: ["sudo"], shell: "/bin/bash", sudo: "ALL=(ALL) NOPASSWD:ALL", ssh_authorized_keys: [rt.admin.sshPublicKey] }],
  })}`;
}

/** cloud-init user-data of the edge. Independent of the node list; no secret. */
export function edgeUserData(rt: EdgeRuntime): string {
  return `#cloud-config\n${stringify({
    users: ["default", { name: rt.admin.user, groups: ["sudo"], shell: "/bin/bash", sudo: "ALL=(ALL) NOPASSWD:ALL", ssh_authorized_keys: [rt.admin.sshPublicKey] }],
  })}`;
}

/** A file the edge gets when the node list changes. */
export interface EdgeFile {
  path: string;
  content: string;
}

/** The edge's routing config for the current node list (HAProxy config or Traefik dynamic config). */
export function edgeRoutesFiles(routes: EdgeRoutes): EdgeFile[] {
  return [{ path: routes.kind === "haproxy" ? "/etc/haproxy/haproxy.cfg" : "/etc/traefik/dynamic/portage.yml", content: "" }];
}
