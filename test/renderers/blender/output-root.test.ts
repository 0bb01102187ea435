import { describe, expect, it } from 'vitest';
import {
  notSharedReason,
  outputConflict,
  sharedRoots,
} from '../../../src/renderers/blender/output-root.js';

// What a ParallelCluster 3 head node holds: its NFS exports and an FSx for Lustre mount.
const EXPORTS = `/home 10.0.0.0/16(rw,sync,no_root_squash)
/opt/slurm 10.0.0.0/16(rw,sync,no_root_squash)
/shared 10.0.0.0/16(rw,sync,no_root_squash)
`;
const MOUNTS = `/dev/nvme0n1p1 / xfs rw,noatime 0 0
/dev/nvme1n1 /shared ext4 rw,relatime 0 0
10.0.1.5@tcp:/abcdefgh /fsx lustre rw,flock 0 0
fs-1234.efs.us-east-1.amazonaws.com:/ /mnt/efs\\040data nfs4 rw,vers=4.1 0 0
tmpfs /tmp tmpfs rw 0 0
`;

describe('which directories the compute nodes share', () => {
  it('takes what a ParallelCluster head node exports and its network mounts', () => {
    const shared = sharedRoots({ parallelCluster: true, exports: EXPORTS, mounts: MOUNTS });
    expect(shared).toMatchObject({
      any: false,
      roots: ['/home', '/opt/slurm', '/shared', '/fsx', '/mnt/efs data'],
    });
    expect(notSharedReason('/shared/renders/shot1', shared)).toBeNull();
    expect(notSharedReason('/fsx/out', shared)).toBeNull();
    expect(notSharedReason('/tmp/out', shared)).toMatch(
      /^\/tmp\/out is not on a file system the compute nodes share .*\/etc\/cluster-tool\/shared-roots$/,
    );
    expect(notSharedReason('/sharedness', shared)).not.toBeNull();
  });

  it("lets the site's list decide alone, and shares everything on one machine", () => {
    const listed = sharedRoots({
      configured: '# renders\n/data/renders\nrelative/ignored\n',
      parallelCluster: true,
      exports: EXPORTS,
    });
    expect(listed).toMatchObject({ any: false, roots: ['/data/renders'] });
    expect(notSharedReason('/shared/x', listed)).not.toBeNull();
    expect(notSharedReason('/anything', sharedRoots({ parallelCluster: false }))).toBeNull();
  });
});

describe('an output root beside other jobs', () => {
  const others = [
    { jobId: 'j1', root: '/shared/renders/a', active: false },
    { jobId: 'j2', root: '/shared/renders/b', active: true },
  ];

  it("allows a finished job's root again (a resume) and a root of its own", () => {
    expect(outputConflict('/shared/renders/a', others)).toBeNull();
    expect(outputConflict('/shared/renders/c', others)).toBeNull();
  });

  it("refuses an active job's root, a root inside any job's output, and one holding an active job's", () => {
    expect(outputConflict('/shared/renders/b', others)).toMatch(/^job j2 is still rendering/);
    expect(outputConflict('/shared/renders/a/sub', others)).toMatch(
      /inside the output of job j1 \(\/shared\/renders\/a\)/,
    );
    expect(outputConflict('/shared/renders', others)).toMatch(/holds the output of job j2/);
  });
});
