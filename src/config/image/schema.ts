import { z } from 'zod';

// ParallelCluster 3's build-image configuration, the parts cluster-tool writes, as
// aws/aws-parallelcluster cli/src/pcluster/schemas/imagebuilder_schema.py defines them
// (ImageBuilderSchema, ImageSchema, BuildSchema, ComponentSchema, IamSchema, VolumeSchema;
// TagSchema and AdditionalIamPolicySchema from common_schema.py). Objects are strict: a key
// that schema does not know is an error here too.

/** constants.py PCLUSTER_IMAGE_NAME_REGEX. */
const IMAGE_NAME = /^[-_A-Za-z0-9{][-_A-Za-z0-9\s:{}.]+[-_A-Za-z0-9}]$/;
/** constants.py PCLUSTER_IMAGE_ID_REGEX: what `pcluster build-image --image-id` accepts. */
export const IMAGE_ID = /^[a-zA-Z][a-zA-Z0-9-]{0,127}$/;

const Tag = z.object({ Key: z.string().max(128), Value: z.string().max(256) }).strict();

const isJson = (v: string) => {
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
};

export const BuildImageConfigSchema = z
  .object({
    Region: z.string().optional(),
    Image: z
      .object({
        // ImageSchema.name: at most 128 less AMI_NAME_REQUIRED_SUBSTRING (" {{ imagebuilder:buildDate }}").
        Name: z
          .string()
          .regex(IMAGE_NAME)
          .max(128 - ' {{ imagebuilder:buildDate }}'.length)
          .optional(),
        Tags: z.array(Tag).optional(),
        RootVolume: z
          .object({ Size: z.number().int().optional(), Encrypted: z.boolean().optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    Build: z
      .object({
        InstanceType: z.string(),
        // BuildSchema.parent_image: validate.Regexp("^ami|arn").
        ParentImage: z.string().regex(/^(ami|arn)/),
        SubnetId: z
          .string()
          .regex(/^subnet-[0-9a-z]+$/)
          .optional(),
        Components: z
          .array(
            z
              .object({
                Type: z.enum(['arn', 'script']),
                // ComponentSchema: a script is an https or s3 URL.
                Value: z.string(),
              })
              .strict()
              .refine((c) => c.Type !== 'script' || /^(s3|https):\/\//.test(c.Value), {
                message: 'a script component is an s3:// or https:// URL',
              }),
          )
          .optional(),
        Iam: z
          .object({
            AdditionalIamPolicies: z.array(z.object({ Policy: z.string() }).strict()).optional(),
          })
          .strict()
          .optional(),
        Tags: z.array(Tag).optional(),
        UpdateOsPackages: z.object({ Enabled: z.boolean() }).strict().optional(),
        Imds: z
          .object({ ImdsSupport: z.enum(['v1.0', 'v2.0']) })
          .strict()
          .optional(),
      })
      .strict(),
    // ImagebuilderDevSettingsSchema's cookbook (common_schema.py CookbookSchema): ExtraChefAttributes
    // must be JSON (validate_extra_chef_attributes).
    DevSettings: z
      .object({
        Cookbook: z
          .object({
            ChefCookbook: z.string().optional(),
            ExtraChefAttributes: z
              .string()
              .refine(isJson, { message: 'ExtraChefAttributes is a JSON object' })
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type BuildImageConfig = z.infer<typeof BuildImageConfigSchema>;
