import { readFile } from 'node:fs/promises';
import {
  ExtFields,
  RemotingCommand,
  decodeFrame,
  decodeStoredMessage,
  encodeHeartbeatData,
  MessageExt,
  newOpaque,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { BrokerFixture } from './broker-fixture.js';

const FIXTURES = new URL('../../../../interop/fixtures/', import.meta.url);

/** A frame captured from Apache RocketMQ 5.5.0 / its Java client (interop/fixtures/<name>.json). */
export async function capturedFrame(name: string): Promise<RemotingCommand> {
  const fixture = JSON.parse(await readFile(new URL(`${name}.json`, FIXTURES), 'utf8')) as { hex: string };
  return decodeFrame(Buffer.from(fixture.hex, 'hex'));
}

/** The captured request with our values in some header fields and a fresh opaque, ready to send again. */
export function replay(frame: RemotingCommand, patch: ExtFields = {}, body?: Buffer | null): RemotingCommand {
  return {
    ...frame,
    opaque: newOpaque(),
    extFields: { ...frame.extFields, ...patch },
    body: body === undefined ? frame.body : body,
  };
}

/** A heartbeat that registers `clientID` as a member of producer `group` only. */
export function producerHeartbeat(clientID: string, group: string): Buffer {
  return encodeHeartbeatData({ clientID, producerDataSet: [{ groupName: group }], consumerDataSet: [] });
}

/** A second raw client (its own connection) to the fixture's broker. */
export function extraClient(clients: RemotingClient[]): RemotingClient {
  const client = new RemotingClient({ invokeTimeoutMs: 5000 });
  clients.push(client);
  return client;
}

/** Every record of one queue, read straight from the store. */
export async function queueMessages(f: BrokerFixture, topic: string, queueId: number): Promise<MessageExt[]> {
  const { store } = f.broker;
  await store.waitDispatched();
  const out: MessageExt[] = [];
  let offset = store.getMinOffsetInQueue(topic, queueId);
  const max = store.getMaxOffsetInQueue(topic, queueId);
  while (offset < max) {
    const result = await store.getMessage('test', topic, queueId, offset, 32);
    for (const buffer of result.messageBuffers) out.push(decodeStoredMessage(buffer));
    if (result.nextBeginOffset <= offset) break;
    offset = result.nextBeginOffset;
  }
  return out;
}

/** Next offset of a queue once everything written so far is dispatched. */
export async function maxOffset(f: BrokerFixture, topic: string, queueId: number): Promise<number> {
  await f.broker.store.waitDispatched();
  return f.broker.store.getMaxOffsetInQueue(topic, queueId);
}
