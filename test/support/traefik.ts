/**
 * What a Traefik binary would check in a dynamic config beyond the published JSON schema (none can be
 * installed here). The SchemaStore schema leaves `http` open (no `serversTransports` in it) and a
 * health check's keys unchecked, so these two are closed here with the fields of Traefik v3.7's own
 * structs (pkg/config/dynamic/http_config.go: ServersTransport, ServerHealthCheck); and names a router
 * or service refers to must exist, which Traefik reports at load time ("service does not exist").
 */
const fields = (names: string[]) => ({
  type: "object",
  additionalProperties: false,
  properties: Object.fromEntries(names.map((n) => [n, {}])),
});

export const traefikStructsSchema = {
  type: "object",
  properties: {
    http: {
      type: "object",
      properties: {
        serversTransports: {
          type: "object",
          additionalProperties: fields([
            "serverName",
            "insecureSkipVerify",
            "rootCAs",
            "certificates",
            "cipherSuites",
            "minVersion",
            "maxVersion",
            "maxIdleConnsPerHost",
            "forwardingTimeouts",
            "disableHTTP2",
            "peerCertURI",
            "spiffe",
          ]),
        },
        services: {
          type: "object",
          additionalProperties: {
            type: "object",
            properties: {
              loadBalancer: {
                type: "object",
                properties: {
                  healthCheck: fields([
                    "scheme",
                    "mode",
                    "path",
                    "method",
                    "status",
                    "port",
                    "interval",
                    "unhealthyInterval",
                    "timeout",
                    "hostname",
                    "followRedirects",
                    "headers",
                  ]),
                },
              },
            },
          },
        },
      },
    },
  },
};

type Section = { routers?: Record<string, { service?: string; middlewares?: string[] }>; services?: Record<string, object> };
type Config = {
  http?: Section & { middlewares?: Record<string, object>; serversTransports?: Record<string, object> };
  tcp?: Section;
};

/** Every name a router or service refers to that the same file does not define (`@internal` ones aside). */
export function danglingReferences(config: Config): string[] {
  const out: string[] = [];
  for (const kind of ["http", "tcp"] as const) {
    const section = config[kind];
    const services = section?.services ?? {};
    for (const [name, r] of Object.entries(section?.routers ?? {})) {
      if (r.service && !r.service.includes("@") && !(r.service in services)) out.push(`${kind} router ${name}: service ${r.service}`);
      for (const m of r.middlewares ?? [])
        if (!(m in (config.http?.middlewares ?? {})) || kind === "tcp") out.push(`${kind} router ${name}: middleware ${m}`);
    }
    for (const [name, s] of Object.entries(services)) {
      const { loadBalancer, failover } = s as {
        loadBalancer?: { serversTransport?: string };
        failover?: { service: string; fallback: string };
      };
      const transport = loadBalancer?.serversTransport;
      if (kind === "http" && transport && !(transport in (config.http?.serversTransports ?? {})))
        out.push(`${kind} service ${name}: serversTransport ${transport}`);
      for (const ref of failover ? [failover.service, failover.fallback] : [])
        if (!(ref in services)) out.push(`${kind} service ${name}: ${ref}`);
    }
  }
  return out;
}
