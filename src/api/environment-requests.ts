import { z } from 'zod';

/**
 * Queue environments (`cluster-tool env`): OpenJD environment templates the coordinator keeps
 * and runs every OpenJD job in, outermost first, like Deadline Cloud's queue environments.
 */

const ABSOLUTE = 'must be an absolute path';

/** `POST /api/environments`: an environment template, where it was read, and its directory. */
export const addEnvironmentBody = z.strictObject({
  source: z.string().min(1).max(4096),
  doc: z.unknown(),
  dir: z.string().startsWith('/', ABSOLUTE).optional(),
});

/** A queue environment as the API shows it. */
export interface QueueEnvironmentView {
  name: string;
  source: string;
  /** Its parameter names, and whether it has onEnter/onExit actions and variables. */
  parameters: string[];
  onEnter: boolean;
  onExit: boolean;
  variables: string[];
  addedAt: number;
}
