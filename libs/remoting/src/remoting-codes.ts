/**
 * Response codes the remoting framework itself answers with (remoting-protocol.md 1.7 and 3). Local until
 * `ResponseCode` lands in @rocketnest/protocol; the numbers are the wire values.
 */
export const FrameworkResponseCode = {
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
} as const;

/** Java's remark for a processor that rejects the request (flow control). */
export const REJECT_REQUEST_REMARK = '[REJECTREQUEST]system busy, start flow control for a while';

/** Java's remark for an unknown request code; the leading space is Java's. */
export function requestCodeNotSupportedRemark(code: number): string {
  return ` request type ${code} not supported`;
}
