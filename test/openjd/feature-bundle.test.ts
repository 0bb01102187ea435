import { describe, expect, it } from 'vitest';
import {
  environmentActions,
  expandStep,
  instantiateTask,
  planTemplateJob,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';

/** FEATURE_BUNDLE_1: simple actions and endOfLine built; the rest refused with what to change. */
const doc = (extensions: string[], step: Record<string, unknown>) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions,
  name: 'bundle',
  parameterDefinitions: [{ name: 'Greeting', type: 'STRING', default: 'hi' }],
  jobEnvironments: [
    {
      name: 'Env',
      script: {
        actions: { onEnter: { command: 'bash', args: ['{{Env.File.Setup}}'] } },
        embeddedFiles: [
          { name: 'Setup', type: 'TEXT', data: 'echo a\necho b\n', endOfLine: 'CRLF' },
        ],
      },
    },
  ],
  steps: [{ name: 'Say', ...step }],
});

const bashStep = {
  bash: { script: 'echo "{{Param.Greeting}}" "$1"\n', args: ['{{Param.Greeting}}'], timeout: 30 },
};

describe('FEATURE_BUNDLE_1', () => {
  it('runs a simple action as its interpreter on an embedded file, and writes endOfLine as asked', () => {
    const v = validateTemplate(doc(['FEATURE_BUNDLE_1'], bashStep));
    expect(v.errors).toEqual([]);
    const t = v.template as JobTemplate;
    const values = resolveJobParameters(t, {}).values;
    const [task] = expandStep(t, 'Say', values);
    const cmd = instantiateTask(t, 'Say', task!.params, values, '/s');
    expect(cmd.argv).toEqual(['bash', '/s/embedded/task/simple-action.sh', 'hi']);
    expect(cmd.timeoutSeconds).toBe(30);
    expect(cmd.files).toContainEqual({
      path: '/s/embedded/task/simple-action.sh',
      content: 'echo "hi" "$1"\n',
      runnable: false,
    });
    const [env] = environmentActions(t, 'Say', values, '/s');
    expect(env?.files[0]?.content).toBe('echo a\r\necho b\r\n');
  });

  it('refuses the bundle’s features without the extension, naming the field', () => {
    const v = validateTemplate(doc([], bashStep));
    expect(v.errors).toContainEqual({
      path: 'steps[0].bash',
      message: expect.stringMatching(/needs the FEATURE_BUNDLE_1 extension/) as string,
    });
    expect(v.errors).toContainEqual({
      path: 'jobEnvironments[0].script.embeddedFiles[0].endOfLine',
      message: expect.stringMatching(/needs the FEATURE_BUNDLE_1 extension/) as string,
    });
  });

  it('accepts a Windows interpreter in a template, and refuses to submit it to these Linux nodes', () => {
    const fb = ['FEATURE_BUNDLE_1'];
    const refusal = (k: string) => ({
      path: `steps[0].${k}`,
      message: `${k} runs on Windows and this tool's nodes run Linux, so it cannot be submitted here: use bash, python or node`,
    });
    for (const k of ['cmd', 'powershell']) {
      const given = doc(fb, { [k]: { script: 'echo hi\n', args: ['x'] } });
      const v = validateTemplate(given);
      expect(v.errors).toEqual([]);
      expect(v.warnings).toContainEqual(refusal(k));
      // refused whether given the document or the template it was validated into
      for (const d of [given, v.template])
        expect(planTemplateJob(d, {}, { hostArch: 'x86_64' }).errors).toEqual([refusal(k)]);
    }
    const cmd = validateTemplate(doc(fb, { cmd: { script: 'echo hi' } })).template!;
    expect(cmd.steps[0]?.script.actions.onRun).toMatchObject({
      command: 'cmd',
      args: ['/C', '{{Task.File.SimpleAction}}'],
    });
    // the interpreters these nodes have are submitted as before
    expect(planTemplateJob(doc(fb, bashStep), {}, { hostArch: 'x86_64' }).errors).toEqual([]);
  });

  it('refuses let without EXPR, and a simple action beside a script', () => {
    const fb = ['FEATURE_BUNDLE_1'];
    expect(
      validateTemplate(doc(fb, { python: { script: 'print(1)', let: ['x = 1'] } })).errors,
    ).toContainEqual({
      path: 'steps[0].python.let',
      message: expect.stringMatching(/let bindings need the EXPR extension/) as string,
    });
    expect(
      validateTemplate(doc(fb, { ...bashStep, script: { actions: { onRun: { command: 'x' } } } }))
        .errors[0]?.message,
    ).toMatch(/give one of .* not bash and script/);
  });
});
