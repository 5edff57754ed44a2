import { CRC32C } from "@google-cloud/storage";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, relative } from "node:path";
import { verifySigV4, type SigningKey } from "./sigv4";

/**
 * A stand-in for the clouds' bucket and metadata APIs, on the test machine: a directory served over
 * HTTP. Not S3 or GCS, but the part of their wire protocols portage uses, checked as they check it:
 *
 *   S3 (path style)      GET/PUT/DELETE /<bucket>/<key>, GET /<bucket>?list-type=2; SigV4 verified
 *                        (sigv4.ts), If-None-Match (304), If-Match / If-None-Match: * on PUT (412)
 *   IMDSv2               PUT /latest/api/token, GET /latest/meta-data/iam/security-credentials/[role]
 *   GCS XML API          GET/PUT /<bucket>/<key> with a Bearer token, If-None-Match (304)
 *   GCS JSON API         /storage/v1/b/<bucket>/o..., /upload/storage/v1/b/<bucket>/o (multipart),
 *                        ifGenerationMatch (412): what @google-cloud/storage sends
 *   GCE metadata         GET /computeMetadata/v1/instance/service-accounts/default/token
 *
 * Objects are files `<dir>/<bucket>/<key>`, the layout of the `file` store, so the local fleet's
 * scripts and its stand-in see the same objects. Every request is recorded (what the bench counts).
 */
export interface StandInOptions {
  /** The store's bucket directory parent: objects are `<dir>/<bucket>/<key>`. */
  dir: string;
  /** Where to listen (the fleet's bridge address, or 127.0.0.1). */
  host: string;
  port?: number;
  /** The S3 region requests must be signed for. */
  region?: string;
}

export interface StandInRequest {
  at: number;
  method: string;
  path: string;
  api: "s3" | "imds" | "gcs-xml" | "gcs-json" | "gce";
  status: number;
  /** The IMDS-issued (node) or the operator's credentials; "token" for GCS. */
  caller: "node" | "operator" | "token" | "none";
}

export interface BucketStandIn {
  url: string;
  region: string;
  /** The operator's credentials (what `pulumi up` has): static keys, no session token. */
  operator: { accessKeyId: string; secretAccessKey: string };
  requests: StandInRequest[];
  close(): Promise<void>;
}

const role = "portage-node";

