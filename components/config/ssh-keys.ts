import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";

/**
 * The operator's SSH keys, read the way OpenSSH does (RFC 4253 wire format, PROTOCOL.key for
 * OpenSSH's own private key file), so that config can refuse what the VMs' sshd or the rollout's SSH
 * client would: a public key whose base64 is not a key of its stated type, an RSA key shorter than
 * OpenSSH 9's minimum or longer than its maximum, a private key behind a passphrase (nothing can type
 * it during `pulumi up`), or a private key of another pair than the public key on the VMs.
 */

export type PublicKeyCheck = { ok: true; blob: Buffer; type: string } | { ok: false; reason: string };
export type PrivateKeyCheck = { ok: true; publicBlob: Buffer } | { ok: false; reason: string };

/**
 * OpenSSH refuses RSA keys below 1024 bits (RequiredRSASize, OpenSSH 9.1+) and above 16384
 * (SSH_RSA_MAXIMUM_MODULUS_SIZE). portage takes up to 8192: the key is in every VM's user-data, and
 * a node's (with its agent) must fit AWS's 16 KB gzipped for every accepted config
 * (test/unit/user-data-bound.test.ts); a 16384-bit key alone is 2.8 KB of incompressible base64.
 */
export const rsaBits = { min: 1024, max: 8192 } as const;
/** The largest RSA key OpenSSH itself takes. */
const opensshRsaMax = 16384;
/** A comment longer than this is not one ssh-keygen wrote; it only makes every VM's user-data bigger. */
export const maxKeyComment = 256;

const keyTypes = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];

