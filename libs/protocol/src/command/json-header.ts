/**
 * JSON header (serType 0), remoting-protocol.md 1.4.
 * Encoding mirrors fastjson's output (keys in alphabetical order, nulls omitted) so golden byte tests hold;
 * decoding is as lenient as fastjson: any key order, unknown keys, missing fields, non-string extFields
 * values, language names in any case or as ordinals.
 */
import { ProtocolError } from '../errors.js';
import { parseLanguage } from './language-code.js';
import { ExtFields, RemotingCommand, SerializeType } from './remoting-command.js';

export function encodeJsonHeader(command: RemotingCommand): string {
  let out = `{"code":${command.code | 0}`;
  if (command.extFields !== null) out += `,"extFields":${stringifyExtFields(command.extFields)}`;
  out += `,"flag":${command.flag | 0},"language":"${command.language}","opaque":${command.opaque | 0}`;
  if (command.remark !== null) out += `,"remark":${JSON.stringify(command.remark)}`;
  out += `,"serializeTypeCurrentRPC":"JSON","version":${command.version | 0}}`;
  return out;
}

function stringifyExtFields(fields: ExtFields): string {
  // Fast path (every value a string, as our own headers are): the native stringify writes the same bytes
  // in the same key order, twice as fast as building it field by field.
  let allStrings = true;
  for (const key in fields) {
    if (typeof fields[key] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings) return JSON.stringify(fields);
  let out = '{';
  let first = true;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(String(value))}`;
    first = false;
  }
  return out + '}';
}

export function decodeJsonHeader(text: string): Omit<RemotingCommand, 'body'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError('undecodable JSON header', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('JSON header is not an object');
  }
  const raw = parsed as Record<string, unknown>;
  return {
    code: readInt(raw['code'], 'code', true),
    language: parseLanguage(raw['language']),
    version: readInt(raw['version'], 'version', false),
    opaque: readInt(raw['opaque'], 'opaque', false),
    flag: readInt(raw['flag'], 'flag', false),
    remark: typeof raw['remark'] === 'string' ? raw['remark'] : null,
    extFields: readExtFields(raw['extFields']),
    serializeType: SerializeType.JSON,
    // Set by the frame decoder; present here so every command object has one shape.
    body: null,
  } as Omit<RemotingCommand, 'body'>;
}

function readInt(value: unknown, field: string, required: boolean): number {
  if (value === undefined || value === null) {
    if (required) throw new ProtocolError(`JSON header has no ${field}`);
    return 0;
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ProtocolError(`JSON header ${field} is not an integer`);
  return n | 0;
}

function readExtFields(value: unknown): ExtFields | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ProtocolError('JSON header extFields is not an object');
  const raw = value as Record<string, unknown>;
  // Fast path: Java peers send strings only; the parsed object is used as is.
  let allStrings = true;
  for (const key in raw) {
    if (typeof raw[key] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings) return raw as ExtFields;
  const fields: ExtFields = {};
  for (const [key, v] of Object.entries(raw)) {
    if (v === null || v === undefined) continue;
    // ali-ons sends numbers and booleans; Java turns them into their string form.
    fields[key] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return fields;
}
