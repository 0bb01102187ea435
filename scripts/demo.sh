#!/usr/bin/env bash
# The demo: a real 4-node Slurm cluster on this machine (4 GPUs per node, as a p3.8xlarge) with
# the coordinator, then the sample animation rendered across all 16 GPU slots and encoded.
set -euo pipefail
cd "$(dirname "$0")/.."
ct() { node bin/cluster-tool.js "$@"; }

ct local install
ct local up
scene="$PWD/scenes/sample.blend"
if [ ! -f "$scene" ]; then
  echo "· building the sample scene (scenes/make-sample-scene.py)"
  blender -b --factory-startup -P scenes/make-sample-scene.py -- --output "$scene" >/dev/null
fi
job=$(ct submit blender "$scene" --frames 1-48 --nodes 4 --name demo)
# Follow the render as it runs. On a terminal, the job view (progress, rate, ETA, agents) redraws
# in place every 2 s and ends on the finished job; in a log, a line each time a frame lands or a
# stage moves on (the rate and ETA alone changing do not print a line).
if [ -t 1 ]; then
  ct status "$job" --watch || true
else
  ct status "$job" --watch |
    awk '/^progress /{p=$0} /^stages /{k=p; sub(/;.*/, "", k); k=k $0; if (k != last) {print p "  |  " $0; fflush(); last=k}}' || true
  ct status "$job"
fi
state=$(ct status "$job" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.state+" "+(j.video?j.dir+"/"+j.video:""))})')
echo
echo "Job $job: ${state%% *}"
echo "MP4: ${state#* }"
echo "Frames: $(ct status "$job" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).outputDir))')"
echo "The cluster keeps running: open the viewer with \`node bin/cluster-tool.js viewer\`; stop with \`node bin/cluster-tool.js local down\`"
[ "${state%% *}" = succeeded ]
