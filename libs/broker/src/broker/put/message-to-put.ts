import type { PutMessageRequest } from '@rocketnest/store';

/**
 * A message on its way into the store (Java MessageExtBrokerInner): what the put pipeline's steps may
 * rewrite (topic, queue, properties, sysFlag) before the append.
 */
export type MessageToPut = PutMessageRequest & { waitStoreMsgOK: boolean };
