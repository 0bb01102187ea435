import { parse as parseIni } from 'ini';
import { parse as parseYaml } from 'yaml';
import type { ConfigFormat } from './generate.js';
import { NodeRuntimeSchema, type NodeRuntime } from './os-support.js';
import type { Problem } from './problems.js';

/** Key paths of the bootstrap arguments in each format (what `config init` writes). */
export const RUNTIME_ARG_PATH: Record<ConfigFormat, string> = {
  v3: 'HeadNode.CustomActions.OnNodeConfigured.Args',
  v2: '[cluster default] post_install_args',
};

/** The value after `--node-runtime` in a list of bootstrap arguments, if there is one. */
export function runtimeFromArgs(args: readonly string[]): string | undefined {
  const i = args.indexOf('--node-runtime');
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * The Node.js build a config file asks the bootstrap scripts for (`--node-runtime X` in the
 * head node's OnNodeConfigured Args, or the 2.x post_install_args); undefined when it names
 * none (the official build), a problem when it names one that does not exist.
 */
export function readNodeRuntime(
  text: string,
  format: ConfigFormat,
): { runtime?: NodeRuntime; problems: Problem[] } {
  let args: string[] = [];
  try {
    if (format === 'v3') {
      const doc = parseYaml(text) as {
        HeadNode?: { CustomActions?: { OnNodeConfigured?: { Args?: unknown } } };
      } | null;
      const raw = doc?.HeadNode?.CustomActions?.OnNodeConfigured?.Args;
      if (Array.isArray(raw)) args = raw.map(String);
    } else {
      const ini = parseIni(text) as Record<string, Record<string, unknown> | undefined>;
      const raw = ini['cluster default']?.post_install_args;
      if (typeof raw === 'string') args = raw.trim().split(/\s+/);
    }
  } catch {
    return { problems: [] }; // the reader reports a file it cannot parse
  }
  const value = runtimeFromArgs(args);
  if (value === undefined) return { problems: [] };
  const parsed = NodeRuntimeSchema.safeParse(value);
  if (parsed.success) return { runtime: parsed.data, problems: [] };
  return {
    problems: [
      {
        level: 'error',
        path: RUNTIME_ARG_PATH[format],
        message: `--node-runtime "${value}" is not one of ${NodeRuntimeSchema.options.join(', ')}`,
      },
    ],
  };
}
