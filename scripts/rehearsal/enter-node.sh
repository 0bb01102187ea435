#!/bin/bash
# Runs a command on a rehearsal node. The caller has entered the node's network namespace
# (nsenter) and a private mount namespace (unshare --mount); here the node's
# root directory gets the host's /usr, /dev, /proc, /sys and /tmp bound in, the cluster's shared
# /home and /shared, and the command runs chrooted there. /opt, /etc, /var and /root are the
# node's own, so what a node installs stays on that node, as on EC2.
# Usage: enter-node.sh NODE_ROOT SHARED_DIR HOME_DIR COMMAND [ARG...]
set -euo pipefail
root="$1" shared="$2" home="$3"
shift 3
for d in usr dev proc sys tmp; do mount --rbind "/$d" "$root/$d"; done
mount --bind "$shared" "$root/shared"
mount --bind "$home" "$root/home"
cd "$root"
exec chroot "$root" "$@"
