import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Listen addresses that mean "every interface": no other host can be told to call them. */
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The interface of the IPv4 default route, read from /proc/net/route (`Destination` 00000000),
 * or undefined when there is none (a private subnet without a gateway, a test namespace).
 */
export function defaultRouteInterface(routeTable?: string): string | undefined {
  let text = routeTable;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/net/route', 'utf8');
    } catch {
      return undefined;
    }
  }
  for (const line of text.split('\n').slice(1)) {
    const [iface, destination] = line.trim().split(/\s+/);
    if (iface && destination === '00000000') return iface;
  }
  return undefined;
}

/**
 * The address other hosts should use to reach a server listening on `listenHost`. A specific
 * host is its own answer. A wildcard becomes this host's own IPv4 address: the one on the
 * default route's interface, else the first non-loopback one, else 127.0.0.1 (a host alone).
 * Compute nodes call what this returns, so a loopback address there would make them call
 * themselves.
 */
export function advertisedHost(
  listenHost: string,
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
  routeInterface: string | undefined = defaultRouteInterface(),
): string {
  if (!WILDCARDS.has(listenHost)) return listenHost;
  const ipv4 = (name: string) =>
    (interfaces[name] ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;
  const onRoute = routeInterface ? ipv4(routeInterface) : undefined;
  if (onRoute) return onRoute;
  for (const name of Object.keys(interfaces)) {
    const address = ipv4(name);
    if (address) return address;
  }
  return '127.0.0.1';
}
