import type { CommandModule } from 'yargs';
import { CliError } from '../../errors.js';
import { notifyKey, SIGNATURE_HEADER } from '../../api/notify.js';
import { defaultStateDir, readToken } from '../../coordinator/state-dir.js';

/** `cluster-tool notify-key`: the key a `--notify` receiver checks signatures with. */
export const notifyKeyCommand: CommandModule = {
  command: 'notify-key',
  describe:
    'Print the key job-end messages (`--notify URL`) are signed with, for the receiver to check them',
  builder: (y) =>
    y
      .option('state-dir', {
        type: 'string',
        describe: "The coordinator's state directory (the key is derived from its user token)",
        defaultDescription: "$CLUSTER_TOOL_STATE_DIR, /shared/cluster-tool, or the local cluster's",
      })
      .epilogue(
        `Each message is a JSON POST with the header ${SIGNATURE_HEADER}: sha256=HEX, the ` +
          'HMAC-SHA256 of the body under this key. The key changes only with the user token.',
      ),
  handler: (argv) => {
    const dir = (argv['state-dir'] as string | undefined) ?? defaultStateDir();
    const token = process.env.CLUSTER_TOOL_TOKEN ?? readToken(dir);
    if (!token)
      throw new CliError(`no user token in ${dir}: run this on the head node, or give --state-dir`);
    process.stdout.write(`${notifyKey(token)}\n`);
  },
};
