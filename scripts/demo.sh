#!/usr/bin/env bash
# The demo: a real 4-node Slurm cluster on this machine (4 GPUs per node, as a p3.8xlarge), then a
# job across every node that shows the GPU Slurm gave each task.
set -euo pipefail
cd "$(dirname "$0")/.."
ct() { node bin/cluster-tool.js "$@"; }

ct local install
ct local up
ct local check
echo
echo "The cluster keeps running; stop it with: node bin/cluster-tool.js local down"
