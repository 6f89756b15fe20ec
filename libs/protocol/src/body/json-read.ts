/**
 * Lenient field readers over a parsed body (remoting-protocol.md 1.12): fastjson accepts numbers for
 * strings, numeric strings for numbers, `"true"` for booleans, enum names in any case and enum ordinals,
 * and ignores unknown members. A missing or unreadable member yields the Java field's initial value.
 */
import { ProtocolError } from '../errors.js';
import { clampLong, parseJavaDouble, parseJavaLong } from './java-number.js';
import { isJsonObject, JsonObject, JsonValue, parseTolerantJson } from './tolerant-json.js';

const EMPTY: JsonObject = Object.freeze(Object.create(null) as JsonObject);

/** Parses a body that must be a JSON object. */
export function parseJsonBody(body: Buffer | string, what: string): JsonObject {
  const value = parseTolerantJson(body);
  if (!isJsonObject(value)) throw new ProtocolError(`${what} body is not a JSON object`);
  return value;
}

export function asObject(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : EMPTY;
}

export function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

export function asOptionalString(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function asString(value: JsonValue | undefined, fallback = ''): string {
  return asOptionalString(value) ?? fallback;
}

export function asOptionalLong(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'bigint') return clampLong(value);
  if (typeof value === 'string') return parseJavaLong(value.trim());
  return undefined;
}

/** int and long fields alike: JS numbers, longs clamped to the safe range. */
export function asLong(value: JsonValue | undefined, fallback = 0): number {
  return asOptionalLong(value) ?? fallback;
}

export const asInt = asLong;

export function asOptionalDouble(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return parseJavaDouble(value);
  return undefined;
}

export function asDouble(value: JsonValue | undefined, fallback = 0): number {
  return asOptionalDouble(value) ?? fallback;
}

export function asOptionalBool(value: JsonValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  if (typeof value === 'number') return value !== 0;
  return undefined;
}

export function asBool(value: JsonValue | undefined, fallback = false): boolean {
  return asOptionalBool(value) ?? fallback;
}

export function asStringArray(value: JsonValue | undefined): string[] {
  return asArray(value)
    .map((item) => asOptionalString(item))
    .filter((item): item is string => item !== undefined);
}

export function asNumberArray(value: JsonValue | undefined): number[] {
  return asArray(value)
    .map((item) => asOptionalLong(item))
    .filter((item): item is number => item !== undefined);
}

/** An object without prototype, so a key such as `__proto__` (a legal topic name) stays data. */
export function newRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A `Map<String, String>` member. */
export function asStringMap(value: JsonValue | undefined): Record<string, string> {
  const out = newRecord<string>();
  for (const [key, item] of Object.entries(asObject(value))) {
    const text = asOptionalString(item);
    if (text !== undefined) out[key] = text;
  }
  return out;
}

/** A `Map<String, T>` member. */
export function asRecord<T>(value: JsonValue | undefined, read: (item: JsonValue) => T): Record<string, T> {
  const out = newRecord<T>();
  for (const [key, item] of Object.entries(asObject(value))) out[key] = read(item);
  return out;
}

/** Enum by name (any case) or ordinal; undefined when neither matches (Java: null). */
export function asEnum<T extends string>(names: readonly T[], value: JsonValue | undefined): T | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return names[Number(value)];
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  const byName = names.find((name) => name === upper);
  if (byName !== undefined) return byName;
  return /^\d+$/.test(value) ? names[Number(value)] : undefined;
}
