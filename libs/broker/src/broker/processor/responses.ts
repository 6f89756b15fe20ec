import {
  ExtFields,
  RemotingCommand,
  ResponseCode,
  createResponse,
  missingFields,
  missingFieldsRemark,
} from '@rocketnest/protocol';

/** A response carrying only a code and a remark (errors, plain SUCCESS). */
export function reply(request: RemotingCommand, code: number, remark: string | null = null): RemotingCommand {
  return createResponse(request, code, { remark });
}

export function replyWith(
  request: RemotingCommand,
  code: number,
  extFields: ExtFields | null,
  body: Buffer | null = null,
  remark: string | null = null,
): RemotingCommand {
  return createResponse(request, code, { extFields, body, remark });
}

/**
 * The answer to a request missing required header fields, as Java's header decoding failure (a processing
 * exception -> SYSTEM_ERROR naming the field); undefined when nothing is missing.
 */
export function checkRequired<T>(
  request: RemotingCommand,
  header: Partial<T>,
  required: readonly (keyof T & string)[],
): RemotingCommand | undefined {
  const missing = missingFields(header, required);
  return missing.length === 0 ? undefined : reply(request, ResponseCode.SYSTEM_ERROR, missingFieldsRemark(missing));
}
