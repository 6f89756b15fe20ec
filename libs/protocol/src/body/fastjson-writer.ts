/**
 * JSON writer matching fastjson 1.2.x output (remoting-protocol.md 1.12, Appendix C), in two modes:
 *   - `standard` (our default, BrowserCompatible + MapSortField): every key quoted, a non-string map key
 *     written as the JSON string of its text (`"0"`, `"{\"brokerName\":...}"`), non-ASCII as `\uXXXX`
 *     (upper-case hex), `/` as `\/`, integers beyond ±(2^53 - 1) as strings;
 *   - `legacy` (what Java namesrvs send to old clients): number and object map keys written bare.
 * In both modes bean members (plain objects) are sorted by name in Java String order, undefined/null
 * members are omitted, map entries are sorted (numbers numerically, strings in Java order, object keys by
 * their text), and Java doubles (wrapped in JsonDouble) always carry a fraction: `0.0`.
 */
import { javaDoubleToString } from './java-number.js';

export type JsonMode = 'standard' | 'legacy';

/** A Java `double`/`float` value: written `0.0`, `1.5`, `1.0E7`; NaN and infinities as null. */
export class JsonDouble {
  constructor(readonly value: number) {}
}

export function jsonDouble(value: number): JsonDouble {
  return new JsonDouble(value);
}

export type JsonWritable =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | JsonDouble
  | readonly JsonWritable[]
  | JsonWritableMap
  | JsonWritableBean;

/** A Java bean: members sorted, null members omitted. */
export interface JsonWritableBean {
  readonly [member: string]: JsonWritable;
}

/** A Java map: keys may be strings, longs or beans (MessageQueue). */
export type JsonWritableMap = ReadonlyMap<JsonMapKey, JsonWritable>;
export type JsonMapKey = string | number | bigint | JsonWritableBean;

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

export function writeFastjson(value: JsonWritable, mode: JsonMode = 'standard'): string {
  return write(value, mode) ?? 'null';
}

/** A body: the UTF-8 bytes of `writeFastjson`. */
export function encodeJsonBody(value: JsonWritable, mode: JsonMode = 'standard'): Buffer {
  return Buffer.from(writeFastjson(value, mode), 'utf8');
}

/** Writes a value, or returns undefined for a member that must be omitted. */
function write(value: JsonWritable, mode: JsonMode): string | undefined {
  if (value === undefined || value === null) return undefined;
  switch (typeof value) {
    case 'string':
      return quote(value, mode);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return writeNumber(value, mode);
    case 'bigint':
      return writeBigInt(value, mode);
  }
  if (value instanceof JsonDouble) {
    return Number.isFinite(value.value) ? javaDoubleToString(value.value) : 'null';
  }
  if (isArray(value)) return `[${value.map((item) => write(item, mode) ?? 'null').join(',')}]`;
  if (value instanceof Map) return writeMap(value as JsonWritableMap, mode);
  return writeBean(value as JsonWritableBean, mode);
}

function isArray(value: unknown): value is readonly JsonWritable[] {
  return Array.isArray(value);
}

function writeNumber(value: number, mode: JsonMode): string {
  if (!Number.isFinite(value)) return 'null';
  if (!Number.isInteger(value)) return javaDoubleToString(value);
  if (Number.isSafeInteger(value)) return String(value);
  return writeBigInt(BigInt(value), mode);
}

function writeBigInt(value: bigint, mode: JsonMode): string {
  const text = value.toString();
  return mode === 'standard' && (value > SAFE_MAX || value < -SAFE_MAX) ? `"${text}"` : text;
}

function writeBean(bean: JsonWritableBean, mode: JsonMode): string {
  const parts: string[] = [];
  for (const name of Object.keys(bean).sort(compareJavaStrings)) {
    const member = write(bean[name], mode);
    if (member !== undefined) parts.push(`${quote(name, mode)}:${member}`);
  }
  return `{${parts.join(',')}}`;
}

interface WrittenEntry {
  readonly key: JsonMapKey;
  readonly keyText: string;
  readonly value: string;
}

function writeMap(map: JsonWritableMap, mode: JsonMode): string {
  const entries: WrittenEntry[] = [];
  for (const [key, raw] of map) {
    const value = write(raw, mode);
    if (value === undefined) continue;
    entries.push({ key, keyText: writeKey(key, mode), value });
  }
  entries.sort(compareEntries);
  return `{${entries.map((entry) => `${entry.keyText}:${entry.value}`).join(',')}}`;
}

function writeKey(key: JsonMapKey, mode: JsonMode): string {
  if (typeof key === 'string') return quote(key, mode);
  const text = typeof key === 'object' ? writeBean(key, mode) : typeof key === 'bigint' ? key.toString() : String(key);
  return mode === 'legacy' ? text : quote(text, mode);
}

function compareEntries(a: WrittenEntry, b: WrittenEntry): number {
  const ka = a.key;
  const kb = b.key;
  if ((typeof ka === 'number' || typeof ka === 'bigint') && (typeof kb === 'number' || typeof kb === 'bigint')) {
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  if (typeof ka === 'string' && typeof kb === 'string') return compareJavaStrings(ka, kb);
  return compareJavaStrings(a.keyText, b.keyText);
}

/** Java `String.compareTo`: UTF-16 code units. */
export function compareJavaStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const HEX = '0123456789ABCDEF';

function unicodeEscape(code: number): string {
  return `\\u${HEX[(code >> 12) & 15]}${HEX[(code >> 8) & 15]}${HEX[(code >> 4) & 15]}${HEX[code & 15]}`;
}

function quote(text: string, mode: JsonMode): string {
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let escaped: string | undefined;
    if (code === 0x22) escaped = '\\"';
    else if (code === 0x5c) escaped = '\\\\';
    else if (code < 0x20) escaped = controlEscape(code);
    else if (mode === 'standard' && code === 0x2f) escaped = '\\/';
    else if (mode === 'standard' && code > 0x7e) escaped = unicodeEscape(code);
    if (escaped === undefined) continue;
    out += text.slice(chunkStart, i) + escaped;
    chunkStart = i + 1;
  }
  return `${out}${text.slice(chunkStart)}"`;
}

function controlEscape(code: number): string {
  switch (code) {
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      return unicodeEscape(code);
  }
}
