import type { RemotingCommand } from '@rocketnest/protocol';
import type { RemotingConnection } from '../connection/remoting-connection.js';

/**
 * What a processor returns: the response, or null for "no response now". Null is right for oneway requests
 * and for replies that come later: keep `request` and `ctx` and call `ctx.writeResponse(request, response)`
 * when the answer is ready (long polling, END_TRANSACTION). Returning a promise that settles later works too,
 * but counts as in flight when the server closes.
 */
export type ProcessorResult = RemotingCommand | null | Promise<RemotingCommand | null>;

export type ProcessRequestFn = (request: RemotingCommand, ctx: RemotingConnection) => ProcessorResult;

/**
 * Handles one request code. A throw (or rejected promise) becomes a SYSTEM_ERROR response carrying the error
 * message; `rejectRequest()` returning true answers SYSTEM_BUSY without calling `processRequest` (flow
 * control), as Java's NettyRequestProcessor does.
 */
export interface RemotingProcessor {
  processRequest: ProcessRequestFn;
  rejectRequest?(): boolean;
}

export function toProcessor(processor: RemotingProcessor | ProcessRequestFn): RemotingProcessor {
  return typeof processor === 'function' ? { processRequest: processor } : processor;
}
