import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../src/process/run.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { CoordinatorProcess } from '../helpers/coordinator.js';

const BIN = fileURLToPath(new URL('../../bin/cluster-tool.js', import.meta.url));

/** What the add-on ended with, as drive-addon.py and screenshot-panel.py print it. */
export interface Driven {
  enabled: boolean;
  operator?: string[] | 'error';
  error?: string;
  reached?: boolean;
  phase?: string;
  job?: string | null;
  state?: string | null;
  report?: [string, string] | null;
  files?: { path: string; exists: boolean }[] | null;
}

/**
 * Where a test meets the add-on: a project made by make-addon-scene.py (shot.blend, its texture
 * in tex/), Blender user folders of its own (the user's are never touched), a PATH with
 * cluster-tool on it as an npm install puts it (and `bare`, one without), and a coordinator.
 */
export class AddonWorld {
  readonly project: string;
  readonly shot: string;
  /** Blender's user folders, and a home of its own: nothing it writes reaches the real user's. */
  readonly userDirs: {
    BLENDER_USER_SCRIPTS: string;
    BLENDER_USER_CONFIG: string;
    HOME: string;
    XDG_CONFIG_HOME: string;
  };
  readonly onPath: string;
  readonly bare = [path.dirname(process.execPath), '/usr/bin', '/bin'].join(':');
  readonly coord: CoordinatorProcess;

  constructor(
    readonly root: string,
    slurmConf: string,
  ) {
    this.project = path.join(root, 'project');
    this.shot = path.join(this.project, 'shot.blend');
    this.userDirs = {
      BLENDER_USER_SCRIPTS: path.join(root, 'blender', 'scripts'),
      BLENDER_USER_CONFIG: path.join(root, 'blender', 'config'),
      HOME: path.join(root, 'home'),
      XDG_CONFIG_HOME: path.join(root, 'home', '.config'),
    };
    this.onPath = path.join(root, 'path');
    this.coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, [
      ...['--lease-seconds', '5'],
    ]);
  }

  static async start(slurmConf: string): Promise<AddonWorld> {
    const w = new AddonWorld(mkdtempSync('/tmp/ct-addon-'), slurmConf);
    const script = path.join(import.meta.dirname, 'make-addon-scene.py');
    await runCommand(
      'blender',
      ['-b', '--factory-startup', '-P', script, '--', '--dir', w.project],
      {
        timeoutMs: 120_000,
      },
    );
    mkdirSync(w.onPath);
    mkdirSync(w.userDirs.XDG_CONFIG_HOME, { recursive: true });
    symlinkSync(BIN, path.join(w.onPath, 'cluster-tool'));
    await w.coord.start();
    return w;
  }

  /** `cluster-tool blender-addon install` into this world's Blender user folders. */
  install(): CliResult {
    return runCli(['blender-addon', 'install'], { env: this.userDirs });
  }

  /** The environment Blender runs the add-on in; `extra` replaces what it names. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...this.userDirs,
      PATH: `${this.onPath}:${this.bare}`,
      CLUSTER_TOOL_STATE_DIR: this.coord.stateDir,
      ...extra,
    };
  }
}

/** The JSON after `prefix` on a line of `stdout`; throws with the output when there is none. */
export function resultLine<T>(stdout: string, prefix: string, output: string): T {
  const line = stdout.split('\n').find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`Blender printed no ${prefix.trim()} line:\n${output}`);
  return JSON.parse(line.slice(prefix.length)) as T;
}
