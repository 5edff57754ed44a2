/**
 * What runs on the VMs, as pure renderers (runtime settings in, files out) plus the real scripts
 * under ./files/. The same files are what cloud-init writes, what `npm run render` shows and what
 * the local test fleet runs.
 */
export { nodeFiles, nodeUserData } from "./node";
export { edgeFiles, edgeRoutesFiles, edgeUserData } from "./edge";
export { bootEnvFiles, envQuote } from "./env";
export { haproxyConfig, haproxyDefaults, type HaproxyOptions } from "./haproxy";
export { traefikRoutesConfig, traefikStaticConfig } from "./traefik";
export { packedUserDataBytes, packUserData, unpackUserData, userDataLimit } from "./cloud-config";
export type { EdgeRoutes, EdgeRuntime, NodeRuntime, VmFile } from "./types";
