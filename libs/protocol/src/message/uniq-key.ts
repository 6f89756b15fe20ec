/**
 * Client unique message id, the `UNIQ_KEY` property (remoting-protocol.md 6.2), upper-case hex:
 *   ip:4|16 | pid:u16 | loaderHash:i32 | msSinceMonthStart:i32 | counter:u16   -> 32 or 56 characters
 * The prefix (ip, pid, hash) is fixed per process. The time is counted from the start of the current month in
 * local time, as Java `MessageClientIDSetter` does; `nearlyTimeFromUniqKey` inverts it for query windows.
 * Readers must treat a UNIQ_KEY as an opaque string (other clients differ in case).
 */
import { randomInt } from 'node:crypto';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIPv4, isIPv6 } from 'node:net';
import { ProtocolError } from '../errors.js';
import { parseHostAddress } from './host-address.js';

export interface UniqKeyGeneratorOptions {
  /** Address bytes (4 or 16) or an IP literal; default chosen from the network interfaces (6.2). */
  ip?: Uint8Array | string;
  /** Process id, truncated to 16 bits; default `process.pid`. */
  pid?: number;
  /** Stand-in for Java's class-loader hash code; default a random int. */
  hash?: number;
  /** Clock in epoch ms; default `Date.now`. */
  now?: () => number;
  /** First counter value (wraps at 16 bits). */
  counter?: number;
}

export interface ResolvedUniqKeyGeneratorOptions {
  readonly ip: Buffer;
  readonly pid: number;
  readonly hash: number;
  readonly now: () => number;
  readonly counter: number;
}

export const DEFAULT_UNIQ_KEY_GENERATOR_OPTIONS: Readonly<Pick<Required<UniqKeyGeneratorOptions>, 'now' | 'counter'>> =
  Object.freeze({ now: (): number => Date.now(), counter: 0 });

type Interfaces = Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>;

function isPrivateV4(b: Buffer): boolean {
  return (
    b[0] === 10 ||
    b[0] === 127 ||
    (b[0] === 172 && b[1] >= 16 && b[1] <= 31) ||
    (b[0] === 192 && b[1] === 168) ||
    (b[0] === 169 && b[1] === 254)
  );
}

function isUsableV4(b: Buffer): boolean {
  return b[0] >= 1 && b[0] <= 223;
}

function isPublicV6(b: Buffer): boolean {
  if (b.every((x) => x === 0) || (b.subarray(0, 15).every((x) => x === 0) && b[15] === 1)) return false;
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return false; // link-local fe80::/10
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return false; // site-local fec0::/10
  if ((b[0] & 0xfe) === 0xfc) return false; // unique local fc00::/7
  return b[0] !== 0xff; // multicast
}

/**
 * The address UNIQ_KEY embeds (6.2): the first public IPv4, else the first public IPv6, else a private IPv4
 * (a non-127 one if any); `null` when the host has none.
 */
export function selectUniqKeyIp(interfaces: Interfaces): Buffer | null {
  let publicV6: Buffer | null = null;
  let privateV4: Buffer | null = null;
  for (const name of Object.keys(interfaces)) {
    for (const info of interfaces[name] ?? []) {
      const family = String(info.family);
      if ((family === 'IPv4' || family === '4') && isIPv4(info.address)) {
        const ip = parseHostAddress(`${info.address}:0`).ip;
        if (!isUsableV4(ip)) continue;
        if (!isPrivateV4(ip)) return Buffer.from(ip);
        if (privateV4 === null || privateV4[0] === 127) privateV4 = Buffer.from(ip);
      } else if ((family === 'IPv6' || family === '6') && isIPv6(info.address) && publicV6 === null) {
        const parsed = parseHostAddress(`${info.address}:0`);
        if (parsed.ipv6 && isPublicV6(parsed.ip)) publicV6 = Buffer.from(parsed.ip);
      }
    }
  }
  return publicV6 ?? privateV4;
}

