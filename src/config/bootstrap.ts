import { bootstrapKey, BOOTSTRAP_SCRIPTS, s3Uri } from '../aws/layout.js';
import { renderTemplate } from '../templates/render.js';
import { DEFAULT_NODE_RUNTIME } from './os-support.js';
import { SHARED_MOUNT_DIR, type ClusterSpec } from './spec.js';

/** Versions and sources the bootstrap scripts install. Defaults: Node.js 20 LTS, Blender 4.2 LTS. */
export const BOOTSTRAP_DEFAULTS = {
  nodeVersion: '20.18.1',
  blenderVersion: '4.2.3',
  blenderUrl: 'https://download.blender.org/release/Blender4.2/blender-4.2.3-linux-x64.tar.xz',
  ffmpegStaticUrl: 'https://johnvansickle.com/ffmpeg/releases/ffmpeg-release-amd64-static.tar.xz',
  installPrefix: '/opt/cluster-tool',
  // ParallelCluster installs Slurm here and puts it on PATH only through /etc/profile.d/slurm.sh,
  // which systemd never reads (aws/aws-parallelcluster-cookbook:
  // cookbooks/aws-parallelcluster-environment/attributes/environment.rb, slurm install_dir;
  // cookbooks/aws-parallelcluster-slurm/recipes/config.rb, the profile.d link).
  slurmBinDir: '/opt/slurm/bin',
  logFile: '/var/log/cluster-tool-bootstrap.log',
  envFile: '/etc/cluster-tool/env',
  stateDir: `${SHARED_MOUNT_DIR}/cluster-tool`,
  listen: '0.0.0.0:7070',
  coordinatorUrl: 'http://127.0.0.1:7070',
} as const;

/** Inputs to the bootstrap templates; every value is shell-quoted by the template. */
export type BootstrapValues = { bucket: string } & Partial<
  Record<keyof typeof BOOTSTRAP_DEFAULTS, string>
>;

const DIR = 'cluster-config/bootstrap';

function render(name: string, values: BootstrapValues): string {
  const data = {
    ...BOOTSTRAP_DEFAULTS,
    ...values,
    scriptName: name,
    sharedDir: SHARED_MOUNT_DIR,
    packageUri: s3Uri(values.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.packageTarball)),
    headScriptUri: s3Uri(values.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.head)),
    computeScriptUri: s3Uri(values.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.compute)),
  };
  return renderTemplate(`${DIR}/common.sh.hbs`, data) + renderTemplate(`${DIR}/${name}.hbs`, data);
}

/** The three bootstrap scripts by their file name in the bucket (see `aws/layout.ts`). */
export function renderBootstrapScripts(values: BootstrapValues): Record<string, string> {
  return {
    [BOOTSTRAP_SCRIPTS.head]: render(BOOTSTRAP_SCRIPTS.head, values),
    [BOOTSTRAP_SCRIPTS.compute]: render(BOOTSTRAP_SCRIPTS.compute, values),
    [BOOTSTRAP_SCRIPTS.postInstallV2]: render(BOOTSTRAP_SCRIPTS.postInstallV2, values),
  };
}

/**
 * The bootstrap scripts' arguments, as a config passes them (v3 `OnNodeConfigured.Args`, v2
 * `post_install_args`): the Node.js build the nodes run. Always written, so `config check`
 * reads the choice back from the file.
 */
export function bootstrapArgs(spec: Pick<ClusterSpec, 'nodeRuntime'>): string[] {
  return ['--node-runtime', spec.nodeRuntime ?? DEFAULT_NODE_RUNTIME];
}
