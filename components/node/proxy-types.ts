import type { EdgeForward, EdgeRoutes, EdgeRuntime, VmFile } from "./types";

/**
 * A proxy the edge can run: what it adds to the edge's user-data and what it is sent when nodes
 * change. A third proxy is one entry here, its renderers (a file like haproxy.ts), and its case in
 * the edge scripts (files/portage-edge-boot, -apply and -status branch on EDGE_KIND: boot starts it,
 * apply validates and reloads its routes file, status prints its servers' states).
 */
export interface EdgeProxy {
  /** Debian/Ubuntu packages cloud-init installs for it. */
  packages(rt: EdgeRuntime): string[];
  /** System users it runs as, created by cloud-init. */
  systemUsers: { name: string; home: string }[];
  /** Its files in the edge's user-data, after the common ones: static config, units, scripts only it needs. */
  bootFiles(rt: EdgeRuntime): VmFile[];
  /** Where the routes file lives on the edge. */
  routesPath: string;
  /** The file pushed when the node list changes (stdin of `portage-edge-apply`): every node on both ports. */
  routesFile(routes: EdgeRoutes): VmFile;
  /** The same file while a migration's cutover sends every request to the target's edge instead. */
  forwardFile(routes: EdgeRoutes, forward: EdgeForward): VmFile;
}
