/**
 * `ip:port` host strings <-> the host fields of a stored record (remoting-protocol.md 4.1):
 *   IPv4: address:4 | port:i32       IPv6: address:16 | port:i32
 * Strings carry IPv6 literals without brackets (`::1:10911`): the port follows the last ':'.
 * IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`, what a dual-stack Node server reports for IPv4 peers) are
 * stored as IPv4, as Java's InetAddress does. IPv6 is printed in RFC 5952 form (`::1`, like Node), zone ids
 * are dropped (they have no place on the wire).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ProtocolError } from '../errors.js';

export const IPV4_HOST_BYTES = 8;
export const IPV6_HOST_BYTES = 20;

/** A parsed host. Shared by the cache: never mutate `ip`. */
export interface HostAddress {
  readonly ip: Buffer;
  readonly port: number;
  readonly ipv6: boolean;
}

const CACHE_LIMIT = 1024;
const cache = new Map<string, HostAddress>();

function parseIpv4(text: string, out: Buffer, at: number): void {
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) out[at + i] = Number(parts[i]);
}

/** 16 bytes of a textual IPv6 address already validated by `net.isIPv6`. */
function parseIpv6(text: string): Buffer {
  const out = Buffer.alloc(16);
  const zone = text.indexOf('%');
  let s = zone >= 0 ? text.substring(0, zone) : text;
  let groupCount = 8;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    // A trailing dotted quad fills the last 4 bytes; drop it and the ':' before it (unless part of '::').
    parseIpv4(s.substring(lastColon + 1), out, 12);
    s = s.substring(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.substring(0, s.length - 1);
    groupCount = 6;
  }
  const gap = s.indexOf('::');
  const head = gap >= 0 ? s.substring(0, gap) : s;
  const tail = gap >= 0 ? s.substring(gap + 2) : '';
  const headGroups = head.length > 0 ? head.split(':') : [];
  const tailGroups = tail.length > 0 ? tail.split(':') : [];
  headGroups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  const tailStart = groupCount - tailGroups.length;
  tailGroups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), (tailStart + i) * 2));
  return out;
}

function isIpv4Mapped(ip: Buffer): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

function parseUncached(host: string): HostAddress {
  const colon = host.lastIndexOf(':');
  const portText = host.substring(colon + 1);
  if (colon <= 0 || !/^\d{1,5}$/.test(portText)) throw new ProtocolError(`invalid host address "${host}"`);
  const port = Number(portText);
  if (port > 0xffff) throw new ProtocolError(`invalid port in host address "${host}"`);
  let ipText = host.substring(0, colon);
  if (ipText.startsWith('[') && ipText.endsWith(']')) ipText = ipText.substring(1, ipText.length - 1);
  if (isIPv4(ipText)) {
    const ip = Buffer.alloc(4);
    parseIpv4(ipText, ip, 0);
    return Object.freeze({ ip, port, ipv6: false });
  }
  if (isIPv6(ipText)) {
    const ip = parseIpv6(ipText);
    if (isIpv4Mapped(ip)) return Object.freeze({ ip: Buffer.from(ip.subarray(12)), port, ipv6: false });
    return Object.freeze({ ip, port, ipv6: true });
  }
  throw new ProtocolError(`host address "${host}" is not an IPv4 or IPv6 literal`);
}

/**
 * Parses `ip:port` (IPv6 without brackets; brackets tolerated). Results are cached, so the put path does not
 * re-parse the same born/store host. Throws ProtocolError for anything but an IP literal and a port.
 */
export function parseHostAddress(host: string): HostAddress {
  const hit = cache.get(host);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(host);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(host, parsed);
  return parsed;
}

/** Bytes of the host field for this host string: 8 (IPv4) or 20 (IPv6). */
export function hostFieldLength(host: string): number {
  return parseHostAddress(host).ipv6 ? IPV6_HOST_BYTES : IPV4_HOST_BYTES;
}

/** Writes address + port at `offset`; returns the bytes written (8 or 20). */
export function writeHostAddress(address: HostAddress, target: Buffer, offset: number): number {
  target.set(address.ip, offset);
  target.writeInt32BE(address.port | 0, offset + address.ip.length);
  return address.ip.length + 4;
}

/** Text form of 4 or 16 address bytes at `offset`. */
export function formatIp(buf: Uint8Array, offset: number, ipv6: boolean): string {
  if (!ipv6) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((buf[offset + i] << 8) | buf[offset + i + 1]);
  // RFC 5952: the longest run (>= 2) of zero groups, the first one on a tie, becomes '::'.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]): string => list.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** `ip:port` of the host field at `offset` (port is the int that follows the address). */
export function formatHostAddress(buf: Buffer, offset: number, ipv6: boolean): string {
  return `${formatIp(buf, offset, ipv6)}:${buf.readInt32BE(offset + (ipv6 ? 16 : 4))}`;
}
