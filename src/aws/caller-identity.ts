import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { CliError } from '../errors.js';

/**
 * The ARN of the AWS identity these credentials are (STS GetCallerIdentity, which needs no
 * permission): what a job submitted with `--cluster` is recorded as owned by, since the command
 * itself runs on the head node as the operator.
 */
export async function callerArn(sts: STSClient): Promise<string> {
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    if (Arn) return Arn;
  } catch (err) {
    throw new CliError(
      `could not learn which AWS identity is submitting (STS GetCallerIdentity): ${(err as Error).message}`,
    );
  }
  throw new CliError('STS GetCallerIdentity answered without an ARN');
}
