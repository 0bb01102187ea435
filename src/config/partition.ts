/** The AWS partition of a region, for ARNs: aws, aws-cn, aws-us-gov or an isolated aws-iso*. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  // us-iso-east-1 is in aws-iso, us-isob-east-1 in aws-iso-b, eu-isoe-west-1 in aws-iso-e.
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] ? `aws-iso-${iso[1]}` : 'aws-iso';
  return 'aws';
}
