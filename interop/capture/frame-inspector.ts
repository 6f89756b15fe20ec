/*
 * Reads just enough of a captured remoting frame to label it (remoting-protocol.md §1.2, §1.4, §1.5):
 *   int32 length | int32 (serType << 24 | headerLen) | header | body
 * JSON header (serType 0): fastjson object with code, language, version, opaque, flag, remark?, extFields?.
 * ROCKETMQ header (serType 1): code:int16 | language:int8 | version:int16 | opaque:int32 | flag:int32 |
 *   remarkLen:int32 remark | extLen:int32 { keyLen:int16 key | valLen:int32 val }*
 * Independent of libs/protocol on purpose: fixtures must not be produced by the codec they will test.
 */

export interface FrameSummary {
  readonly serializeType: 'JSON' | 'ROCKETMQ';
  readonly code: number;
  readonly language: string;
  readonly version: number;
  readonly opaque: number;
  readonly flag: number;
  readonly remark: string | null;
  readonly extFields: Readonly<Record<string, string>>;
  readonly headerLength: number;
  readonly bodyLength: number;
  /** The JSON header as sent (JSON frames only). */
  readonly headerJson: unknown;
}

export class FrameInspectError extends Error {
  override readonly name = 'FrameInspectError';
}

const LANGUAGES = [
  'JAVA',
  'CPP',
  'DOTNET',
  'PYTHON',
  'DELPHI',
  'ERLANG',
  'RUBY',
  'OTHER',
  'HTTP',
  'GO',
  'PHP',
  'OMS',
  'RUST',
  'NODE_JS',
];

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameInspectError('JSON header is not an object');
  }
  return value as Record<string, unknown>;
}

function stringFields(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const out: Record<string, string> = {};
  for (const [key, field] of Object.entries(asRecord(value))) {
    if (field !== null && field !== undefined) out[key] = String(field);
  }
  return out;
}

export function inspectFrame(frame: Buffer): FrameSummary {
  if (frame.length < 8) throw new FrameInspectError(`frame of ${frame.length} bytes`);
  const length = frame.readInt32BE(0);
  if (length + 4 !== frame.length) throw new FrameInspectError(`length field ${length} for ${frame.length} bytes`);
  const second = frame.readInt32BE(4);
  const serType = (second >>> 24) & 0xff;
  const headerLength = second & 0xffffff;
  const header = frame.subarray(8, 8 + headerLength);
  const bodyLength = frame.length - 8 - headerLength;
  if (serType === 0) {
    const json: unknown = JSON.parse(header.toString('utf8'));
    const record = asRecord(json);
    return {
      serializeType: 'JSON',
      code: Number(record.code),
      language: String(record.language),
      version: Number(record.version ?? 0),
      opaque: Number(record.opaque),
      flag: Number(record.flag ?? 0),
      remark: typeof record.remark === 'string' ? record.remark : null,
      extFields: stringFields(record.extFields),
      headerLength,
      bodyLength,
      headerJson: json,
    };
  }
  if (serType !== 1) throw new FrameInspectError(`unknown serialize type ${serType}`);
  let at = 0;
  const code = header.readInt16BE(at);
  at += 2;
  const languageCode = header.readUInt8(at);
  at += 1;
  const version = header.readInt16BE(at);
  at += 2;
  const opaque = header.readInt32BE(at);
  at += 4;
  const flag = header.readInt32BE(at);
  at += 4;
  const remarkLength = header.readInt32BE(at);
  at += 4;
  const remark = remarkLength > 0 ? header.toString('utf8', at, at + remarkLength) : null;
  at += remarkLength;
  const extLength = header.readInt32BE(at);
  at += 4;
  const extEnd = at + extLength;
  const extFields: Record<string, string> = {};
  while (at < extEnd) {
    const keyLength = header.readInt16BE(at);
    at += 2;
    const key = header.toString('utf8', at, at + keyLength);
    at += keyLength;
    const valueLength = header.readInt32BE(at);
    at += 4;
    extFields[key] = header.toString('utf8', at, at + valueLength);
    at += valueLength;
  }
  return {
    serializeType: 'ROCKETMQ',
    code,
    language: LANGUAGES[languageCode] ?? `#${languageCode}`,
    version,
    opaque,
    flag,
    remark,
    extFields,
    headerLength,
    bodyLength,
    headerJson: null,
  };
}

/** Number of stored-message records in a PULL_MESSAGE body (each starts with its int32 totalSize). */
export function countMessages(body: Buffer): number {
  let count = 0;
  let at = 0;
  while (at + 4 <= body.length) {
    const size = body.readInt32BE(at);
    if (size <= 0 || at + size > body.length) break;
    count += 1;
    at += size;
  }
  return count;
}

export function bodyOf(frame: Buffer): Buffer {
  const headerLength = frame.readInt32BE(4) & 0xffffff;
  return frame.subarray(8 + headerLength);
}
