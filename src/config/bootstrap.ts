import { bootstrapKey, BOOTSTRAP_SCRIPTS, s3Uri } from '../aws/layout.js';
import type { BundleInfo } from '../bundle/manifest.js';
import { renderTemplate } from '../templates/render.js';
import { DEFAULT_NODE_RUNTIME } from './os-support.js';
import { SHARED_MOUNT_DIR, type ClusterSpec } from './spec.js';

/** Where the bootstrap scripts install and write; every path is on the node. */
export const BOOTSTRAP_DEFAULTS = {
  installPrefix: '/opt/cluster-tool',
  // ParallelCluster installs Slurm here and puts it on PATH only through /etc/profile.d/slurm.sh,
  // which systemd never reads (aws/aws-parallelcluster-cookbook:
  // cookbooks/aws-parallelcluster-environment/attributes/environment.rb, slurm install_dir;
  // cookbooks/aws-parallelcluster-slurm/recipes/config.rb, the profile.d link).
  slurmBinDir: '/opt/slurm/bin',
  // Where ParallelCluster's AMIs carry AWS CLI v2, the only CLI the 3.16 AMIs have (3.16.2 release
  // notes: "Ship only AWS CLI v2"; the AWS CLI v2 installer's default link, which the cookbook's
  // awscli recipe and build-image's tag component install to). The scripts try PATH after it.
  awsCli: '/usr/local/bin/aws',
  logFile: '/var/log/cluster-tool-bootstrap.log',
  envFile: '/etc/cluster-tool/env',
  stateDir: `${SHARED_MOUNT_DIR}/cluster-tool`,
  listen: '0.0.0.0:7070',
  coordinatorUrl: 'http://127.0.0.1:7070',
} as const;

/** Inputs to the bootstrap templates; every value is shell-quoted by the template. */
export type BootstrapValues = { bucket: string; bundle: BundleInfo } & Partial<
  Record<keyof typeof BOOTSTRAP_DEFAULTS, string>
>;

const DIR = 'cluster-config/bootstrap';
const NONE = { file: '', sha256: '' };

/** The bundle as the scripts see it: file names and SHA-256s, '' for a part left out. */
function bundleData(b: BundleInfo) {
  const m = b.manifest;
  const pick = (p?: { file: string; sha256: string }) =>
    p ? { file: p.file, sha256: p.sha256 } : NONE;
  return {
    sha256: b.sha256,
    nodeRuntime: m.node.runtime,
    nodeGlibc: m.node.glibc ?? '',
    toolGlibc: m.tool.glibc ?? '',
    tool: pick(m.tool),
    node: pick(m.node),
    blender: pick(m.blender),
    ffmpeg: pick(m.ffmpeg),
  };
}

function render(name: string, values: BootstrapValues): string {
  const { bundle, ...rest } = values;
  const data = {
    ...BOOTSTRAP_DEFAULTS,
    ...rest,
    scriptName: name,
    sharedDir: SHARED_MOUNT_DIR,
    bundle: bundleData(bundle),
    bundleUri: s3Uri(values.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.bundle)),
    headScriptUri: s3Uri(values.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.head)),
    computeScriptUri: s3Uri(values.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.compute)),
  };
  return renderTemplate(`${DIR}/common.sh.hbs`, data) + renderTemplate(`${DIR}/${name}.hbs`, data);
}

/** The bootstrap scripts by their file name in the bucket (see `aws/layout.ts`). */
export function renderBootstrapScripts(values: BootstrapValues): Record<string, string> {
  const names = [
    BOOTSTRAP_SCRIPTS.head,
    BOOTSTRAP_SCRIPTS.compute,
    BOOTSTRAP_SCRIPTS.postInstallV2,
    BOOTSTRAP_SCRIPTS.image,
  ];
  return Object.fromEntries(names.map((n) => [n, render(n, values)]));
}

/**
 * The bootstrap scripts' arguments, as a config passes them (v3 `OnNodeConfigured.Args`, v2
 * `post_install_args`): the Node.js build the nodes run. Always written, so `config check`
 * reads the choice back from the file.
 */
export function bootstrapArgs(spec: Pick<ClusterSpec, 'nodeRuntime'>): string[] {
  return ['--node-runtime', spec.nodeRuntime ?? DEFAULT_NODE_RUNTIME];
}
