/**
 * The template the `let` tests share: a compositing job with bindings at every level a binding
 * may stand (a step, its script, a job and a step environment's script, a simple action).
 */
export const comp = (
  over: Record<string, unknown> = {},
  stepOver: Record<string, unknown> = {},
) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions: ['EXPR', 'FEATURE_BUNDLE_1'],
  name: 'comp-{{ Param.Shot }}',
  parameterDefinitions: [
    { name: 'Shot', type: 'STRING', default: 'sh020' },
    { name: 'Last', type: 'INT', default: 4 },
  ],
  jobEnvironments: [
    {
      name: 'Plates',
      variables: { SHOT: '{{ Job.Name }}' },
      script: {
        let: ['plate_dir = Session.WorkingDirectory / "plates"', 'tag = Job.Name.upper()'],
        actions: { onEnter: { command: 'mkdir', args: ['-p', '{{ plate_dir }}', '{{ tag }}'] } },
      },
    },
  ],
  steps: [
    {
      name: 'Comp',
      let: ['first = 1', 'count = Param.Last - first + 1', 'label = Step.Name + "/" + Param.Shot'],
      parameterSpace: {
        taskParameterDefinitions: [
          { name: 'Frame', type: 'INT', range: '{{ first }}-{{ Param.Last }}' },
        ],
      },
      stepEnvironments: [
        {
          name: 'Grade',
          variables: { GRADE_LABEL: '{{ label }}' },
          script: {
            let: ['lut = Env.File.Lut'],
            actions: { onEnter: { command: 'echo', args: ['{{ lut }}', '{{ count }}'] } },
            embeddedFiles: [{ name: 'Lut', type: 'TEXT', data: 'lut for {{ label }}' }],
          },
        },
      ],
      script: {
        let: ['pad = string(Task.Param.Frame).zfill(4)', 'frames = [first, count]'],
        actions: {
          onRun: {
            command: 'comp',
            args: ['{{ label }}', '{{ pad }}', '{{ frames[1] }}', '{{ Session.WorkingDirectory }}'],
          },
        },
      },
      ...stepOver,
    },
    {
      name: 'Encode',
      dependencies: [{ dependsOn: 'Comp' }],
      bash: {
        let: ['movie = Param.Shot + ".mov"'],
        script: 'echo {{ movie }} {{ Step.Name }}',
      },
    },
  ],
  ...over,
});
