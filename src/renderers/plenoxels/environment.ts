import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/**
 * The svox2 environment on the shared file system, built once by `cluster-tool setup svox2`:
 * `<state dir>/svox2/src` (the checkout), `venv` (a virtualenv over the GPU image's own torch and
 * CUDA, with svox2's CUDA extension built into it) and `environment.json` saying so, written
 * last by the build itself.
 */
export interface Svox2Environment {
  svox2Dir: string;
  python: string;
  builtAt: string;
  /** The node it was built on. */
  node: string;
}

/** Where the environment lives under a coordinator's state directory. */
export function svox2Home(stateDir: string): string {
  return path.join(stateDir, 'svox2');
}

/** The environment `setup svox2` built, or undefined when it has not (or not to the end). */
export function readSvox2Environment(stateDir: string): Svox2Environment | undefined {
  try {
    const env = JSON.parse(
      readFileSync(path.join(svox2Home(stateDir), 'environment.json'), 'utf8'),
    ) as Partial<Svox2Environment>;
    return typeof env.svox2Dir === 'string' && typeof env.python === 'string'
      ? (env as Svox2Environment)
      : undefined;
  } catch {
    return undefined;
  }
}

const SETUP_HINT =
  'run `cluster-tool setup svox2 --source svox2.tar.gz --wait` once (with --cluster from your machine): it builds svox2 and its CUDA extension into a virtualenv on the shared file system, on a GPU node';

/**
 * The svox2 checkout and Python a sweep runs with: the flags when given, else the environment
 * `setup svox2` built. Either way they must exist, or the error says how to make them.
 */
export function svox2For(
  stateDir: string,
  flags: { svox2?: string; python?: string },
): { svox2Dir: string; python: string } {
  const built = readSvox2Environment(stateDir);
  const svox2Dir = flags.svox2 ? path.resolve(flags.svox2) : built?.svox2Dir;
  if (!svox2Dir)
    throw new UsageError(
      `no svox2 environment on the shared file system (${path.join(svox2Home(stateDir), 'environment.json')}): ${SETUP_HINT}, or give --svox2 DIR and --python`,
    );
  if (!['opt/opt.py', 'opt.py'].some((f) => existsSync(path.join(svox2Dir, f))))
    throw new UsageError(
      `--svox2 ${svox2Dir} is not a svox2 checkout (no opt.py in it or in its opt/ directory): ${SETUP_HINT}`,
    );
  const python = flags.python ?? (flags.svox2 ? undefined : built?.python) ?? 'python3';
  if (python.includes('/') && !existsSync(python))
    throw new UsageError(`--python ${python} does not exist: ${SETUP_HINT}`);
  return { svox2Dir, python };
}

// The build, run as one command task on a GPU node. Values arrive as arguments ($1...), never
// inside the script text. svox2's setup.py compiles its CUDA extension with the image's torch and
// nvcc; pip builds it when the image has the `wheel` package, `setup.py install` when not.
const SETUP_SCRIPT = `set -euo pipefail
source="$1" home="$2" base_python="$3"
echo "building svox2 from $source into $home on $(hostname) (CUDA_VISIBLE_DEVICES=\${CUDA_VISIBLE_DEVICES:-})"
rm -rf "$home/src.partial" "$home/environment.json"
mkdir -p "$home/src.partial"
tar -xf "$source" -C "$home/src.partial" --strip-components=1
rm -rf "$home/src" && mv "$home/src.partial" "$home/src"
rm -rf "$home/venv" && "$base_python" -m venv --system-site-packages "$home/venv"
cd "$home/src"
"$home/venv/bin/python" -m pip install --no-build-isolation --no-deps . || "$home/venv/bin/python" setup.py install
cd "$home"
"$home/venv/bin/python" -c 'import svox2'
"$home/venv/bin/python" - "$home" "$SLURMD_NODENAME" <<'PY'
import datetime, json, os, sys
home, node = sys.argv[1], sys.argv[2]
env = {"svox2Dir": os.path.join(home, "src"), "python": os.path.join(home, "venv", "bin", "python"),
       "builtAt": datetime.datetime.now(datetime.timezone.utc).isoformat(), "node": node}
with open(os.path.join(home, "environment.json.tmp"), "w") as f:
    json.dump(env, f)
os.replace(os.path.join(home, "environment.json.tmp"), os.path.join(home, "environment.json"))
PY
echo "svox2 environment ready: $home/venv/bin/python"
`;

/** The command task that builds the environment from a checkout tarball. */
export function svox2SetupTask(
  source: string,
  stateDir: string,
  basePython: string,
): { id: string; argv: string[] } {
  return {
    id: 'svox2-setup',
    argv: ['bash', '-c', SETUP_SCRIPT, 'svox2-setup', source, svox2Home(stateDir), basePython],
  };
}
