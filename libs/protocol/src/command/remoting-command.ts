import { LanguageName } from './language-code.js';

/** Header serialization type, from the high byte of the frame's second int (remoting-protocol.md 1.2). */
export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** flag bits (remoting-protocol.md 1.7). */
export const FLAG_RESPONSE = 0x1;
export const FLAG_ONEWAY = 0x2;

/**
 * Our version on the wire: V5_0_0 (413). >= 401 gets standard route JSON from Java namesrvs, and stays
 * below 475 so 5.3 servers never answer GO_AWAY semantics we would have to follow (1.10).
 */
export const DEFAULT_CLIENT_VERSION = 413;
/** What our broker and namesrv report: V4_9_8 (409), enough for Java consumers to allow SQL92 (1.10). */
export const DEFAULT_SERVER_VERSION = 409;

export type ExtFields = Record<string, string>;

/** The logical RemotingCommand of remoting-protocol.md 1.3. */
export interface RemotingCommand {
  code: number;
  language: LanguageName;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  /** Custom header fields, always strings (1.11). Null when the header carried none. */
  extFields: ExtFields | null;
  /** Frame body, or null when absent (Java treats 0 bytes as null). */
  body: Buffer | null;
  /** serType the command arrived with, or the one to encode it with. */
  serializeType: SerializeType;
}

let nextOpaque = 0;

/** Process-wide opaque counter, like Java's; wraps within int32. */
export function newOpaque(): number {
  nextOpaque = (nextOpaque + 1) | 0;
  return nextOpaque;
}

export interface CreateRequestOptions {
  extFields?: ExtFields | null;
  body?: Buffer | null;
  oneway?: boolean;
  language?: LanguageName;
  version?: number;
  serializeType?: SerializeType;
  remark?: string | null;
}

export function createRequest(code: number, options: CreateRequestOptions = {}): RemotingCommand {
  return {
    code,
    language: options.language ?? 'JAVA',
    version: options.version ?? DEFAULT_CLIENT_VERSION,
    opaque: newOpaque(),
    flag: options.oneway === true ? FLAG_ONEWAY : 0,
    remark: options.remark ?? null,
    extFields: options.extFields ?? null,
    body: options.body ?? null,
    serializeType: options.serializeType ?? SerializeType.JSON,
  };
}

export interface CreateResponseOptions {
  remark?: string | null;
  extFields?: ExtFields | null;
  body?: Buffer | null;
  version?: number;
  language?: LanguageName;
}

/**
 * A response to `request`: same opaque, RESPONSE flag, and the request's serType (mirrored, as 4.x servers
 * do) except for codes that do not fit a 16-bit binary header (1.6).
 */
export function createResponse(
  request: RemotingCommand,
  code: number,
  options: CreateResponseOptions = {},
): RemotingCommand {
  return {
    code,
    language: options.language ?? 'JAVA',
    version: options.version ?? DEFAULT_SERVER_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark: options.remark ?? null,
    extFields: options.extFields ?? null,
    body: options.body ?? null,
    serializeType: request.code > 0x7fff ? SerializeType.JSON : request.serializeType,
  };
}

export function isResponse(command: RemotingCommand): boolean {
  return (command.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(command: RemotingCommand): boolean {
  return (command.flag & FLAG_ONEWAY) !== 0;
}
