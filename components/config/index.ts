export { cloudAddresses, defaultSpace, regionAddresses, zoneSlots, type AddressSpace } from "./addresses";
export { acmePort, edgesShareCertificate, maxSecretsPerCondition, resolveCloud, type CloudContext } from "./cloud";
export { ConfigError } from "./errors";
export { loadSpec, parseStackConfig } from "./load";
export { cloudWords, enableRegionCommand, optInRegions, portableRegions, providerRegions, resolveRegion } from "./regions";
export { providerKeys, readProviderConfig, withCloud } from "./resolve";
export { databaseTiers, machineTypes, sizeNames } from "./sizes";
export { cloudSpec, clouds, edgeKinds, migrationPhases, servingCloud } from "./spec";
export type {
  Cloud,
  CloudProvider,
  CloudSpec,
  CloudSpecs,
  EdgeKind,
  EdgeSpec,
  MigrationPhase,
  MigrationSpec,
  NodeSpec,
  PortableSpec,
  RegionSpec,
  Spec,
} from "./spec";
