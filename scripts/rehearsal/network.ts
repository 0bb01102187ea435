import { run } from './proc.js';

/** One rehearsal node's place on the network. */
export interface NodeNet {
  name: string;
  /** Its network namespace (`ip netns`). */
  ns: string;
  /** Its address on the rehearsal's subnet. */
  addr: string;
}

/** The subnet the rehearsal's nodes share, like a VPC subnet; nothing in it routes anywhere else. */
export const SUBNET_PREFIX = 24;

/**
 * Lays out the rehearsal's network: a namespace per node with one interface, eth0, on a bridge
 * that lives in a namespace of its own (the subnet's switch). Nothing is added to this host's
 * own namespace, so a node that calls 127.0.0.1 reaches only itself, as on EC2.
 */
export async function createNetwork(
  switchNs: string,
  nodes: NodeNet[],
  log: string,
): Promise<void> {
  const ip = async (...args: string[]) => {
    const r = await run('ip', args, { log, timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  };
  await ip('netns', 'add', switchNs);
  await ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
  await ip('-n', switchNs, 'link', 'set', 'br0', 'up');
  for (const [i, n] of nodes.entries()) {
    await ip('netns', 'add', n.ns);
    // Made in place: eth0 inside the node, its peer on the switch (names never meet this host's).
    await ip(
      'link',
      'add',
      'eth0',
      'netns',
      n.ns,
      'type',
      'veth',
      'peer',
      'name',
      `port${i}`,
      'netns',
      switchNs,
    );
    await ip('-n', switchNs, 'link', 'set', `port${i}`, 'master', 'br0');
    await ip('-n', switchNs, 'link', 'set', `port${i}`, 'up');
    await ip('-n', n.ns, 'addr', 'add', `${n.addr}/${SUBNET_PREFIX}`, 'dev', 'eth0');
    await ip('-n', n.ns, 'link', 'set', 'eth0', 'up');
    await ip('-n', n.ns, 'link', 'set', 'lo', 'up');
  }
}

/** Deletes the namespaces (their interfaces go with them); missing ones are fine. */
export async function destroyNetwork(names: string[], log: string): Promise<void> {
  for (const ns of names) await run('ip', ['netns', 'delete', ns], { log, timeoutMs: 30_000 });
}
