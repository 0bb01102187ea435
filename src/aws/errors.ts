import { CliError } from '../errors.js';

/** An AWS API call failed. `code` is the service's error name (e.g. AccessDenied, ThrottlingException). */
export class AwsCallError extends CliError {
  readonly operation: string;
  readonly code: string;
  readonly retryable: boolean;
  constructor(operation: string, code: string, message: string, retryable: boolean) {
    super(message);
    this.operation = operation;
    this.code = code;
    this.retryable = retryable;
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'RequestThrottled',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);
const NO_CREDENTIALS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
]);

/** Service and IAM action of an operation, e.g. ('ec2', 'DescribeImages'). */
export interface AwsOperation {
  service: 'ec2' | 's3' | 'ssm';
  action: string;
}

function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string };
  return e.name ?? e.Code ?? e.code ?? 'Error';
}

/** Turns an SDK error into an AwsCallError whose message says what to do. */
export function translateAwsError(op: AwsOperation, err: unknown): AwsCallError {
  const code = errorCode(err);
  const what = `${op.service}:${op.action}`;
  const detail =
    err instanceof Error && err.message && err.message !== code ? ` (${err.message})` : '';
  if (THROTTLING.has(code)) {
    return new AwsCallError(
      what,
      code,
      `AWS throttled ${what} and retries did not get through; wait a minute and run the command again`,
      true,
    );
  }
  if (DENIED.has(code)) {
    return new AwsCallError(
      what,
      code,
      `your AWS identity is not allowed to call ${what}; add that action to its IAM policy (or use a profile that has it)${detail}`,
      false,
    );
  }
  if (NO_CREDENTIALS.has(code)) {
    return new AwsCallError(
      what,
      code,
      `no valid AWS credentials for ${what}: set AWS_PROFILE or run \`aws configure\` / \`aws sso login\`${detail}`,
      false,
    );
  }
  return new AwsCallError(what, code, `${what} failed: ${code}${detail}`, false);
}

/** Retry policy for `callAws`; tests shorten the delays. */
export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
}

/**
 * Calls AWS, retrying throttling with exponential backoff (on top of the SDK's own retries, so
 * a burst of describe calls from `config check --aws` still completes), and translating errors.
 */
export async function callAws<T>(
  op: AwsOperation,
  fn: () => Promise<T>,
  retry: RetryOptions = {},
): Promise<T> {
  const attempts = retry.attempts ?? 4;
  const base = retry.baseDelayMs ?? 500;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!THROTTLING.has(errorCode(err)) || i >= attempts) throw translateAwsError(op, err);
      await new Promise((r) => setTimeout(r, base * 2 ** (i - 1)));
    }
  }
}

/** Whether an error is the service's "no such thing" for an id (handled as a check finding, not a failure). */
export function isNotFound(err: unknown): boolean {
  return /NotFound|Malformed|InvalidAMIID|InvalidSubnetID|InvalidKeyPair|InvalidInstanceType|NoSuchKey/.test(
    errorCode(err),
  );
}
