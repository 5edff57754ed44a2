import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Checks an AWS Signature Version 4 the way S3 does
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html): the canonical
 * request from the request as received, the string to sign, the derived key, the signature. What
 * the stand-in bucket holds every request to, so that a node's curl and the stack's SDK are both
 * checked against the same rules the cloud applies.
 */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials (IMDS): the request must carry it as x-amz-security-token. */
  sessionToken?: string;
}

export interface SignedRequest {
  method: string;
  /** The request target as received: path and query, still encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Verdict = { ok: true; accessKeyId: string; region: string; service: string } | { ok: false; code: string; message: string };

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string): string {
  if (!query) return "";
  return query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      const [k, v] = eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
      return [encode(decodeURIComponent(k)), encode(decodeURIComponent(v))] as const;
    })
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  const joined = Array.isArray(v) ? v.join(",") : (v ?? "");
  return joined.trim().replace(/\s+/g, " ");
}

export function verifySigV4(req: SignedRequest, keys: readonly SigningKey[], now = new Date()): Verdict {
  const auth = headerValue(req.headers, "authorization");
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return { ok: false, code: "AccessDenied", message: `not a SigV4 Authorization header: ${auth || "(none)"}` };
  const [, accessKeyId = "", day = "", region = "", service = "", signedList = "", signature = ""] = m;
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  if (!key) return { ok: false, code: "InvalidAccessKeyId", message: `unknown access key ${accessKeyId}` };
  const signed = signedList.split(";");
  if (!signed.includes("host")) return { ok: false, code: "AccessDenied", message: "the host header is not signed" };
  const amzDate = headerValue(req.headers, "x-amz-date");
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(day))
    return { ok: false, code: "AccessDenied", message: `x-amz-date "${amzDate}" does not match the credential's day ${day}` };
  const when = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(now.getTime() - when) > 15 * 60_000)
    return { ok: false, code: "RequestTimeTooSkewed", message: `x-amz-date ${amzDate} is off by more than 15 minutes` };
  if (key.sessionToken !== undefined) {
    if (headerValue(req.headers, "x-amz-security-token") !== key.sessionToken)
      return { ok: false, code: "InvalidToken", message: "temporary credentials need their session token (x-amz-security-token)" };
    if (!signed.includes("x-amz-security-token")) return { ok: false, code: "AccessDenied", message: "the session token is not signed" };
  }
  let payload = headerValue(req.headers, "x-amz-content-sha256");
  if (service === "s3") {
    if (!payload) return { ok: false, code: "InvalidRequest", message: "S3 needs x-amz-content-sha256 with SigV4" };
    if (payload !== "UNSIGNED-PAYLOAD" && payload !== sha256(req.body))
      return { ok: false, code: "XAmzContentSHA256Mismatch", message: "x-amz-content-sha256 is not the body's sha256" };
  } else if (!payload) payload = sha256(req.body);
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const canonical = [
    req.method,
    path,
    canonicalQuery(q < 0 ? "" : req.url.slice(q + 1)),
    signed.map((h) => `${h}:${headerValue(req.headers, h)}\n`).join(""),
    signedList,
    payload,
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day), region), service), "aws4_request");
  const expected = createHmac("sha256", signingKey).update(toSign).digest("hex");
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature)))
    return { ok: false, code: "SignatureDoesNotMatch", message: `the signature does not match; canonical request:\n${canonical}` };
  return { ok: true, accessKeyId, region, service };
}
