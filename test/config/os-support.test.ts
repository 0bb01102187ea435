import { parse as parseIni } from 'ini';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkConfigText } from '../../src/config/check.js';
import type { InitFlags } from '../../src/config/flags.js';
import { planInit } from '../../src/config/generate.js';
import { installedToolGlibc } from '../../src/bundle/tool-tree.js';
import { checkOsSupport, checkToolGlibc } from '../../src/config/os-support.js';
import { listPresets } from '../../src/config/presets.js';
import { OS_VALUES } from '../../src/config/spec.js';
import { WITH_AMI_AND_VPC } from './init-flags.js';

const BASE: InitFlags = WITH_AMI_AND_VPC;

interface Script {
  Script: string;
  Args?: string[];
}
const scripts = (text: string) => {
  const doc = parse(text) as {
    HeadNode: { CustomActions: { OnNodeConfigured: Script } };
    Scheduling: { SlurmQueues: { CustomActions: { OnNodeConfigured: Script } }[] };
  };
  return [
    doc.HeadNode.CustomActions.OnNodeConfigured,
    ...doc.Scheduling.SlurmQueues.map((q) => q.CustomActions.OnNodeConfigured),
  ];
};

describe('which OS the nodes can run', () => {
  it('config init refuses Amazon Linux 2 with the official Node.js build, naming both ways out', () => {
    expect(() => planInit('blender-g4dn', 'v3', { ...BASE, os: 'alinux2' })).toThrow(
      /--os: alinux2 has glibc 2\.26, and the glibc-228 Node\.js build needs 2\.28.*pick --os .*ubuntu2204.*or --node-runtime glibc-217 and stage a glibc-2\.17 Node\.js build with `stage --node-tarball FILE`/s,
    );
  });

  it('passes --node-runtime glibc-217 to every bootstrap script, and warns about Blender 4.x', () => {
    const plan = planInit('blender-g4dn', 'v3', {
      ...BASE,
      os: 'alinux2',
      nodeRuntime: 'glibc-217',
    });
    for (const s of scripts(plan.text)) expect(s.Args).toEqual(['--node-runtime', 'glibc-217']);
    expect(plan.warnings.join('\n')).toMatch(/Blender 4\.x official builds need 2\.28/);
    expect(plan.next.find((c) => c.startsWith('cluster-tool stage'))).toContain('--node-tarball');
  });

  it('writes the choice as post_install_args for ParallelCluster 2.x, which defaults to glibc-217', () => {
    const ini = parseIni(planInit('index', 'v2', BASE).text) as Record<
      string,
      Record<string, string>
    >;
    expect(ini['cluster default']?.post_install_args).toBe('--node-runtime glibc-217');
  });

  it('config check reads the choice back: refused without it, accepted with it', () => {
    const good = planInit('blender-g4dn', 'v3', {
      ...BASE,
      os: 'alinux2',
      nodeRuntime: 'glibc-217',
    });
    expect(checkConfigText(good.text).errors).toEqual([]);
    const bad = checkConfigText(good.text.replaceAll('- glibc-217', '- glibc-228'));
    expect(bad.errors.map((e) => e.path)).toEqual(['Image.Os']);
    const typo = checkConfigText(good.text.replaceAll('- glibc-217', '- glibc-2.17'));
    expect(typo.errors.map((e) => e.path)).toContain(
      'HeadNode.CustomActions.OnNodeConfigured.Args',
    );
    const none = checkConfigText(
      good.text.replace(/\n\s+Args:\n\s+- --node-runtime\n\s+- glibc-217/g, ''),
    );
    expect(none.errors.map((e) => e.path)).toEqual(['Image.Os']);
    expect(none.errors[0]?.message).toMatch(/pick --os/);
  });

  it('gives every preset an OS and Node.js build that work together by default', () => {
    for (const preset of listPresets()) {
      const plan = planInit(preset, 'v3', BASE);
      expect(checkConfigText(plan.text).errors, preset).toEqual([]);
    }
  });

  it('leaves an OS the format does not accept to the format, and offers only OSes it accepts', () => {
    const good = planInit('blender-g4dn', 'v3', BASE);
    const centos7 = checkConfigText(good.text.replace(/Os: \w+/, 'Os: centos7'));
    expect(centos7.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/ParallelCluster 3\.10 dropped centos7/),
    ]);
    // Every OS ParallelCluster 2.8.0 takes with DCV predates glibc 2.28: only the other build helps.
    expect(() =>
      planInit('blender-g4dn', 'v2', { ...BASE, os: 'alinux2', nodeRuntime: 'glibc-228' }),
    ).toThrow(/needs 2\.28: the node bootstrap would fail\. use --node-runtime glibc-217/);
  });

  it('knows the glibc of the OSes ParallelCluster 2.8.0 ran, IndeX AMI included', () => {
    const paths = { os: 'os', runtime: 'nodeRuntime' };
    expect(checkOsSupport('ubuntu1804', 'glibc-228', paths, OS_VALUES)[0]?.message).toMatch(
      /glibc 2\.27/,
    );
    expect(
      checkOsSupport('ubuntu1804', 'glibc-217', paths, OS_VALUES).filter(
        (p) => p.level === 'error',
      ),
    ).toEqual([]);
    expect(
      checkOsSupport('centos7', 'glibc-217', paths, OS_VALUES).filter((p) => p.level === 'error'),
    ).toEqual([]);
    expect(checkOsSupport('ubuntu2204', 'glibc-228', paths, OS_VALUES)).toEqual([]);
  });

  it("warns when the head node's glibc is older than the SQLite module installed here needs", () => {
    const [warning] = checkToolGlibc('alinux2', '2.34', 'Image.Os', OS_VALUES);
    expect(warning?.level).toBe('warning');
    expect(warning?.message).toMatch(
      /alinux2 has glibc 2\.26, and the coordinator's SQLite module as installed here needs 2\.34: .*`stage` runs where .*; or pick --os alinux2023, ubuntu2204/,
    );
    expect(checkToolGlibc('ubuntu2204', '2.34', 'Image.Os', OS_VALUES)).toEqual([]);
    expect(checkToolGlibc('alinux2', undefined, 'Image.Os', OS_VALUES)).toEqual([]);
    // What config init says is read from the modules installed here, not assumed.
    const need = installedToolGlibc();
    const plan = planInit('blender-g4dn', 'v3', {
      ...BASE,
      os: 'alinux2',
      nodeRuntime: 'glibc-217',
    });
    const said = plan.warnings.some((w) => w.includes("the coordinator's SQLite module"));
    expect(said).toBe(need !== undefined && Number(need.split('.')[1]) > 26);
  });
});
