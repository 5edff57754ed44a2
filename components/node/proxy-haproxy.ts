import { haproxyConfig } from "./haproxy";
import { haproxyForwardConfig } from "./haproxy-forward";
import type { EdgeProxy } from "./proxy-types";
import { script } from "./scripts";
import { acmeUnits, haproxyDropIn } from "./units";

export const haproxyInitialPath = "/etc/portage/haproxy-initial.cfg";
const routesPath = "/etc/haproxy/haproxy.cfg";

/**
 * HAProxy from Ubuntu's packages: the full config is the routes file (reloaded hitlessly by
 * portage-edge-apply); certbot and its retry units when a domain is set.
 */
export const haproxyProxy: EdgeProxy = {
  // An edge that loads its pair's shared certificate runs no certbot of its own.
  packages: (rt) => ["haproxy", "socat", ...(rt.domain && (rt.sharedCertificate?.renewer ?? true) ? ["certbot"] : [])],
  systemUsers: [],
  bootFiles: (rt) => [
    // Until routes arrive: the app backend has no server, the admin API already answers.
    {
      path: haproxyInitialPath,
      content: haproxyConfig({
        kind: "haproxy",
        app: rt.app,
        domain: rt.domain,
        acmeEmail: rt.acmeEmail,
        privateAddress: "${EDGE_PRIVATE_ADDRESS}",
        adminPort: rt.adminPort,
        nodes: [],
      }),
      mode: "0644",
    },
    haproxyDropIn(),
    ...(rt.domain ? [script("portage-edge-acme"), ...acmeUnits()] : []),
  ],
  routesPath,
  routesFile: (routes) => ({ path: routesPath, content: haproxyConfig(routes), mode: "0644" }),
  forwardFile: (routes, forward) => ({ path: routesPath, content: haproxyForwardConfig(routes, forward), mode: "0644" }),
};
