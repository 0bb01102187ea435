#!/usr/bin/env bash
# The integration tests that meet Slurm and Blender, run in the Debian 13 world (Slurm 24.11,
# Blender 4.3, ffmpeg 7.1) on a local cluster of its own, then the deployment rehearsal there
# (its nodes on trixie's /usr). `npm run test:trixie` runs this, built; extra arguments go to
# vitest alone (a file name narrows the run). Viewer (Chromium), AWS and packaging tests stay in
# the host world, which runs them all.
set -euo pipefail
cd "$(dirname "$0")/../.."

main() {
  local -a files=(
    test/local/cluster.int.test.ts
    test/slurm/client.int.test.ts
    test/renderers/blender/worker.int.test.ts
    test/renderers/blender/overrides.int.test.ts
    test/renderers/blender/tiles.int.test.ts
    test/renderers/blender/sample-scene.int.test.ts
    test/renderers/blender/encode.int.test.ts
    test/renderers/blender/encode-multilayer.int.test.ts
    test/agent/runners/blender.int.test.ts
    test/coordinator/blender-job.int.test.ts
    test/coordinator/blender-still.int.test.ts
    test/coordinator/scale.int.test.ts
    test/faults/fault-matrix.int.test.ts
    test/blender-addon/addon.int.test.ts
  )
  # Already covered here by the fault matrix, on smaller scenes: two 48-frame jobs saved.
  local skip node_bin world started rc=0 rehearse=1
  skip='^(?!.*(loses nothing when an agent is SIGKILLed mid-frame|coordinator is SIGKILLed mid-job and started again, and finds))'
  local -a filter=(--testNamePattern "$skip")
  if [ $# -gt 0 ]; then
    files=()
    filter=()
    rehearse=0
  fi

  node_bin=node
  [ -x node_modules/.bin/node ] && node_bin=node_modules/.bin/node
  world=scripts/trixie/world.sh
  bash "$world" build
  started=$(date +%s)
  bash "$world" run "$node_bin" node_modules/vitest/vitest.mjs run --project integration \
    "${filter[@]}" "${files[@]}" "$@" || rc=$?
  echo "trixie world: the tests took $(($(date +%s) - started)) s (exit $rc)"
  if [ "$rehearse" = 1 ]; then
    started=$(date +%s)
    bash "$world" run "$node_bin" dist-rehearsal/scripts/rehearsal/main.js || rc=$?
    echo "trixie world: the rehearsal took $(($(date +%s) - started)) s (exit $rc)"
  fi
  return "$rc"
}

# One line, read whole before it runs, so an edit of this file cannot break a run in progress.
main "$@"; exit $?
