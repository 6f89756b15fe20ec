/**
 * Custom header validation for NameServer processors (remoting-protocol.md 1.11): decoding stays lenient like
 * Java's, then a missing required field or a field whose text does not parse as its declared type gets a
 * SYSTEM_ERROR response naming the field, instead of a crash or a half-processed request.
 */
import {
  createResponse,
  HeaderCodec,
  missingFields,
  missingFieldsRemark,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  RemotingCommand,
  ResponseCode,
} from '@rocketnest/protocol';

export type HeaderCheck<T> = { readonly header: T; readonly error?: undefined } | { readonly error: RemotingCommand };

/**
 * The decoded header, or the error response to send. The header is typed T once its required fields are
 * present: the optional members of every NameServer header type are exactly its non-required fields.
 */
export function checkHeader<T>(request: RemotingCommand, codec: HeaderCodec<T>): HeaderCheck<T> {
  const invalid = invalidFields(request, codec);
  if (invalid.length > 0) {
    const remark = invalid.map(([name, type, text]) => `the custom field <${name}> is not a valid ${type}: "${text}"`);
    return { error: createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: remark.join('; ') }) };
  }
  const header = codec.decode(request.extFields);
  const missing = missingFields(header, codec.required);
  if (missing.length > 0) {
    return { error: createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: missingFieldsRemark(missing) }) };
  }
  return { header: header as T };
}

function invalidFields<T>(request: RemotingCommand, codec: HeaderCodec<T>): Array<[string, string, string]> {
  const invalid: Array<[string, string, string]> = [];
  const ext = request.extFields;
  if (ext === null) return invalid;
  for (const [name, type] of Object.entries(codec.schema) as Array<[string, string]>) {
    const raw: unknown = ext[name];
    if (raw === undefined || raw === null) continue;
    const text = String(raw);
    const ok =
      type === 'int'
        ? parseJavaInt(text) !== undefined
        : type === 'long'
          ? parseJavaLong(text) !== undefined
          : type === 'double'
            ? parseJavaDouble(text) !== undefined
            : true;
    if (!ok) invalid.push([name, type, text]);
  }
  return invalid;
}