export async function startBucketStandIn(options: StandInOptions): Promise<BucketStandIn> {
  const region = options.region ?? "us-east-1";
  const operator = { accessKeyId: `AKIA${hex(8).toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64") };
  const node: SigningKey = {
    accessKeyId: `ASIA${hex(8).toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(60).toString("base64"),
  };
  const imdsTokens = new Set<string>();
  const gcpToken = `ya29.${hex(24)}`;
  const requests: StandInRequest[] = [];

  const file = (bucket: string, key: string) => {
    const path = join(options.dir, bucket, key);
    if (!key || relative(join(options.dir, bucket), path).startsWith("..")) throw new HttpError(400, "InvalidKey", `bad key ${key}`);
    return path;
  };
  const readObject = (bucket: string, key: string) => {
    try {
      const path = file(bucket, key);
      if (!statSync(path).isFile()) return undefined;
      const body = readFileSync(path);
      const md5 = createHash("md5").update(body).digest("hex");
      // A generation that moves with every write (GCS's tag for preconditions).
      const generation = String(Math.floor(statSync(path).mtimeMs * 1000));
      return { body, etag: `"${md5}"`, md5, generation, modified: statSync(path).mtime };
    } catch (e) {
      if (e instanceof HttpError) throw e;
      return undefined;
    }
  };
  const writeObject = (bucket: string, key: string, body: Buffer) => {
    const path = file(bucket, key);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.standin-${hex(4)}`;
    writeFileSync(tmp, body);
    renameSync(tmp, path);
    return readObject(bucket, key);
  };
  const listKeys = (bucket: string, prefix: string): string[] => {
    const root = join(options.dir, bucket);
    const out: string[] = [];
    const walk = (sub: string) => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = readdirSync(join(root, sub), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const key = sub ? `${sub}/${e.name}` : e.name;
        if (e.isDirectory()) walk(key);
        else if (key.startsWith(prefix) && !/\.(lock|standin-[0-9a-f]+)$/.test(key)) out.push(key);
      }
    };
    walk(prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "");
    return out.sort();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const record: StandInRequest = {
        at: Date.now(),
        method: req.method ?? "",
        path: req.url ?? "",
        api: "s3",
        status: 500,
        caller: "none",
      };
      try {
        handle(req, Buffer.concat(chunks), res, record);
      } catch (e) {
        const err = e instanceof HttpError ? e : new HttpError(500, "InternalError", String(e));
        reply(res, record, err.status, record.api.startsWith("gcs-json") ? jsonError(err) : xmlError(err), {
          "content-type": record.api === "gcs-json" ? "application/json" : "application/xml",
        });
      }
      requests.push(record);
    });
  });

  function handle(req: IncomingMessage, body: Buffer, res: ServerResponse, record: StandInRequest): void {
    const url = req.url ?? "/";
    const [path = "/", query = ""] = url.split("?", 2);
    const params = new URLSearchParams(query);
    const method = req.method ?? "GET";
    const auth = String(req.headers.authorization ?? "");

    if (path.startsWith("/latest/")) return imds(req, path, res, record);
    if (path === "/computeMetadata/v1/instance/service-accounts/default/token") {
      record.api = "gce";
      if (req.headers["metadata-flavor"] !== "Google") throw new HttpError(403, "Forbidden", "Metadata-Flavor: Google is missing");
      return reply(res, record, 200, JSON.stringify({ access_token: gcpToken, expires_in: 3599, token_type: "Bearer" }), {
        "content-type": "application/json",
      });
    }
    if (/^\/(upload\/|download\/)?storage\/v1\/b\//.test(path)) return gcsJson(req, path, params, body, res, record);

    const [, bucket = "", ...rest] = path.split("/");
    const key = rest.map((p) => decodeURIComponent(p)).join("/");
    if (auth.startsWith("Bearer ")) {
      record.api = "gcs-xml";
      record.caller = "token";
      if (auth !== `Bearer ${gcpToken}`) throw new HttpError(401, "AuthenticationRequired", "unknown token");
    } else {
      const verdict = verifySigV4({ method, url, headers: req.headers, body }, [node, { ...operator }]);
      if (!verdict.ok) throw new HttpError(403, verdict.code, verdict.message);
      if (verdict.service !== "s3") throw new HttpError(400, "AuthorizationHeaderMalformed", `signed for ${verdict.service}, not s3`);
      if (verdict.region !== region)
        throw new HttpError(400, "AuthorizationHeaderMalformed", `the region '${verdict.region}' is wrong; expecting '${region}'`);
      record.caller = verdict.accessKeyId === node.accessKeyId ? "node" : "operator";
    }
    if (!bucket) throw new HttpError(400, "InvalidBucketName", "no bucket in the path");

    if (!key) {
      if (method !== "GET" || params.get("list-type") !== "2") throw new HttpError(501, "NotImplemented", `${method} ${url}`);
      const prefix = params.get("prefix") ?? "";
      const max = Math.min(1000, Number(params.get("max-keys") ?? 1000));
      const after = params.get("continuation-token") ? Buffer.from(params.get("continuation-token") ?? "", "base64").toString() : "";
      const keys = listKeys(bucket, prefix).filter((k) => k > after);
      const page = keys.slice(0, max);
      const more = keys.length > max;
      const contents = page
        .map((k) => {
          const o = readObject(bucket, k);
          return `<Contents><Key>${xml(k)}</Key><LastModified>${o?.modified.toISOString()}</LastModified><ETag>${xml(o?.etag ?? "")}</ETag><Size>${o?.body.length ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join("");
      return reply(
        res,
        record,
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${more}</IsTruncated>${more ? `<NextContinuationToken>${Buffer.from(page[page.length - 1] ?? "").toString("base64")}</NextContinuationToken>` : ""}${contents}</ListBucketResult>`,
        { "content-type": "application/xml" },
      );
    }

    const current = readObject(bucket, key);
    switch (method) {
      case "GET":
      case "HEAD": {
        if (!current) throw new HttpError(404, "NoSuchKey", "The specified key does not exist.");
        const headers = { etag: current.etag, "last-modified": current.modified.toUTCString(), "x-goog-generation": current.generation };
        if (matches(req.headers["if-none-match"], current.etag)) return reply(res, record, 304, "", headers);
        return reply(res, record, 200, method === "HEAD" ? "" : current.body, { ...headers, "content-type": "application/octet-stream" });
      }
      case "PUT": {
        const ifMatch = req.headers["if-match"];
        const ifNoneMatch = req.headers["if-none-match"];
        if (ifMatch !== undefined && (!current || !matches(ifMatch, current.etag)))
          throw new HttpError(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        if (ifNoneMatch === "*" && current)
          throw new HttpError(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        const written = writeObject(bucket, key, body);
        return reply(res, record, 200, "", { etag: written?.etag ?? "" });
      }
      case "DELETE":
        rmSync(file(bucket, key), { force: true });
        return reply(res, record, 204, "");
      default:
        throw new HttpError(405, "MethodNotAllowed", method);
    }
  }

  function imds(req: IncomingMessage, path: string, res: ServerResponse, record: StandInRequest): void {
    record.api = "imds";
    if (path === "/latest/api/token") {
      const ttl = Number(req.headers["x-aws-ec2-metadata-token-ttl-seconds"]);
      if (req.method !== "PUT" || !(ttl >= 1 && ttl <= 21600))
        throw new HttpError(400, "BadRequest", "IMDSv2: PUT with a TTL of 1 to 21600 s");
      const token = hex(28);
      imdsTokens.add(token);
      return reply(res, record, 200, token, { "content-type": "text/plain" });
    }
    if (!imdsTokens.has(String(req.headers["x-aws-ec2-metadata-token"] ?? ""))) throw new HttpError(401, "Unauthorized", "no IMDSv2 token");
    if (path === "/latest/meta-data/iam/security-credentials/") return reply(res, record, 200, role, { "content-type": "text/plain" });
    if (path === `/latest/meta-data/iam/security-credentials/${role}`) {
      const expiration = new Date(Date.now() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
      // Pretty-printed, as IMDS answers.
      const doc = {
        Code: "Success",
        LastUpdated: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        Type: "AWS-HMAC",
        AccessKeyId: node.accessKeyId,
        SecretAccessKey: node.secretAccessKey,
        Token: node.sessionToken,
        Expiration: expiration,
      };
      return reply(res, record, 200, JSON.stringify(doc, null, 2), { "content-type": "text/plain" });
    }
    throw new HttpError(404, "NotFound", path);
  }

  function gcsJson(
    req: IncomingMessage,
    path: string,
    params: URLSearchParams,
    body: Buffer,
    res: ServerResponse,
    record: StandInRequest,
  ): void {
    record.api = "gcs-json";
    const m = /^\/(?:(upload|download)\/)?storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(path);
    if (!m) throw new HttpError(404, "notFound", path);
    const [, kind, bucket = "", encoded] = m;
    const method = req.method ?? "GET";
    const meta = (key: string, o: NonNullable<ReturnType<typeof readObject>>) => ({
      kind: "storage#object",
      id: `${bucket}/${key}/${o.generation}`,
      name: key,
      bucket,
      generation: o.generation,
      metageneration: "1",
      contentType: "application/octet-stream",
      size: String(o.body.length),
      md5Hash: Buffer.from(o.md5, "hex").toString("base64"),
      // What the client checks an upload against by default.
      crc32c: crc32c(o.body),
      etag: o.md5,
      updated: o.modified.toISOString(),
    });
    const json = (status: number, doc: unknown) => reply(res, record, status, JSON.stringify(doc), { "content-type": "application/json" });
    if (kind === "upload") {
      if (method !== "POST" || params.get("uploadType") !== "multipart")
        throw new HttpError(501, "notImplemented", "multipart uploads only");
      const boundary = /boundary="?([^";]+)"?/.exec(String(req.headers["content-type"] ?? ""))?.[1];
      if (!boundary) throw new HttpError(400, "invalid", "no multipart boundary");
      const parts = body.toString("latin1").split(`--${boundary}`).slice(1, -1);
      const [head, content] = parts.map((p) => p.slice(p.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, ""));
      const name = (JSON.parse(head ?? "{}") as { name?: string }).name ?? params.get("name") ?? "";
      const current = readObject(bucket, name);
      const want = params.get("ifGenerationMatch");
      if (want !== null && (want === "0" ? current !== undefined : current?.generation !== want))
        throw new HttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
      const written = writeObject(bucket, name, Buffer.from(content ?? "", "latin1"));
      if (!written) throw new HttpError(500, "internal", "write failed");
      return json(200, meta(name, written));
    }
    if (!encoded) {
      const prefix = params.get("prefix") ?? "";
      const items = listKeys(bucket, prefix).flatMap((k) => {
        const o = readObject(bucket, k);
        return o ? [meta(k, o)] : [];
      });
      return json(200, { kind: "storage#objects", items });
    }
    const key = decodeURIComponent(encoded);
    const current = readObject(bucket, key);
    if (method === "DELETE") {
      if (!current) throw new HttpError(404, "notFound", `No such object: ${bucket}/${key}`);
      rmSync(file(bucket, key), { force: true });
      return reply(res, record, 204, "");
    }
    if (!current || (params.get("generation") && params.get("generation") !== current.generation))
      throw new HttpError(404, "notFound", `No such object: ${bucket}/${key}`);
    if (params.get("alt") === "media" || kind === "download")
      return reply(res, record, 200, current.body, { "content-type": "application/octet-stream", "x-goog-generation": current.generation });
    return json(200, meta(key, current));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    region,
    operator,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function reply(
  res: ServerResponse,
  record: StandInRequest,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  record.status = status;
  res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

function matches(header: string | string[] | undefined, etag: string): boolean {
  const values = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((v) => v.trim());
  return values.includes(etag) || values.includes("*");
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const xmlError = (e: HttpError) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xml(e.code)}</Code><Message>${xml(e.message)}</Message></Error>`;
const jsonError = (e: HttpError) =>
  JSON.stringify({ error: { code: e.status, message: e.message, errors: [{ reason: e.code, message: e.message }] } });

function crc32c(body: Buffer): string {
  const c = new CRC32C();
  c.update(body);
  return c.toString();
}
