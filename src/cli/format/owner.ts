/**
 * A job's owner as `status` shows it: an AWS identity ARN (a `--cluster` submission) by its last
 * part, the user name as it is; none (a job from before owners were kept) is the operator's.
 */
export function ownerText(owner: string | null | undefined): string {
  if (!owner) return 'operator';
  return owner.startsWith('arn:') ? (owner.split(/[:/]/).pop() ?? owner) : owner;
}
