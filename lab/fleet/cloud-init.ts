import { parse } from "yaml";
import type { VmFile } from "../../components/node";
import { exec, execOk, writeFile, type Host } from "./host";
import { run } from "./run";

interface CloudConfigDoc {
  users?: (string | { name: string; system?: boolean; homedir?: string; shell?: string })[];
  packages?: string[];
  runcmd?: (string | string[])[];
}

/**
 * What cloud-init does with a portage user-data on first boot, for a fleet host: the system users,
 * the files, then runcmd (which enables and starts the boot unit). The packages must already be
 * installed on this machine (the hosts share its /usr). The admin user is not created: nobody logs
 * into a local host over SSH.
 */
export async function applyUserData(host: Host, userData: string, files: readonly VmFile[]): Promise<void> {
  if (!userData.startsWith("#cloud-config\n")) throw new Error(`${host.name}: user-data is not a #cloud-config document`);
  const doc = (parse(userData) ?? {}) as CloudConfigDoc;
  for (const pkg of doc.packages ?? []) {
    const installed = await run("dpkg-query", ["-W", "-f=${Status}", pkg]);
    if (!installed.stdout.includes("install ok installed"))
      throw new Error(`${host.name}'s user-data installs the Debian package ${pkg}: install it on this machine (apt-get install ${pkg})`);
  }
  for (const user of doc.users ?? []) {
    if (typeof user === "string" || !user.system) continue;
    if ((await exec(host, "id", ["-u", user.name])).code === 0) continue;
    await execOk(host, "useradd", [
      "--system",
      "--no-create-home",
      "--home-dir",
      user.homedir ?? "/nonexistent",
      "--shell",
      user.shell ?? "/usr/sbin/nologin",
      user.name,
    ]);
  }
  for (const f of files) await writeFile(host, f.path, f.content, parseInt(f.mode, 8));
  for (const cmd of doc.runcmd ?? []) {
    const [name = "", ...args] = typeof cmd === "string" ? ["sh", "-c", cmd] : cmd;
    await execOk(host, name, args);
  }
}