function fakeIp(): Buffer {
  const ip = Buffer.alloc(4);
  ip.writeUInt32BE(Date.now() % 4294967296);
  return ip;
}

function resolveIp(ip: Uint8Array | string | undefined): Buffer {
  if (ip === undefined) return selectUniqKeyIp(networkInterfaces()) ?? fakeIp();
  if (typeof ip === 'string') return Buffer.from(parseHostAddress(`${ip}:0`).ip);
  if (ip.length !== 4 && ip.length !== 16)
    throw new ProtocolError(`UNIQ_KEY ip must be 4 or 16 bytes, got ${ip.length}`);
  return Buffer.from(ip);
}

export function resolveUniqKeyGeneratorOptions(options: UniqKeyGeneratorOptions = {}): ResolvedUniqKeyGeneratorOptions {
  return Object.freeze({
    ip: resolveIp(options.ip),
    pid: (options.pid ?? process.pid) & 0xffff,
    hash: (options.hash ?? randomInt(-0x80000000, 0x80000000)) | 0,
    now: options.now ?? DEFAULT_UNIQ_KEY_GENERATOR_OPTIONS.now,
    counter: (options.counter ?? DEFAULT_UNIQ_KEY_GENERATOR_OPTIONS.counter) & 0xffff,
  });
}

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(digits, '0');
}

function monthStart(epochMs: number, monthDelta: number): number {
  const d = new Date(epochMs);
  return new Date(d.getFullYear(), d.getMonth() + monthDelta, 1).getTime();
}

/** Generates UNIQ_KEYs for one process (or, in tests, one injected identity and clock). */
export class UniqKeyGenerator {
  /** Fixed hex prefix: ip, pid and hash. */
  readonly prefix: string;
  private readonly now: () => number;
  private counter: number;
  private startTime = 0;
  private nextStartTime = 0;

  constructor(options: UniqKeyGeneratorOptions = {}) {
    const resolved = resolveUniqKeyGeneratorOptions(options);
    this.prefix = resolved.ip.toString('hex').toUpperCase() + hex(resolved.pid, 4) + hex(resolved.hash, 8);
    this.now = resolved.now;
    this.counter = resolved.counter;
  }

  next(): string {
    const current = this.now();
    if (current >= this.nextStartTime) {
      this.startTime = monthStart(current, 0);
      this.nextStartTime = monthStart(current, 1);
    }
    let diff = current - this.startTime;
    // Java forces small negative spans (clock stepped back across the month start) to 0.
    if (diff < 0 && diff > -1_000_000) diff = 0;
    const counter = this.counter;
    this.counter = (counter + 1) & 0xffff;
    return this.prefix + hex(diff, 8) + hex(counter, 4);
  }
}

let defaultGenerator: UniqKeyGenerator | null = null;

/** A new UNIQ_KEY from the process-wide generator (created on first use). */
export function createUniqKey(): string {
  defaultGenerator ??= new UniqKeyGenerator();
  return defaultGenerator.next();
}

/**
 * Approximate creation time of a UNIQ_KEY (Java `getNearlyTimeFromID`): its month offset added to the start
 * of the current local month, or of the previous one when that would not be in the past. Throws
 * ProtocolError unless the key is 32 or 56 hex characters.
 */
export function nearlyTimeFromUniqKey(key: string, now: number = Date.now()): number {
  if ((key.length !== 32 && key.length !== 56) || !/^[0-9a-fA-F]*$/.test(key))
    throw new ProtocolError(`invalid UNIQ_KEY "${key}": expected 32 or 56 hex characters`);
  const ipLength = key.length === 56 ? 16 : 4;
  const spanMs = Buffer.from(key, 'hex').readUInt32BE(ipLength + 6);
  let start = monthStart(now, 0);
  if (start + spanMs >= now) start = monthStart(now, -1);
  return start + spanMs;
}
