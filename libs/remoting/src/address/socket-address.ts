import { RemotingConnectError } from '@rocketnest/protocol';

export interface SocketAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses "host:port" the way Java's RemotingHelper does: split at the last ':' so bare IPv6 hosts work
 * ("::1:9876"). Brackets ("[::1]:9876") are accepted and removed.
 */
export function parseSocketAddress(addr: string): SocketAddress {
  const colon = addr.lastIndexOf(':');
  const portText = colon < 0 ? '' : addr.slice(colon + 1);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : -1;
  let host = colon < 0 ? '' : addr.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.length === 0 || port < 0 || port > 65535) {
    throw new RemotingConnectError(`invalid address "${addr}": expected host:port`);
  }
  return { host, port };
}

/**
 * "host:port" of a peer as Java prints it. IPv4-mapped IPv6 addresses (a dual-stack listener) are shown as
 * plain IPv4 so they match the addresses clients register with.
 */
export function formatSocketAddress(host: string | undefined, port: number | undefined): string {
  const h = host === undefined ? 'unknown' : host.startsWith('::ffff:') ? host.slice(7) : host;
  return `${h}:${port ?? 0}`;
}
