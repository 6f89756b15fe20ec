/**
 * Custom header <-> extFields (remoting-protocol.md 1.11). A header is declared once as a schema
 * (Java field name -> declared type); one generic encoder and decoder serve every header.
 *
 * Encoding: every defined field becomes its Java `toString()` text; undefined/null fields are omitted,
 * except Java primitive fields (declared with a default), which Java always sends.
 * Decoding is as lenient as Java: Integer strict decimal else undefined, Long decimal clamped to the
 * safe-integer range, Boolean = equalsIgnoreCase("true"), Double = Double.parseDouble, BoundaryType =
 * "upper" (any case) else LOWER; missing fields stay undefined (primitives take their default), unknown
 * keys are ignored. Required fields are checked by the handler with `missingFields`.
 */
import type { ExtFields } from '../command/remoting-command.js';
import { javaDoubleToString, parseJavaDouble, parseJavaInt, parseJavaLong } from '../body/java-number.js';

export type HeaderFieldType = 'string' | 'int' | 'long' | 'bool' | 'double' | 'boundary';

/** SEARCH_OFFSET_BY_TIMESTAMP `boundaryType` [5.x]. */
export type BoundaryType = 'LOWER' | 'UPPER';

type FieldTypeFor<V> = [V] extends [boolean]
  ? 'bool'
  : [V] extends [number]
    ? 'int' | 'long' | 'double'
    : [V] extends [BoundaryType]
      ? 'boundary'
      : [V] extends [string]
        ? 'string'
        : never;

/** One entry per field of T, with a wire type that matches the field's TS type. */
export type HeaderSchema<T> = { readonly [K in keyof T]-?: FieldTypeFor<NonNullable<T[K]>> };

export interface HeaderCodecOptions<T> {
  /** Fields a handler must find (validated with `missingFields`, never at decode time). */
  readonly required?: readonly (keyof T & string)[];
  /** Java primitive fields: always sent, and their initial value when absent on decode. */
  readonly primitives?: Partial<T>;
}

export interface HeaderCodec<T> {
  readonly schema: HeaderSchema<T>;
  readonly required: readonly (keyof T & string)[];
  readonly primitives: Partial<T>;
  encode(header: T): ExtFields;
  decode(ext: ExtFields | null | undefined): Partial<T>;
}

export function defineHeader<T>(schema: HeaderSchema<T>, options: HeaderCodecOptions<T> = {}): HeaderCodec<T> {
  const fields = Object.entries(schema) as [keyof T & string, HeaderFieldType][];
  const primitives = Object.freeze({ ...(options.primitives ?? {}) }) as Partial<T>;
  return Object.freeze({
    schema,
    required: Object.freeze([...(options.required ?? [])]),
    primitives,
    encode(header: T): ExtFields {
      const ext: ExtFields = {};
      for (const [name, type] of fields) {
        const value: unknown = header[name] ?? primitives[name];
        if (value === undefined || value === null) continue;
        ext[name] = encodeField(type, value);
      }
      return ext;
    },
    decode(ext: ExtFields | null | undefined): Partial<T> {
      const header: Partial<T> = {};
      for (const [name, type] of fields) {
        const raw: unknown = ext?.[name];
        const value = raw === undefined || raw === null ? undefined : decodeField(type, String(raw));
        const resolved = value ?? primitives[name];
        if (resolved !== undefined) header[name] = resolved as T[keyof T & string];
      }
      return header;
    },
  });
}

function encodeField(type: HeaderFieldType, value: unknown): string {
  if (type === 'double' && typeof value === 'number') return javaDoubleToString(value);
  if (type === 'bool') return value === true ? 'true' : 'false';
  return String(value);
}

function decodeField(type: HeaderFieldType, text: string): string | number | boolean | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'int':
      return parseJavaInt(text);
    case 'long':
      return parseJavaLong(text);
    case 'bool':
      return text.toLowerCase() === 'true';
    case 'double':
      return parseJavaDouble(text);
    case 'boundary':
      return text.toLowerCase() === 'upper' ? 'UPPER' : 'LOWER';
  }
}

/** Names of `required` fields that are undefined in a decoded header, in declaration order. */
export function missingFields<T>(header: Partial<T>, required: readonly (keyof T & string)[]): string[] {
  return required.filter((name) => header[name] === undefined || header[name] === null);
}

/** Narrows a decoded header once its required fields are known to be present. */
export function hasFields<T, K extends keyof T>(
  header: Partial<T>,
  required: readonly K[],
): header is Partial<T> & Required<Pick<T, K>> {
  return required.every((name) => header[name] !== undefined && header[name] !== null);
}

/** The remark Java answers for a missing required field (RemotingCommandException text). */
export function missingFieldsRemark(missing: readonly string[]): string {
  return missing.map((name) => `the custom field <${name}> is null`).join('; ');
}

/** 5.x common request fields (`RpcRequestHeader`/`TopicRequestHeader`, 1.11). */
export interface RpcCommonHeader {
  /** Namespace. */
  ns?: string;
  /** Namespaced. */
  nsd?: boolean;
  /** Target broker name. */
  bname?: string;
  /** Oneway. */
  oway?: boolean;
  /** Logical (static) topic. */
  lo?: boolean;
}

export const RPC_COMMON_SCHEMA: HeaderSchema<RpcCommonHeader> = Object.freeze({
  ns: 'string',
  nsd: 'bool',
  bname: 'string',
  oway: 'bool',
  lo: 'bool',
});
