/**
 * An EC2 instance gets its cloud-config gzipped (userDataBase64): cloud-init's own reader (Debian's
 * cloud-init, the same code as Ubuntu 24.04's) must unpack it to the very cloud-config portage wrote.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packUserData } from "../../components/node/cloud-config";
import { edgeUserData } from "../../components/node/edge";
import { nodeUserData } from "../../components/node/node";
import { removeScratchDirs, scratchDir } from "../../lab/scratch/scratch";
import { edgeRt, nodeRt } from "./support/variants";

/** What cloud-init makes of raw user-data: cloudinit.user_data.convert_string, the first step of every datasource. */
const readAsCloudInit = `
import sys
from cloudinit.user_data import convert_string
msg = convert_string(open(sys.argv[1], "rb").read())
sys.stdout.write(msg.get_payload(decode=True).decode())
`;

describe("cloud-init reads the gzipped EC2 user-data", () => {
  afterAll(removeScratchDirs);

  it.each([
    ["node", () => nodeUserData(nodeRt("aws"))],
    ["edge", () => edgeUserData(edgeRt("aws", "haproxy", true))],
  ])("%s: unpacked to the cloud-config portage rendered", (_, render) => {
    const text = render();
    const file = join(scratchDir("user-data"), "user-data.bin");
    const packed = Buffer.from(packUserData(text), "base64");
    expect([...packed.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    writeFileSync(file, packed);
    // Debian's python3 (cloud-init is not in the pyenv one first on PATH).
    const r = spawnSync("/usr/bin/python3", ["-c", readAsCloudInit, file], { encoding: "utf8", maxBuffer: 1 << 24 });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(text);
  });
});
