import type { EdgeRuntime, NodeRuntime, VmFile } from "./types";

/** systemd units of a node and of the edge. */

const unitDir = "/etc/systemd/system";
const unit = (name: string, content: string): VmFile => ({ path: `${unitDir}/${name}`, content, mode: "0644" });

/** Sandboxing that every long-running portage unit gets; the release and epmd run unprivileged. */
const hardening = [
  "NoNewPrivileges=yes",
  "ProtectSystem=strict",
  "ProtectHome=yes",
  "PrivateTmp=yes",
  "PrivateDevices=yes",
  "ProtectKernelTunables=yes",
  "ProtectKernelModules=yes",
  "ProtectKernelLogs=yes",
  "ProtectControlGroups=yes",
  "ProtectClock=yes",
  "ProtectHostname=yes",
  "RestrictSUIDSGID=yes",
  "RestrictRealtime=yes",
  "RestrictNamespaces=yes",
  "LockPersonality=yes",
  "CapabilityBoundingSet=",
  "SystemCallArchitectures=native",
  "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
];

/** `<app>@<port>.service`: one color of the blue/green pair, started and stopped by portage-deploy only. */
export function appUnit(rt: NodeRuntime): VmFile {
  const app = rt.app.name;
  return unit(
    `${app}@.service`,
    `[Unit]
Description=${app} release on port %i (one color of the blue/green pair)
After=network-online.target ${app}-epmd.service
Wants=network-online.target ${app}-epmd.service
StartLimitIntervalSec=120
StartLimitBurst=5

[Service]
Type=exec
User=${app}
Group=${app}
EnvironmentFile=/etc/${app}/env
EnvironmentFile=/etc/${app}/%i.env
# The release writes its runtime sys.config under RELEASE_TMP; the unpacked release stays read-only.
Environment=RELEASE_TMP=/run/${app}-%i HOME=/var/lib/${app}
RuntimeDirectory=${app}-%i
StateDirectory=${app}
WorkingDirectory=/var/lib/${app}
ExecStart=/opt/${app}/ports/%i/bin/${app} start
Restart=on-failure
RestartSec=2
# SIGTERM makes the BEAM stop gracefully (init:stop): the app finishes its in-flight requests.
KillMode=mixed
TimeoutStopSec=60
SuccessExitStatus=143
LimitNOFILE=65536
SyslogIdentifier=${app}-%i
${hardening.join("\n")}
# No MemoryDenyWriteExecute=: the BEAM's JIT writes machine code and then runs it.
`,
  );
}

/**
 * `<app>-epmd.service`: the Erlang port mapper both colors register with. In its own unit because
 * stopping a color kills the color's whole cgroup, and an epmd started by the release (its default)
 * would die with it under the other color's feet; the release is told not to start one by
 * `-start_epmd false` in ERL_AFLAGS. portage-deploy installs the binary from the release's ERTS.
 */
export function epmdUnit(rt: NodeRuntime): VmFile {
  const app = rt.app.name;
  return unit(
    `${app}-epmd.service`,
    `[Unit]
Description=Erlang port mapper for ${app} (shared by both colors)
After=network-online.target
Wants=network-online.target
ConditionFileIsExecutable=/opt/${app}/bin/epmd

[Service]
Type=exec
User=${app}
Group=${app}
ExecStart=/opt/${app}/bin/epmd -port ${rt.cluster.epmdPort}
Restart=always
RestartSec=2
${hardening.join("\n")}

[Install]
WantedBy=multi-user.target
`,
  );
}

/**
 * A oneshot run at every boot after the network is up. Its own retries are bounded; when they run
 * out (IAM not propagated yet, a store unreachable) it fails and systemd starts it again, 10 s later,
 * then backing off to 5 min, and never gives up for good (StartLimitIntervalSec=0): a node must end
 * up serving once the cause is fixed. RestartSteps and RestartMaxDelaySec are systemd 254's; the
 * VMs run Ubuntu 24.04's 255.
 */
