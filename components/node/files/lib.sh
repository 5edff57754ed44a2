# shellcheck shell=bash
# Shared by the portage-* scripts (installed as /usr/local/lib/portage/lib.sh).
# PORTAGE_ROOT (default: empty) prefixes every path, so the local test fleet can run several nodes
# on one host; on a VM it is unset.

# shellcheck disable=SC2034 # used by the scripts that source this file
root="${PORTAGE_ROOT:-}"
# shellcheck disable=SC2034
bin="$root/usr/local/bin"
# shellcheck disable=SC2034
state="$root/var/lib/portage"
me="${0##*/}"

say() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "$me" "$*"; }
die() {
  printf '%s: %s\n' "$me" "$*" >&2
  exit 1
}

# Reads the settings cloud-init wrote (no secret in them).
load_settings() {
  local file="$root/etc/portage/$1"
  [ -r "$file" ] || die "missing $file: is this a portage $2?"
  # shellcheck source=/dev/null
  . "$file"
}

# A double-quoted value that bash `source` and systemd's EnvironmentFile= read the same way.
env_quote() {
  local v=$1
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  v=${v//\$/\\\$}
  v=${v//\`/\\\`}
  printf '"%s"' "$v"
}

# env_line NAME VALUE: one line of an env file; refuses values an env file cannot carry.
env_line() {
  case $2 in *$'\n'* | *$'\r'*) die "$1 has a line break; an env file cannot carry it" ;; esac
  printf '%s=%s\n' "$1" "$(env_quote "$2")"
}

# write_file PATH MODE < content: replaces PATH atomically (readers never see half a file).
write_file() {
  local tmp
  mkdir -p "$(dirname "$1")"
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  mv -f "$tmp" "$1"
}

# AWS instances default to jumbo frames (MTU 9001) but inter-region VPC peering carries at most 8500
# bytes, and nothing in the security groups lets the "fragmentation needed" ICMP back in. TCP sizes its
# segments from each side's MTU, so capping ours keeps cross-region connections (Erlang distribution,
# Postgres from another region, the edge to remote nodes) from stalling on large packets.
cap_mtu_for_peering() {
  local dev mtu limit=8500
  [ "$1" = aws ] || return 0
  dev=$(ip -4 -o route show default 2>/dev/null | awk '{print $5; exit}')
  [ -n "$dev" ] && [ -r "$root/sys/class/net/$dev/mtu" ] || return 0
  mtu=$(cat "$root/sys/class/net/$dev/mtu")
  [ "$mtu" -gt "$limit" ] || return 0
  # Persist it (and stop DHCP's MTU option from raising it again on renewal), then apply it now.
  if ! command -v netplan >/dev/null 2>&1 ||
    ! { netplan set "ethernets.$dev.mtu=$limit" && netplan set "ethernets.$dev.dhcp4-overrides.use-mtu=false"; }; then
    say "could not persist the MTU with netplan; it holds until reboot (portage-boot sets it again)"
  fi
  ip link set dev "$dev" mtu "$limit"
  say "capped the MTU of $dev at $limit (was $mtu) for inter-region peering"
}

# This host's private address: NODE_ADDRESS when set, else the source address of the default route.
private_address() {
  local a=${NODE_ADDRESS:-}
  [ -n "$a" ] || a=$(ip -4 -o route get 8.8.8.8 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
  [ -n "$a" ] || a=$(hostname -I 2>/dev/null | cut -d' ' -f1)
  [ -n "$a" ] || return 1
  printf '%s\n' "$a"
}

# curl options carrying a basic-auth password without putting it on a command line (ps shows those).
auth_config() {
  local v=$2
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  printf 'user = "%s:%s"\n' "$1" "$v"
}

# wait_for FILE SECONDS WHAT: waits for another step (boot) to create FILE.
wait_for() {
  local deadline=$((SECONDS + $2))
  [ -e "$1" ] && return 0
  say "waiting for $3"
  while [ ! -e "$1" ]; do
    ((SECONDS < deadline)) || die "$3 did not happen within $2 s ($1 is missing)"
    sleep 2
  done
}

# HAProxy's wording of a server's state, in the four words `portage-edge-status` prints.
edge_word() {
  case $1 in
    UP* | 'no check'*) echo UP ;;
    DRAIN* | NOLB*) echo DRAIN ;;
    MAINT*) echo MAINT ;;
    *) echo DOWN ;;
  esac
}
