import type { FastifyInstance } from 'fastify';
import { addEnvironmentBody, type QueueEnvironmentView } from '../../api/environment-requests.js';
import type { EnvironmentTemplateInput } from '../../openjd/job-plan.js';
import { checked } from './http-error.js';

/** What the queue environment routes ask of the coordinator. */
export interface EnvironmentRoutesPort {
  queueEnvironments: {
    list(): QueueEnvironmentView[];
    templates(): EnvironmentTemplateInput[];
    add(source: string, doc: unknown, dir?: string): QueueEnvironmentView;
    remove(name: string): void;
  };
}

/** `cluster-tool env`: list, add and remove the queue environments (user token). */
export function registerEnvironmentRoutes(app: FastifyInstance, c: EnvironmentRoutesPort): void {
  app.get('/api/environments', { config: { access: 'user' } }, async () =>
    c.queueEnvironments.list(),
  );

  // the documents, for the CLI to check a job against them before it submits it
  app.get('/api/environments/templates', { config: { access: 'user' } }, async () =>
    c.queueEnvironments.templates(),
  );

  // Queue environments apply to every user's OpenJD jobs: the operator's to change.
  app.post(
    '/api/environments',
    { config: { access: 'user', operatorOnly: true } },
    async (req, reply) => {
      const b = checked(addEnvironmentBody, req.body, 'environment');
      return reply.code(201).send(c.queueEnvironments.add(b.source, b.doc, b.dir));
    },
  );

  // a POST, as every change here (the client speaks GET and POST)
  app.post<{ Params: { name: string } }>(
    '/api/environments/:name/remove',
    { config: { access: 'user', operatorOnly: true } },
    async (req, reply) => {
      c.queueEnvironments.remove(req.params.name);
      return reply.code(204).send();
    },
  );
}
