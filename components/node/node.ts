import { cloudConfig } from "./cloud-config";
import { appStaticEnv, nodePaths, nodeSettings } from "./env";
import { script } from "./scripts";
import { stores } from "./stores";
import type { NodeRuntime, VmFile } from "./types";
import { agentUnit, appUnit, epmdUnit, nodeBootUnit } from "./units";

/** Every file a node gets from its user-data. None is secret; none depends on the app version. */
export function nodeFiles(rt: NodeRuntime): VmFile[] {
  return [
    { path: nodePaths.settings, content: nodeSettings(rt), mode: "0644" },
    { path: nodePaths.appStatic, content: appStaticEnv(rt), mode: "0644" },
    script("lib.sh"),
    script("portage-fetch"),
    script("portage-boot"),
    script("portage-deploy"),
    appUnit(rt),
    epmdUnit(rt),
    nodeBootUnit(),
    ...(rt.agent ? [script("portage-bucket"), script("portage-agent"), agentUnit()] : []),
  ];
}

/** What the store access needs on the VM (stores.ts). */
export function storeTools(provider: NodeRuntime["provider"]): { packages: string[]; snaps: string[] } {
  const { packages, snaps } = stores[provider];
  return { packages, snaps };
}

/** cloud-config that writes exactly `nodeFiles(rt)`, creates the admin and app users, and starts portage-boot. */
export function nodeUserData(rt: NodeRuntime): string {
  const tools = storeTools(rt.provider);
  return cloudConfig({
    admin: rt.admin,
    systemUsers: [{ name: rt.app.name, home: `/var/lib/${rt.app.name}` }],
    files: nodeFiles(rt),
    packages: tools.packages,
    snaps: tools.snaps,
    enable: [`${rt.app.name}-epmd.service`, "portage-boot.service", ...(rt.agent ? ["portage-agent.service"] : [])],
    ...(rt.agent ? { start: ["portage-boot.service", "portage-agent.service"] } : {}),
  });
}
