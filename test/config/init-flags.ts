import type { InitFlags } from '../../src/config/flags.js';

/** The flags every `config init` test starts from: documentation addresses, no real account. */
export const BASE_FLAGS: InitFlags = {
  region: 'us-east-1',
  keyName: 'render-key',
  headSubnet: 'subnet-0123456789abcdef0',
  bucket: 'my-render-bucket',
  dcvCidr: '203.0.113.7/32',
};

/** The same with a custom AMI and a VPC named. */
export const WITH_AMI_AND_VPC: InitFlags = {
  ...BASE_FLAGS,
  customAmi: 'ami-0123456789abcdef0',
  vpcId: 'vpc-0123456789abcdef0',
};
