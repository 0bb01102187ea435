import type { CommandModule } from 'yargs';
import { CoordinatorConnection, withCoordinatorOptions } from '../connection.js';

const say = (s: string) => process.stdout.write(`${s}\n`);

const whoami: CommandModule = {
  command: 'whoami',
  describe: 'Say which user your token stands for, and whether that is the operator',
  builder: (y) => withCoordinatorOptions(y),
  handler: async (argv) => {
    const me = await CoordinatorConnection.fromArgs(argv).request<{
      user: string;
      operator: boolean;
    }>('GET', '/api/me');
    say(`${me.user}${me.operator ? ' (the operator: may change every job)' : ''}`);
  },
};

const revoke: CommandModule = {
  command: 'revoke [user]',
  describe:
    "Revoke a user's enrolled tokens (yours when no user is named; the operator may name anyone). Their next command makes and enrols a new one",
  builder: (y) =>
    withCoordinatorOptions(y).positional('user', {
      type: 'string',
      describe: 'Unix user name (default: you)',
    }),
  handler: async (argv) => {
    const r = await CoordinatorConnection.fromArgs(argv).request<{
      user: string;
      revoked: number;
    }>('POST', '/api/tokens/revoke', argv.user ? { user: argv.user } : {});
    say(
      r.revoked
        ? `revoked ${r.revoked} token${r.revoked === 1 ? '' : 's'} of ${r.user}`
        : `${r.user} has no enrolled token`,
    );
  },
};

export const tokenCommand: CommandModule = {
  command: 'token <command>',
  describe:
    'User tokens: each Unix user on the head node has their own, made on first use (see docs/security.md)',
  builder: (y) =>
    y.command(whoami).command(revoke).demandCommand(1, 'Name a token command: whoami or revoke.'),
  handler: () => undefined,
};
