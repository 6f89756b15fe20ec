/**
 * ACL 1.0 request signing (remoting-protocol.md 8): content = the values of all extFields except
 * `Signature`, sorted by key in Java String order (UTF-16 code units: `AccessKey` < `a` < `bname`),
 * concatenated without separators, UTF-8 encoded, followed by the raw body;
 * Signature = Base64(HMAC-SHA1(UTF-8(secretKey), content)).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ExtFields, RemotingCommand } from '../command/remoting-command.js';
import { compareJavaStrings } from '../body/fastjson-writer.js';
import { UNIQUE_KEY_QUERY } from '../headers/query.js';

export const ACCESS_KEY = 'AccessKey';
export const SIGNATURE = 'Signature';
export const SECURITY_TOKEN = 'SecurityToken';

export interface AclCredentials {
  accessKey: string;
  secretKey: string;
  /** Optional STS token; signed when present. */
  securityToken?: string;
}

/** The bytes that are signed: sorted ext field values (minus `Signature` and `skip`) + body. */
export function aclSignContent(
  extFields: ExtFields | null,
  body: Buffer | null,
  skip: ReadonlySet<string> = new Set(),
): Buffer {
  const fields = extFields ?? {};
  let text = '';
  for (const key of Object.keys(fields).sort(compareJavaStrings)) {
    if (key === SIGNATURE || skip.has(key)) continue;
    const value = fields[key];
    if (value !== undefined && value !== null) text += value;
  }
  const head = Buffer.from(text, 'utf8');
  return body === null || body.length === 0 ? head : Buffer.concat([head, body]);
}

/** Base64 HMAC-SHA1 of `content` keyed by the UTF-8 secret. */
export function aclSign(secretKey: string, content: Buffer): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(content).digest('base64');
}

/**
 * A copy of `command` with `AccessKey` (and `SecurityToken`) added and signed over every ext field,
 * `_UNIQUE_KEY_QUERY` included (8.3: the >= 4.9.4 rule).
 */
export function signCommand(command: RemotingCommand, credentials: AclCredentials): RemotingCommand {
  const extFields: ExtFields = { ...(command.extFields ?? {}) };
  delete extFields[SIGNATURE];
  extFields[ACCESS_KEY] = credentials.accessKey;
  if (credentials.securityToken !== undefined) extFields[SECURITY_TOKEN] = credentials.securityToken;
  extFields[SIGNATURE] = aclSign(credentials.secretKey, aclSignContent(extFields, command.body));
  return { ...command, extFields };
}

const SKIP_UNIQUE_KEY_QUERY: ReadonlySet<string> = new Set([UNIQUE_KEY_QUERY]);

/**
 * Checks `Signature` against `secretKey` (the secret of the command's `AccessKey`). Accepts a signature
 * computed with or without `_UNIQUE_KEY_QUERY`: clients up to 4.9.3 did not sign it (8.3).
 */
export function verifyCommandSignature(command: RemotingCommand, secretKey: string): boolean {
  const signature = command.extFields?.[SIGNATURE];
  if (signature === undefined || signature === null) return false;
  if (matches(signature, aclSign(secretKey, aclSignContent(command.extFields, command.body)))) return true;
  if (command.extFields?.[UNIQUE_KEY_QUERY] === undefined) return false;
  const legacy = aclSign(secretKey, aclSignContent(command.extFields, command.body, SKIP_UNIQUE_KEY_QUERY));
  return matches(signature, legacy);
}

function matches(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
