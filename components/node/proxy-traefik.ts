import type { EdgeProxy } from "./proxy-types";
import { traefikAdminConfig, traefikPaths, traefikRoutesYaml, traefikStaticConfig, yamlFile } from "./traefik";
import { traefikForwardYaml } from "./traefik-forward";
import { traefikUnit } from "./units";

/**
 * Traefik, a pinned release downloaded and checked by portage-edge-boot: static config in user-data,
 * the routes in its watched dynamic file, ACME built in.
 */
export const traefikProxy: EdgeProxy = {
  packages: () => [],
  systemUsers: [{ name: "traefik", home: "/var/lib/traefik" }],
  bootFiles: (rt) => [
    {
      path: traefikPaths.staticTemplate,
      content: yamlFile("portage: Traefik static config (portage-edge-boot fills in the private address)", traefikStaticConfig(rt)),
      mode: "0644",
    },
    {
      path: traefikPaths.admin,
      content: yamlFile("portage: Traefik API and dashboard, private address only", traefikAdminConfig()),
      mode: "0644",
    },
    traefikUnit(),
  ],
  routesPath: traefikPaths.routes,
  routesFile: (routes) => ({ path: traefikPaths.routes, content: traefikRoutesYaml(routes), mode: "0644" }),
  forwardFile: (routes, forward) => ({ path: traefikPaths.routes, content: traefikForwardYaml(routes, forward), mode: "0644" }),
};