function bootUnit(name: string, description: string, command: string, after: string[]): VmFile {
  return unit(
    name,
    `[Unit]
Description=${description}
Wants=network-online.target
After=${["network-online.target", ...after].join(" ")}
StartLimitIntervalSec=0

[Service]
Type=oneshot
ExecStart=${command}
RemainAfterExit=yes
# Waits for the secret store (a new stack fills it while the VMs boot), then deploys.
TimeoutStartSec=3600
Restart=on-failure
RestartSec=10
RestartSteps=5
RestartMaxDelaySec=300

[Install]
WantedBy=multi-user.target
`,
  );
}

/** `portage-boot.service`: secrets into the env files, then the fleet's release. */
export function nodeBootUnit(): VmFile {
  // snapd.seeded: on aws the AWS CLI is a snap.
  return bootUnit(
    "portage-boot.service",
    "portage: fetch the app's secrets, then serve the fleet's release",
    "/usr/local/bin/portage-boot",
    ["snapd.seeded.service"],
  );
}

/**
 * `portage-agent.service`: deploys and jobs from the bucket. Never gives up (a node must stay
 * deployable), backing off from 5 s to a minute when it keeps failing. KillMode=process: stopping or
 * restarting the agent lets a deploy it started finish (the restarted agent resumes it), where the
 * default would kill the deploy halfway through.
 */
export function agentUnit(): VmFile {
  return unit(
    "portage-agent.service",
    `[Unit]
Description=portage: carry out the stack's deploys and jobs from the bucket
Wants=network-online.target
After=network-online.target
StartLimitIntervalSec=0

[Service]
Type=exec
ExecStart=/usr/local/bin/portage-agent
Restart=always
RestartSec=5
RestartSteps=5
RestartMaxDelaySec=60
KillMode=process

[Install]
WantedBy=multi-user.target
`,
  );
}

export function edgeBootUnit(rt: EdgeRuntime): VmFile {
  return bootUnit(
    "portage-edge-boot.service",
    `portage: admin password, certificate and config for ${rt.kind}`,
    "/usr/local/bin/portage-edge-boot",
    ["snapd.seeded.service"],
  );
}

/** Lets HAProxy's config refer to the admin password and the private address as environment variables. */
export function haproxyDropIn(): VmFile {
  return {
    path: `${unitDir}/haproxy.service.d/portage.conf`,
    content: `[Service]
EnvironmentFile=-/etc/portage/edge-admin.env
EnvironmentFile=-/etc/portage/edge-address.env
LimitNOFILE=65536
`,
    mode: "0644",
  };
}

/** Retries the first Let's Encrypt certificate until DNS points at the edge; certbot.timer renews it. */
export function acmeUnits(): VmFile[] {
  return [
    unit(
      "portage-acme.service",
      `[Unit]
Description=portage: obtain the Let's Encrypt certificate for HAProxy
Wants=network-online.target
After=network-online.target haproxy.service

[Service]
Type=oneshot
ExecStart=/usr/local/bin/portage-edge-acme
`,
    ),
    unit(
      "portage-acme.timer",
      `[Unit]
Description=portage: retry the first Let's Encrypt certificate (4 tries an hour stay under its failed-validation limit)

[Timer]
OnBootSec=1min
OnUnitActiveSec=15min

[Install]
WantedBy=timers.target
`,
    ),
  ];
}

export function traefikUnit(): VmFile {
  return unit(
    "traefik.service",
    `[Unit]
Description=Traefik edge proxy
Wants=network-online.target
After=network-online.target
ConditionFileIsExecutable=/usr/local/bin/traefik

[Service]
Type=simple
User=traefik
Group=traefik
ExecStart=/usr/local/bin/traefik --configFile=/etc/traefik/traefik.yml
Restart=always
RestartSec=2
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=/var/lib/traefik
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
LimitNOFILE=1048576

[Install]
WantedBy=multi-user.target
`,
  );
}
