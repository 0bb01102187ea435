/** Small job templates written for these tests, as plain objects (what YAML parses into). */

/** A minimal valid template: one parameter, two steps, the second after the first. */
export function minimalTemplate(): Record<string, unknown> {
  return {
    specificationVersion: 'jobtemplate-2023-09',
    name: 'Test {{Param.Shot}}',
    parameterDefinitions: [
      { name: 'Shot', type: 'STRING', default: 'sh010' },
      { name: 'Frames', type: 'STRING', default: '1-4' },
      { name: 'Out', type: 'PATH', default: 'out' },
    ],
    steps: [
      {
        name: 'Render',
        parameterSpace: {
          taskParameterDefinitions: [{ name: 'Frame', type: 'INT', range: '{{Param.Frames}}' }],
        },
        script: {
          actions: {
            onRun: {
              command: 'render',
              args: ['--frame', '{{Task.Param.Frame}}', '--out', '{{Param.Out}}'],
            },
          },
        },
      },
      {
        name: 'Encode',
        dependencies: [{ dependsOn: 'Render' }],
        script: { actions: { onRun: { command: 'encode', args: ['{{Param.Out}}'] } } },
      },
    ],
  };
}

/** A template that uses most of the spec: environments, embedded files, host requirements, cancelation, combinations. */
export function fullTemplate(): Record<string, unknown> {
  return {
    specificationVersion: 'jobtemplate-2023-09',
    $schema: 'ignored',
    name: 'Full {{Param.Count}}',
    description: 'Everything at once.\nSecond line.',
    parameterDefinitions: [
      {
        name: 'Count',
        type: 'INT',
        default: 3,
        minValue: 1,
        maxValue: 10,
        userInterface: { control: 'SPIN_BOX', singleStepDelta: 1 },
      },
      { name: 'Gain', type: 'FLOAT', default: '0.50', allowedValues: [0.25, '0.50', 1] },
      {
        name: 'Mode',
        type: 'STRING',
        default: 'fast',
        allowedValues: ['fast', 'slow'],
        userInterface: { control: 'DROPDOWN_LIST' },
      },
      {
        name: 'Scene',
        type: 'PATH',
        objectType: 'FILE',
        dataFlow: 'IN',
        default: '/data/scene.blend',
      },
    ],
    jobEnvironments: [
      {
        name: 'Job env',
        script: {
          actions: {
            onEnter: {
              command: 'bash',
              args: ['{{Env.File.setup}}', '{{Session.WorkingDirectory}}'],
            },
            onExit: { command: 'true' },
          },
          embeddedFiles: [
            {
              name: 'setup',
              type: 'TEXT',
              data: 'echo openjd_env: FROM_ENTER=1\n',
              runnable: true,
            },
          ],
        },
        variables: { JOB_MODE: '{{Param.Mode}}', JOB_SESSION: '{{Session.WorkingDirectory}}' },
      },
    ],
    steps: [
      {
        name: 'Work',
        hostRequirements: {
          amounts: [{ name: 'amount.worker.gpu', min: 1 }],
          attributes: [
            { name: 'attr.worker.os.family', anyOf: ['linux'] },
            { name: 'vendor:attr.custom', allOf: ['a-b', 'c_d'] },
          ],
        },
        stepEnvironments: [{ name: 'Step env', variables: { STEP_VAR: 'x{{Param.Count}}' } }],
        parameterSpace: {
          taskParameterDefinitions: [
            { name: 'I', type: 'INT', range: [1, '2', '{{Param.Count}}'] },
            { name: 'Eye', type: 'STRING', range: ['left', 'right', 'both'] },
            { name: 'F', type: 'FLOAT', range: [0.5, '1.25'] },
          ],
          combination: '(I, Eye) * F',
        },
        script: {
          actions: {
            onRun: {
              command: '{{Task.File.run}}',
              args: [
                '{{Task.Param.I}}',
                '{{Task.Param.Eye}}',
                '{{Task.RawParam.F}}',
                '{{Param.Scene}}',
                '{{Param.Gain}}',
              ],
              timeout: 60,
              cancelation: { mode: 'NOTIFY_THEN_TERMINATE' },
            },
          },
          embeddedFiles: [
            {
              name: 'run',
              type: 'TEXT',
              runnable: true,
              filename: 'run.sh',
              data: '#!/bin/sh\ncat {{Task.File.conf}}\n',
            },
            {
              name: 'conf',
              type: 'TEXT',
              data: 'eye={{Task.Param.Eye}} mapping={{Session.PathMappingRulesFile}}\n',
            },
          ],
        },
      },
    ],
  };
}
