import type { BundleInfo } from '../../src/bundle/manifest.js';

const sha = (c: string) => c.repeat(64);

/** A bundle's description as `stage` renders scripts from it; no file behind it. */
export const SAMPLE_BUNDLE: BundleInfo = {
  file: '/nonexistent/bundle.tar',
  sha256: sha('a'),
  size: 1,
  manifest: {
    format: 1,
    tool: { file: 'tool.tar.gz', sha256: sha('b'), size: 1, version: '0.1.0', glibc: '2.14' },
    node: {
      file: 'node.tar.gz',
      sha256: sha('c'),
      size: 1,
      version: '20.18.1',
      glibc: '2.28',
      runtime: 'glibc-228',
    },
    blender: { file: 'blender.tar.xz', sha256: sha('d'), size: 1, version: '4.2.3' },
  },
};
