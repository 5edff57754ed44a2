import { generateKeyPairSync, randomBytes } from "node:crypto";
import { maxKeyComment, rsaBits } from "../../components/config/ssh-keys";

/** SSH wire format: each part as a uint32 length, then its bytes (RFC 4253). */
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

/** A fresh Ed25519 pair: the `.pub` line and the private key (PKCS#8 PEM, which OpenSSH reads too). */
export function ed25519Pair(comment = "you@example.com"): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  return {
    publicKey: `ssh-ed25519 ${wire(["ssh-ed25519", raw]).toString("base64")} ${comment}`,
    privateKey: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

/** An RSA public key line of `bits` bits and `comment`. The modulus is random (no private key exists). */
export function rsaPublicKey(bits: number, comment = "you@example.com"): string {
  const n = randomBytes(bits / 8);
  n[0] = (n[0] ?? 0) | 0x80;
  const blob = wire(["ssh-rsa", Buffer.from([1, 0, 1]), Buffer.concat([Buffer.from([0]), n])]);
  return `ssh-rsa ${blob.toString("base64")} ${comment}`;
}

/**
 * The longest public key line config accepts: an RSA key of portage's largest size with the longest
 * comment. Random bytes are what compresses worst.
 */
export function largestPublicKey(): string {
  return rsaPublicKey(rsaBits.max, "c".repeat(maxKeyComment));
}
