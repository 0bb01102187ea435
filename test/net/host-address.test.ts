import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedHost, defaultRouteInterface } from '../../src/net/host-address.js';

const addr = (address: string, internal = false): os.NetworkInterfaceInfo => ({
  address,
  internal,
  family: 'IPv4',
  netmask: '255.255.255.0',
  mac: '00:00:00:00:00:00',
  cidr: `${address}/24`,
});

const ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask',
  'ens6\t0010A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF',
  'ens5\t00000000\t0100000A\t0003\t0\t0\t0\t00000000',
].join('\n');

describe("the coordinator's advertised address", () => {
  it('is the listen address itself when that is a specific host', () => {
    expect(advertisedHost('10.0.0.5', {}, undefined)).toBe('10.0.0.5');
  });

  it("is this host's address on the default route's interface when listening on 0.0.0.0", () => {
    const ifaces = {
      lo: [addr('127.0.0.1', true)],
      ens6: [addr('192.168.16.4')],
      ens5: [addr('10.0.1.23')],
    };
    expect(defaultRouteInterface(ROUTES)).toBe('ens5');
    expect(advertisedHost('0.0.0.0', ifaces, 'ens5')).toBe('10.0.1.23');
  });

  it('is the first non-loopback address when there is no default route (a private subnet)', () => {
    const ifaces = { lo: [addr('127.0.0.1', true)], eth0: [addr('10.231.0.1')] };
    expect(defaultRouteInterface(ROUTES.split('\n').slice(0, 2).join('\n'))).toBeUndefined();
    expect(advertisedHost('0.0.0.0', ifaces, undefined)).toBe('10.231.0.1');
  });

  it('falls back to loopback only on a host with no other address', () => {
    expect(advertisedHost('0.0.0.0', { lo: [addr('127.0.0.1', true)] }, undefined)).toBe(
      '127.0.0.1',
    );
  });
});
