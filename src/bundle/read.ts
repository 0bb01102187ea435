import { statSync } from 'node:fs';
import { sha256File } from '../aws/s3-stage.js';
import { CliError, UsageError } from '../errors.js';
import { BundleManifestSchema, MANIFEST_FILE, type BundleInfo } from './manifest.js';
import { readTarMember } from './tar.js';

/** A bundle built earlier (`stage --bundle FILE`): its manifest and SHA-256. */
export async function readBundle(file: string): Promise<BundleInfo> {
  try {
    statSync(file);
  } catch {
    throw new UsageError(`--bundle ${file} does not exist`);
  }
  const text = await readTarMember(file, MANIFEST_FILE).catch(() => {
    throw new UsageError(
      `--bundle ${file} is not a cluster-tool bundle (it has no ${MANIFEST_FILE})`,
    );
  });
  const parsed = BundleManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new CliError(`--bundle ${file}: its ${MANIFEST_FILE} is not one this version reads`);
  return { file, sha256: await sha256File(file), size: statSync(file).size, manifest: parsed.data };
}
