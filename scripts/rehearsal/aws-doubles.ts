import { randomUUID } from 'node:crypto';
import http from 'node:http';

/**
 * Test doubles of the AWS APIs `--cluster` calls, for the rehearsal: EC2 DescribeInstances
 * (finding the head node by its tags), SSM Run Command (SendCommand with the AWS-RunShellScript
 * document, then GetCommandInvocation) and STS GetCallerIdentity (who submits a job). The product
 * talks to them with the real AWS SDK pointed here (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_SSM,
 * AWS_ENDPOINT_URL_STS). They check what they are sent as the real services would, and run each
 * script on the rehearsal's head node.
 */

/** The identity the STS double says the rehearsal's user is. */
export const REHEARSAL_CALLER_ARN = 'arn:aws:sts::111122223333:assumed-role/Artist/rehearsal';

/** An instance the EC2 double knows. */
export interface InstanceDouble {
  id: string;
  state: 'running' | 'stopped';
  tags: Record<string, string>;
}

/** How a command ran on an instance. */
export interface RunOutcome {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

interface Invocation {
  instanceId: string;
  status: 'InProgress' | 'Success' | 'Failed' | 'TimedOut';
  outcome?: RunOutcome;
}

// SSM keeps this much of each output stream in GetCommandInvocation.
const SSM_OUTPUT_LIMIT = 24_000;

/** Serves the doubles on one port: SSM speaks JSON 1.1 (X-Amz-Target), EC2 and STS the query protocol. */
export class AwsDoubles {
  private readonly invocations = new Map<string, Invocation>();
  /** Every script sent, in order (for the rehearsal's report). */
  readonly sent: { commandId: string; script: string }[] = [];
  private server?: http.Server;

  constructor(
    private readonly instances: InstanceDouble[],
    private readonly run: (
      instanceId: string,
      script: string,
      timeoutS: number,
    ) => Promise<RunOutcome>,
  ) {}

  async listen(port: number): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const query = new URLSearchParams(body);
        const reply = target.startsWith('AmazonSSM.')
          ? this.ssm(target.slice('AmazonSSM.'.length), body)
          : query.get('Action') === 'GetCallerIdentity'
            ? sts()
            : this.ec2(query);
        res.writeHead(reply.status, {
          'content-type': reply.type,
          'x-amzn-requestid': randomUUID(),
        });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private ssm(op: string, body: string): { status: number; type: string; body: string } {
    const json = (status: number, v: unknown) => ({
      status,
      type: 'application/x-amz-json-1.1',
      body: JSON.stringify(v),
    });
    const fail = (type: string, message: string) => json(400, { __type: type, message });
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    if (op === 'SendCommand') {
      const ids = input.InstanceIds as string[] | undefined;
      const params = input.Parameters as Record<string, string[]> | undefined;
      if (input.DocumentName !== 'AWS-RunShellScript')
        return fail(
          'InvalidDocument',
          `document ${String(input.DocumentName)} is not AWS-RunShellScript`,
        );
      const id = ids?.[0];
      if (ids?.length !== 1 || !this.instances.some((i) => i.id === id && i.state === 'running'))
        return fail(
          'InvalidInstanceId',
          `instances ${JSON.stringify(ids)} are not running managed instances`,
        );
      const commands = params?.commands;
      if (!Array.isArray(commands) || commands.length === 0)
        return fail('InvalidParameters', 'Parameters.commands is required');
      const timeoutS = Number(params?.executionTimeout?.[0] ?? 3600);
      const commandId = randomUUID();
      const script = commands.join('\n');
      this.sent.push({ commandId, script });
      const inv: Invocation = { instanceId: id ?? '', status: 'InProgress' };
      this.invocations.set(commandId, inv);
      void this.run(inv.instanceId, script, timeoutS).then((outcome) => {
        inv.outcome = outcome;
        inv.status = outcome.timedOut ? 'TimedOut' : outcome.code === 0 ? 'Success' : 'Failed';
      });
      return json(200, {
        Command: { CommandId: commandId, DocumentName: 'AWS-RunShellScript', Status: 'Pending' },
      });
    }
    if (op === 'GetCommandInvocation') {
      const inv = this.invocations.get(String(input.CommandId));
      if (!inv || inv.instanceId !== input.InstanceId)
        return fail('InvocationDoesNotExist', 'no such command invocation');
      const o = inv.outcome;
      return json(200, {
        CommandId: input.CommandId,
        InstanceId: inv.instanceId,
        Status: inv.status,
        StatusDetails: inv.status,
        ResponseCode: o ? (o.timedOut ? -1 : o.code) : -1,
        StandardOutputContent: (o?.stdout ?? '').slice(0, SSM_OUTPUT_LIMIT),
        StandardErrorContent: (o?.stderr ?? '').slice(0, SSM_OUTPUT_LIMIT),
      });
    }
    return fail('UnknownOperationException', `the SSM double does not implement ${op}`);
  }

  private ec2(q: URLSearchParams): { status: number; type: string; body: string } {
    const xml = (status: number, s: string) => ({
      status,
      type: 'text/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>\n${s}`,
    });
    if (q.get('Action') !== 'DescribeInstances')
      return xml(
        400,
        `<Response><Errors><Error><Code>InvalidAction</Code><Message>the EC2 double does not implement ${esc(q.get('Action') ?? '')}</Message></Error></Errors><RequestID>x</RequestID></Response>`,
      );
    // Filter.N.Name / Filter.N.Value.M, as the query protocol spells a list of filters.
    const filters: { name: string; values: string[] }[] = [];
    for (let n = 1; q.has(`Filter.${n}.Name`); n++) {
      const values: string[] = [];
      for (let m = 1; q.has(`Filter.${n}.Value.${m}`); m++)
        values.push(q.get(`Filter.${n}.Value.${m}`) ?? '');
      filters.push({ name: q.get(`Filter.${n}.Name`) ?? '', values });
    }
    const matches = this.instances.filter((i) =>
      filters.every((f) =>
        f.name === 'instance-state-name'
          ? f.values.includes(i.state)
          : f.name.startsWith('tag:')
            ? f.values.includes(i.tags[f.name.slice(4)] ?? '\0')
            : false,
      ),
    );
    const items = matches
      .map(
        (i) =>
          `<item><instanceId>${esc(i.id)}</instanceId><instanceState><code>${i.state === 'running' ? 16 : 80}</code><name>${i.state}</name></instanceState><tagSet>${Object.entries(
            i.tags,
          )
            .map(([k, v]) => `<item><key>${esc(k)}</key><value>${esc(v)}</value></item>`)
            .join('')}</tagSet></item>`,
      )
      .join('');
    return xml(
      200,
      `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId><reservationSet>${
        items
          ? `<item><reservationId>r-0rehearsal</reservationId><instancesSet>${items}</instancesSet></item>`
          : ''
      }</reservationSet></DescribeInstancesResponse>`,
    );
  }
}

function sts(): { status: number; type: string; body: string } {
  return {
    status: 200,
    type: 'text/xml',
    body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${REHEARSAL_CALLER_ARN}</Arn><UserId>AROAREHEARSAL:rehearsal</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  };
}

function esc(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
