import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker, BrokerOptions } from '@rocketnest/broker';
import {
  ExtFields,
  RemotingCommand,
  SerializeType,
  createRequest,
  encodeHeartbeatData,
  buildSubscriptionData,
  RequestCode,
  encodePullMessageRequestHeader,
  PullSysFlag,
  decodeStoredMessages,
  MessageExt,
  encodeSendMessageRequestHeaderV2,
  encodeProperties,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';

/** A broker in a temp folder on an ephemeral port, and a raw remoting client to talk to it. */
export interface BrokerFixture {
  broker: Broker;
  client: RemotingClient;
  addr: string;
  dataDir: string;
  invoke(
    code: number,
    extFields?: ExtFields | null,
    body?: Buffer | null,
    serializeType?: SerializeType,
  ): Promise<RemotingCommand>;
  /** Stops the broker (clean) and keeps the folder, for restart tests. */
  stopBroker(): Promise<void>;
  restart(options?: BrokerOptions): Promise<void>;
  close(): Promise<void>;
}

export async function startBrokerFixture(options: BrokerOptions = {}): Promise<BrokerFixture> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-broker-'));
  const base: BrokerOptions = { host: '127.0.0.1', port: 0, dataDir, ...options };
  let broker = await Broker.start(base);
  const client = new RemotingClient({ invokeTimeoutMs: 5000 });
  const fixture: BrokerFixture = {
    get broker() {
      return broker;
    },
    client,
    get addr() {
      return broker.brokerAddr;
    },
    dataDir,
    invoke(code, extFields = null, body = null, serializeType = SerializeType.JSON) {
      return client.invoke(broker.brokerAddr, createRequest(code, { extFields, body, serializeType }), 5000);
    },
    async stopBroker() {
      await client.closeConnection(broker.brokerAddr);
      await broker.shutdown();
    },
    async restart(more = {}) {
      broker = await Broker.start({ ...base, ...more });
    },
    async close() {
      await client.shutdown();
      await broker.shutdown();
      await rm(dataDir, { recursive: true, force: true });
    },
  } as BrokerFixture;
  return fixture;
}

/** SEND_MESSAGE_V2 header fields for a plain message. */
export function sendHeaderV2(topic: string, queueId: number, properties: Record<string, string> = {}): ExtFields {
  return encodeSendMessageRequestHeaderV2({
    producerGroup: 'test-producer',
    topic,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    flag: 0,
    properties: encodeProperties(properties),
  });
}

export function heartbeatBody(
  clientID: string,
  group: string,
  topics: Record<string, string>,
  messageModel: 'CLUSTERING' | 'BROADCASTING' = 'CLUSTERING',
): Buffer {
  return encodeHeartbeatData({
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        subscriptionDataSet: Object.entries(topics).map(([topic, expression]) =>
          buildSubscriptionData(topic, expression, { subVersion: 1 }),
        ),
        unitMode: false,
      },
    ],
  });
}

export interface PullOptions {
  suspendMs?: number;
  maxMsgNums?: number;
  subscription?: string;
  commitOffset?: number;
}

export function pullHeader(
  group: string,
  topic: string,
  queueId: number,
  offset: number,
  options: PullOptions = {},
): ExtFields {
  let sysFlag = 0;
  if (options.suspendMs !== undefined) sysFlag |= PullSysFlag.SUSPEND;
  if (options.subscription !== undefined) sysFlag |= PullSysFlag.SUBSCRIPTION;
  if (options.commitOffset !== undefined) sysFlag |= PullSysFlag.COMMIT_OFFSET;
  return encodePullMessageRequestHeader({
    consumerGroup: group,
    topic,
    queueId,
    queueOffset: offset,
    maxMsgNums: options.maxMsgNums ?? 32,
    sysFlag,
    commitOffset: options.commitOffset ?? 0,
    suspendTimeoutMillis: options.suspendMs ?? 0,
    subscription: options.subscription,
    subVersion: 0,
  });
}

export function decodePulled(response: RemotingCommand): MessageExt[] {
  return response.body === null ? [] : decodeStoredMessages(response.body);
}

export { RequestCode };
