/** Remarks of the framework's own responses (remoting-protocol.md 1.7); Java's text, kept for log greps. */

/** SYSTEM_BUSY answer when a processor rejects the request (flow control). */
export const REJECT_REQUEST_REMARK = '[REJECTREQUEST]system busy, start flow control for a while';

/** REQUEST_CODE_NOT_SUPPORTED answer; the leading space is Java's. */
export function requestCodeNotSupportedRemark(code: number): string {
  return ` request type ${code} not supported`;
}