/** Reads the strings of an SSH wire-format buffer (uint32 length, then the bytes). */
class Wire {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}
  string(): Buffer {
    if (this.at + 4 > this.bytes.length) throw new Error("cut short");
    const length = this.bytes.readUInt32BE(this.at);
    const start = this.at + 4;
    if (start + length > this.bytes.length) throw new Error("cut short");
    this.at = start + length;
    return this.bytes.subarray(start, start + length);
  }
  uint32(): number {
    if (this.at + 4 > this.bytes.length) throw new Error("cut short");
    this.at += 4;
    return this.bytes.readUInt32BE(this.at - 4);
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

/** One line of `~/.ssh/id_*.pub`: `<type> <base64 blob> [comment]`. */
export function checkPublicKey(line: string): PublicKeyCheck {
  const [type = "", data = "", ...comment] = line.trim().split(/\s+/);
  if (!keyTypes.includes(type))
    return { ok: false, reason: `its type "${type.slice(0, 40)}" is not one OpenSSH 9 accepts (${keyTypes.join(", ")})` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return { ok: false, reason: "its key part is not base64" };
  if (comment.join(" ").length > maxKeyComment) return { ok: false, reason: `its comment is longer than ${maxKeyComment} characters` };
  const blob = Buffer.from(data, "base64");
  try {
    const wire = new Wire(blob);
    const inner = wire.string().toString("latin1");
    if (inner !== type) return { ok: false, reason: `it says ${type} but its key part is a ${inner.slice(0, 40) || "damaged"} key` };
    if (type === "ssh-rsa") {
      wire.string(); // e
      const n = wire.string();
      const bits = bitLength(n);
      if (bits < rsaBits.min)
        return { ok: false, reason: `it is a ${bits}-bit RSA key; OpenSSH refuses RSA keys under ${rsaBits.min} bits` };
      if (bits > opensshRsaMax)
        return { ok: false, reason: `it is a ${bits}-bit RSA key; OpenSSH refuses RSA keys over ${opensshRsaMax} bits` };
      if (bits > rsaBits.max)
        return {
          ok: false,
          reason: `it is a ${bits}-bit RSA key; portage takes RSA keys up to ${rsaBits.max} bits (the key is in every VM's user-data, which AWS limits to 16 KB): use an ed25519 key (ssh-keygen -t ed25519)`,
        };
    } else if (type === "ssh-ed25519") {
      if (wire.string().length !== 32) throw new Error("not an ed25519 key");
    } else {
      wire.string();
      if (type.startsWith("ecdsa") || type.startsWith("sk-ecdsa")) wire.string();
      if (type.startsWith("sk-")) wire.string();
    }
    if (!wire.done) throw new Error("trailing bytes");
  } catch {
    return { ok: false, reason: "its key part is damaged (cut short or padded); copy the whole line of the .pub file" };
  }
  return { ok: true, blob, type };
}

/** A private key file's content: OpenSSH's own format or PEM (PKCS#1, SEC1, PKCS#8). */
export function checkPrivateKey(text: string): PrivateKeyCheck {
  const body = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----\r?\n([\s\S]+?)\r?\n-----END \1PRIVATE KEY-----/.exec(text);
  if (!body) return { ok: false, reason: "is not a PEM/OpenSSH private key" };
  const kind = body[1] ?? "";
  const passphrase =
    "is protected by a passphrase, which nothing can type during pulumi up; use an unencrypted deploy key kept as a Pulumi secret, or leave portage:sshPrivateKey unset to use your ssh-agent";
  if (kind === "OPENSSH ") {
    try {
      const bytes = Buffer.from(body[2]!.replace(/\s+/g, ""), "base64");
      const magic = "openssh-key-v1\0";
      if (bytes.subarray(0, magic.length).toString("latin1") !== magic) throw new Error("not openssh-key-v1");
      const wire = new Wire(bytes.subarray(magic.length));
      const cipher = wire.string().toString("latin1");
      wire.string(); // kdf name
      wire.string(); // kdf options
      if (wire.uint32() !== 1) throw new Error("not one key");
      const publicBlob = wire.string();
      if (cipher !== "none") return { ok: false, reason: passphrase };
      return { ok: true, publicBlob };
    } catch {
      return { ok: false, reason: "is damaged: its OpenSSH key data does not read to a key; copy the whole file" };
    }
  }
  if (kind === "ENCRYPTED " || /Proc-Type: 4,ENCRYPTED/.test(body[2] ?? "")) return { ok: false, reason: passphrase };
  try {
    const jwk = createPublicKey(createPrivateKey(text)).export({ format: "jwk" });
    const publicBlob = blobOf(jwk);
    if (!publicBlob) return { ok: false, reason: "is a kind of key SSH does not use" };
    return { ok: true, publicBlob };
  } catch {
    return { ok: false, reason: "is damaged: it does not read as a private key; copy the whole file" };
  }
}

/** The SSH wire-format public key of a JWK (RSA, the NIST curves, Ed25519). */
function blobOf(jwk: JsonWebKey): Buffer | undefined {
  const b = (value: string | undefined) => Buffer.from(value ?? "", "base64url");
  const curves: Record<string, string> = { "P-256": "nistp256", "P-384": "nistp384", "P-521": "nistp521" };
  if (jwk.kty === "RSA") return wire(["ssh-rsa", mpint(b(jwk.e)), mpint(b(jwk.n))]);
  if (jwk.kty === "EC" && jwk.crv && curves[jwk.crv]) {
    const curve = curves[jwk.crv] as string;
    return wire([`ecdsa-sha2-${curve}`, curve, Buffer.concat([Buffer.from([4]), b(jwk.x), b(jwk.y)])]);
  }
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return wire(["ssh-ed25519", b(jwk.x)]);
  return undefined;
}

function wire(parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(
    parts.flatMap((p) => {
      const bytes = typeof p === "string" ? Buffer.from(p, "latin1") : p;
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return [length, bytes];
    }),
  );
}

/** An unsigned big-endian integer as an SSH mpint: no leading zeros, one 0x00 when the high bit is set. */
function mpint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

function bitLength(mpintBytes: Buffer): number {
  let start = 0;
  while (start < mpintBytes.length && mpintBytes[start] === 0) start++;
  const first = mpintBytes[start];
  if (first === undefined) return 0;
  return (mpintBytes.length - start - 1) * 8 + (32 - Math.clz32(first));
}
