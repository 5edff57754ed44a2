export { ConfigError } from "./errors";
export { loadSpec, parseStackConfig } from "./load";
export { portableRegions, providerRegions, resolveRegion, regionCidr } from "./regions";
export { machineTypes, databaseTiers, sizeNames } from "./sizes";
export type { CloudProvider, NodeSpec, RegionSpec, Spec } from "./spec";
export { cloudProviders } from "./spec";
