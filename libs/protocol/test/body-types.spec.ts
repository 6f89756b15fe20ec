import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BrokerData,
  buildSubscriptionData,
  CM_RESULTS,
  CONSUME_FROM_WHERES,
  CONSUME_TYPES,
  ConsumerData,
  createSubscriptionGroupConfig,
  DataVersion,
  decodeCheckClientRequestBody,
  decodeClusterInfo,
  decodeCompressedRegisterBrokerBody,
  decodeConsumeMessageDirectlyResult,
  decodeConsumerConnection,
  decodeConsumerListBody,
  decodeConsumerRunningInfo,
  decodeConsumeStats,
  decodeDataVersion,
  decodeGroupList,
  decodeHeartbeatData,
  decodeKVTable,
  decodeLockBatchRequestBody,
  decodeLockBatchResponseBody,
  decodeMessageQueue,
  decodeProducerConnection,
  decodeQueryConsumeTimeSpanBody,
  decodeRegisterBrokerBody,
  decodeResetOffsetBody,
  decodeSubscriptionData,
  decodeSubscriptionGroupConfig,
  decodeSubscriptionGroupWrapper,
  decodeTopicConfig,
  decodeTopicConfigSerializeWrapper,
  decodeTopicList,
  decodeTopicRouteData,
  decodeTopicStatsTable,
  DEFAULT_SUBSCRIPTION_GROUP_CONFIG,
  encodeCheckClientRequestBody,
  encodeClusterInfo,
  encodeCompressedRegisterBrokerBody,
  encodeConsumeMessageDirectlyResult,
  encodeConsumerConnection,
  encodeConsumerListBody,
  encodeConsumerRunningInfo,
  encodeConsumeStats,
  encodeDataVersion,
  encodeGroupList,
  encodeHeartbeatData,
  encodeKVTable,
  encodeLockBatchRequestBody,
  encodeLockBatchResponseBody,
  encodeMessageQueue,
  encodeProducerConnection,
  encodeQueryConsumeTimeSpanBody,
  encodeRegisterBrokerBody,
  encodeResetOffsetBody,
  encodeResetOffsetBodyForC,
  encodeSubscriptionData,
  encodeSubscriptionGroupConfig,
  encodeSubscriptionGroupWrapper,
  encodeTopicConfig,
  encodeTopicConfigSerializeWrapper,
  encodeTopicList,
  encodeTopicRouteData,
  encodeTopicStatsTable,
  JsonMode,
  JsonValue,
  LANGUAGE_NAMES,
  MESSAGE_MODELS,
  MessageQueue,
  MessageQueueEntries,
  messageQueueKey,
  ProtocolError,
  QueueData,
  RegisterBrokerBody,
  sortMessageQueueEntries,
  SubscriptionData,
  SubscriptionGroupConfig,
  TopicConfig,
  topicConfigFromLine,
  topicConfigToLine,
} from '@rocketnest/protocol';

// ---- arbitraries -----------------------------------------------------------------------------------

const text = fc.string({ unit: 'binary', maxLength: 12 });
const long = fc.maxSafeInteger();
const int = fc.integer();
const double = fc.double({ noNaN: true, noDefaultInfinity: true });
const modes: JsonMode[] = ['standard', 'legacy'];
const mode = fc.constantFrom<JsonMode>(...modes);
const dict = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> => fc.dictionary(text, value, { maxKeys: 3 });

const messageQueue: fc.Arbitrary<MessageQueue> = fc.record({ topic: text, brokerName: text, queueId: int });
const mqEntries = <V>(value: fc.Arbitrary<V>): fc.Arbitrary<MessageQueueEntries<V>> =>
  fc.uniqueArray(fc.tuple(messageQueue, value), { maxLength: 3, selector: ([mq]) => messageQueueKey(mq) });

const subscriptionData: fc.Arbitrary<SubscriptionData> = fc.record({
  topic: text,
  subString: text,
  tagsSet: fc.array(text, { maxLength: 3 }),
  codeSet: fc.array(int, { maxLength: 3 }),
  subVersion: long,
  expressionType: fc.constantFrom('TAG', 'SQL92'),
  classFilterMode: fc.boolean(),
});

const consumerData: fc.Arbitrary<ConsumerData> = fc.record({
  groupName: text,
  consumeType: fc.constantFrom(...CONSUME_TYPES),
  messageModel: fc.constantFrom(...MESSAGE_MODELS),
  consumeFromWhere: fc.constantFrom(...CONSUME_FROM_WHERES),
  subscriptionDataSet: fc.array(subscriptionData, { maxLength: 2 }),
  unitMode: fc.boolean(),
});

const queueData: fc.Arbitrary<QueueData> = fc.record({
  brokerName: text,
  readQueueNums: int,
  writeQueueNums: int,
  perm: int,
  topicSysFlag: int,
});

const brokerData: fc.Arbitrary<BrokerData> = fc.record(
  {
    cluster: text,
    brokerName: text,
    brokerAddrs: fc.dictionary(fc.nat(1000).map(String), text, { maxKeys: 3 }),
    enableActingMaster: fc.boolean(),
    zoneName: text,
  },
  { requiredKeys: ['cluster', 'brokerName', 'brokerAddrs', 'enableActingMaster'] },
);

const dataVersion: fc.Arbitrary<DataVersion> = fc.record(
  { timestamp: long, counter: long, stateVersion: long },
  { requiredKeys: ['timestamp', 'counter'] },
);

const topicConfig: fc.Arbitrary<TopicConfig> = fc.record(
  {
    topicName: text,
    readQueueNums: int,
    writeQueueNums: int,
    perm: int,
    topicFilterType: fc.constantFrom('SINGLE_TAG' as const, 'MULTI_TAG' as const),
    topicSysFlag: int,
    order: fc.boolean(),
    attributes: dict(text),
  },
  {
    requiredKeys: ['topicName', 'readQueueNums', 'writeQueueNums', 'perm', 'topicFilterType', 'topicSysFlag', 'order'],
  },
);

const connection = fc.record({
  clientId: text,
  clientAddr: text,
  language: fc.constantFrom(...LANGUAGE_NAMES),
  version: int,
});

const subscriptionGroupConfig: fc.Arbitrary<SubscriptionGroupConfig> = fc
  .record(
    {
      groupName: text,
      consumeEnable: fc.boolean(),
      consumeFromMinEnable: fc.boolean(),
      consumeBroadcastEnable: fc.boolean(),
      consumeMessageOrderly: fc.boolean(),
      retryQueueNums: int,
      retryMaxTimes: int,
      groupRetryPolicy: fc.constant<JsonValue>({
        type: 'EXPONENTIAL',
        exponentialRetryPolicy: { initial: 1000, max: 60000 },
      }),
      brokerId: long,
      whichBrokerWhenConsumeSlowly: long,
      notifyConsumerIdsChangedEnable: fc.boolean(),
      groupSysFlag: int,
      consumeTimeoutMinute: int,
      subscriptionDataSet: fc.constant<JsonValue[]>([
        { topic: 'T', expression: '*', expressionType: 'TAG', version: 1 },
      ]),
      attributes: dict(text),
    },
    { requiredKeys: ['groupName', 'attributes', 'groupRetryPolicy', 'consumeEnable', 'retryMaxTimes'] },
  )
  .map((partial) => createSubscriptionGroupConfig(partial.groupName, partial));

const processQueueInfo = fc.record({
  commitOffset: long,
  cachedMsgMinOffset: long,
  cachedMsgMaxOffset: long,
  cachedMsgCount: int,
  cachedMsgSizeInMiB: int,
  transactionMsgMinOffset: long,
  transactionMsgMaxOffset: long,
  transactionMsgCount: int,
  locked: fc.boolean(),
  tryUnlockTimes: long,
  lastLockTimestamp: long,
  dropped: fc.boolean(),
  lastPullTimestamp: long,
  lastConsumeTimestamp: long,
});

const consumeStatus = fc.record({
  pullRT: double,
  pullTPS: double,
  consumeRT: double,
  consumeOKTPS: double,
  consumeFailedTPS: double,
  consumeFailedMsgs: long,
});

/** Maps keyed by MessageQueue come back in wire (sorted) order. */
function sorted<T>(value: T, key: keyof T): T {
  return { ...value, [key]: sortMessageQueueEntries(value[key] as MessageQueueEntries<unknown>) };
}

interface Case {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<unknown>;
  readonly roundTrip: (value: unknown, mode: JsonMode) => { decoded: unknown; expected: unknown };
}

function simple<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  encode: (value: T, mode: JsonMode) => Buffer,
  decode: (body: Buffer) => T,
  normalize: (value: T) => unknown = (value) => value,
): Case {
  return {
    name,
    arbitrary,
    roundTrip: (value, m) => ({ decoded: normalize(decode(encode(value as T, m))), expected: normalize(value as T) }),
  };
}

const CASES: Case[] = [
  simple('MessageQueue', messageQueue, encodeMessageQueue, decodeMessageQueue),
  simple(
    'TopicRouteData',
    fc.record(
      {
        orderTopicConf: text,
        queueDatas: fc.array(queueData, { maxLength: 3 }),
        brokerDatas: fc.array(brokerData, { maxLength: 3 }),
        filterServerTable: dict(fc.array(text, { maxLength: 2 })),
      },
      { requiredKeys: ['queueDatas', 'brokerDatas', 'filterServerTable'] },
    ),
    encodeTopicRouteData,
    decodeTopicRouteData,
  ),
  simple(
    'ClusterInfo',
    fc.record({ brokerAddrTable: dict(brokerData), clusterAddrTable: dict(fc.array(text, { maxLength: 3 })) }),
    encodeClusterInfo,
    decodeClusterInfo,
  ),
  simple(
    'TopicList',
    fc.record({ topicList: fc.array(text, { maxLength: 4 }), brokerAddr: text }, { requiredKeys: ['topicList'] }),
    encodeTopicList,
    decodeTopicList,
  ),
  simple('KVTable', fc.record({ table: dict(text) }), encodeKVTable, decodeKVTable),
  simple(
    'ConsumerListBody',
    fc.record({ consumerIdList: fc.array(text) }),
    encodeConsumerListBody,
    decodeConsumerListBody,
  ),
  simple('GroupList', fc.record({ groupList: fc.array(text) }), encodeGroupList, decodeGroupList),
  simple('SubscriptionData', subscriptionData, encodeSubscriptionData, decodeSubscriptionData),
  simple(
    'HeartbeatData',
    fc.record(
      {
        clientID: text,
        producerDataSet: fc.array(fc.record({ groupName: text }), { maxLength: 3 }),
        consumerDataSet: fc.array(consumerData, { maxLength: 2 }),
        heartbeatFingerprint: int,
        withoutSub: fc.boolean(),
      },
      { requiredKeys: ['clientID', 'producerDataSet', 'consumerDataSet'] },
    ),
    encodeHeartbeatData,
    decodeHeartbeatData,
  ),
  simple(
    'LockBatchRequestBody',
    fc.record({
      clientId: text,
      consumerGroup: text,
      mqSet: fc.array(messageQueue, { maxLength: 3 }),
      onlyThisBroker: fc.boolean(),
    }),
    encodeLockBatchRequestBody,
    decodeLockBatchRequestBody,
  ),
  simple(
    'LockBatchResponseBody',
    fc.record({ lockOKMQSet: fc.array(messageQueue, { maxLength: 3 }) }),
    encodeLockBatchResponseBody,
    decodeLockBatchResponseBody,
  ),
  simple('TopicConfig', topicConfig, encodeTopicConfig, decodeTopicConfig),
  simple('DataVersion', dataVersion, encodeDataVersion, decodeDataVersion),
  simple(
    'TopicConfigSerializeWrapper',
    fc.record(
      { topicConfigTable: dict(topicConfig), dataVersion, mappingDataVersion: dataVersion },
      { requiredKeys: ['topicConfigTable', 'dataVersion'] },
    ),
    encodeTopicConfigSerializeWrapper,
    decodeTopicConfigSerializeWrapper,
  ),
  simple(
    'RegisterBrokerBody',
    fc.record({
      topicConfigSerializeWrapper: fc.record({ topicConfigTable: dict(topicConfig), dataVersion }),
      filterServerList: fc.array(text, { maxLength: 2 }),
    }),
    encodeRegisterBrokerBody,
    (body) => decodeRegisterBrokerBody(body),
  ),
  simple(
    'SubscriptionGroupConfig',
    subscriptionGroupConfig,
    encodeSubscriptionGroupConfig,
    decodeSubscriptionGroupConfig,
  ),
  simple(
    'SubscriptionGroupWrapper',
    fc.record({ subscriptionGroupTable: dict(subscriptionGroupConfig), dataVersion }),
    encodeSubscriptionGroupWrapper,
    decodeSubscriptionGroupWrapper,
  ),
  simple(
    'TopicStatsTable',
    fc.record(
      {
        offsetTable: mqEntries(fc.record({ minOffset: long, maxOffset: long, lastUpdateTimestamp: long })),
        topicPutTps: double,
      },
      { requiredKeys: ['offsetTable'] },
    ),
    encodeTopicStatsTable,
    decodeTopicStatsTable,
    (value) => sorted(value, 'offsetTable'),
  ),
  simple(
    'ConsumeStats',
    fc.record({
      offsetTable: mqEntries(
        fc.record({ brokerOffset: long, consumerOffset: long, pullOffset: long, lastTimestamp: long }),
      ),
      consumeTps: double,
    }),
    encodeConsumeStats,
    decodeConsumeStats,
    (value) => sorted(value, 'offsetTable'),
  ),
  simple(
    'ConsumerConnection',
    fc.record(
      {
        connectionSet: fc.array(connection, { maxLength: 3 }),
        subscriptionTable: dict(subscriptionData),
        consumeType: fc.constantFrom(...CONSUME_TYPES),
        messageModel: fc.constantFrom(...MESSAGE_MODELS),
        consumeFromWhere: fc.constantFrom(...CONSUME_FROM_WHERES),
      },
      { requiredKeys: ['connectionSet', 'subscriptionTable'] },
    ),
    encodeConsumerConnection,
    decodeConsumerConnection,
  ),
  simple(
    'ProducerConnection',
    fc.record({ connectionSet: fc.array(connection, { maxLength: 3 }) }),
    encodeProducerConnection,
    decodeProducerConnection,
  ),
  simple(
    'ResetOffsetBody',
    fc.record({ offsetTable: mqEntries(long) }),
    encodeResetOffsetBody,
    decodeResetOffsetBody,
    (value) => sorted(value, 'offsetTable'),
  ),
  simple(
    'ResetOffsetBodyForC',
    fc.record({ offsetTable: mqEntries(long) }),
    encodeResetOffsetBodyForC,
    decodeResetOffsetBody,
  ),
  simple(
    'ConsumerRunningInfo',
    fc.record(
      {
        properties: dict(text),
        subscriptionSet: fc.array(subscriptionData, { maxLength: 2 }),
        mqTable: mqEntries(processQueueInfo),
        statusTable: dict(consumeStatus),
        jstack: text,
        userConsumerInfo: fc.constant({ k: 'v' }),
      },
      { requiredKeys: ['properties', 'subscriptionSet', 'mqTable', 'statusTable'] },
    ),
    encodeConsumerRunningInfo,
    decodeConsumerRunningInfo,
    (value) => sorted(value, 'mqTable'),
  ),
  simple(
    'CheckClientRequestBody',
    fc.record(
      { clientId: text, group: text, subscriptionData, namespace: text },
      { requiredKeys: ['clientId', 'group', 'subscriptionData'] },
    ),
    encodeCheckClientRequestBody,
    decodeCheckClientRequestBody,
  ),
  simple(
    'QueryConsumeTimeSpanBody',
    fc.record({
      consumeTimeSpanSet: fc.array(
        fc.record({
          messageQueue,
          minTimeStamp: long,
          maxTimeStamp: long,
          consumeTimeStamp: long,
          delayTime: long,
        }),
        { maxLength: 3 },
      ),
    }),
    encodeQueryConsumeTimeSpanBody,
    decodeQueryConsumeTimeSpanBody,
  ),
  simple(
    'ConsumeMessageDirectlyResult',
    fc.record(
      {
        order: fc.boolean(),
        autoCommit: fc.boolean(),
        consumeResult: fc.constantFrom(...CM_RESULTS),
        remark: text,
        spentTimeMills: long,
      },
      { requiredKeys: ['order', 'autoCommit', 'spentTimeMills'] },
    ),
    encodeConsumeMessageDirectlyResult,
    decodeConsumeMessageDirectlyResult,
  ),
];

describe('body codecs round-trip', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: decode(encode(x)) = x in both modes', (_name, c) => {
    fc.assert(
      fc.property(c.arbitrary, mode, (value, m) => {
        const { decoded, expected } = c.roundTrip(value, m);
        expect(decoded).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe('buildSubscriptionData', () => {
  it('splits TAG expressions on ||, trims, drops empties and hashes each tag (TV5)', () => {
    const data = buildSubscriptionData('TopicTest', ' TagA ||TagB|| ||TagA', { subVersion: 1 });
    expect(data.tagsSet).toEqual(['TagA', 'TagB']);
    expect(data.codeSet).toEqual([2598919, 2598920]);
    expect(data.subString).toBe(' TagA ||TagB|| ||TagA');
    expect(data.expressionType).toBe('TAG');
    expect(data.classFilterMode).toBe(false);
  });

  it('subscribes to everything with *, an empty or a missing expression', () => {
    for (const expression of ['*', '', null, undefined]) {
      const data = buildSubscriptionData('T', expression, { subVersion: 5 });
      expect(data).toMatchObject({ subString: '*', tagsSet: [], codeSet: [], subVersion: 5 });
    }
  });

  it('keeps SQL92 expressions whole', () => {
    const data = buildSubscriptionData('T', 'a > 1 || b < 2', { expressionType: 'SQL92', subVersion: 1 });
    expect(data).toMatchObject({ subString: 'a > 1 || b < 2', tagsSet: [], codeSet: [], expressionType: 'SQL92' });
  });

  it('refuses an expression made only of separators, as Java does', () => {
    expect(() => buildSubscriptionData('T', '||')).toThrow(ProtocolError);
  });

  it('defaults subVersion to the current time', () => {
    const before = Date.now();
    expect(buildSubscriptionData('T', '*').subVersion).toBeGreaterThanOrEqual(before);
  });
});

describe('lenient body decoding (1.12)', () => {
  it('reads enum names in any case and ordinals; unknown names become undefined', () => {
    const data = decodeHeartbeatData(
      '{"clientID":"c","consumerDataSet":[{"groupName":"g","consumeType":1,"messageModel":"Clustering","consumeFromWhere":"consume_from_first_offset"},{"messageModel":"NOPE"}]}',
    );
    expect(data.consumerDataSet[0]).toMatchObject({
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      subscriptionDataSet: [],
      unitMode: false,
    });
    expect(data.consumerDataSet[1]?.messageModel).toBeUndefined();
    expect(data.producerDataSet).toEqual([]);
    expect(data).not.toHaveProperty('heartbeatFingerprint');
  });

  it('reads numbers for strings, numeric strings for numbers and ignores unknown members', () => {
    const route = decodeTopicRouteData(
      '{"queueDatas":[{"brokerName":7,"readQueueNums":"4","writeQueueNums":4,"perm":6,"extra":[1]}],"brokerDatas":[],"x":{}}',
    );
    expect(route.queueDatas[0]).toEqual({
      brokerName: '7',
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
      topicSysFlag: 0,
    });
    expect(route.filterServerTable).toEqual({});
  });

  it('clamps longs beyond 2^53 in bodies', () => {
    expect(decodeDataVersion('{"timestamp":9223372036854775807,"counter":1}').timestamp).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads connection languages by name or ordinal', () => {
    const connection = decodeProducerConnection(
      '{"connectionSet":[{"clientId":"a","clientAddr":"x","language":"go","version":317},{"language":13}]}',
    );
    expect(connection.connectionSet.map((c) => c.language)).toEqual(['GO', 'NODE_JS']);
  });

  it('fills SubscriptionGroupConfig defaults for missing members', () => {
    const config = decodeSubscriptionGroupConfig('{"groupName":"CG","retryMaxTimes":3,"unknown":1}');
    expect(config).toEqual({ ...DEFAULT_SUBSCRIPTION_GROUP_CONFIG, groupName: 'CG', retryMaxTimes: 3 });
    expect(createSubscriptionGroupConfig('CG', { retryMaxTimes: undefined }).retryMaxTimes).toBe(16);
  });

  it('reads the 4.x ProcessQueueInfo spelling droped', () => {
    const info = decodeConsumerRunningInfo(
      '{"mqTable":{{"brokerName":"b","queueId":1,"topic":"T"}:{"droped":true,"locked":true}},"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY","n":5}}',
    );
    expect(info.mqTable[0]?.[1]).toMatchObject({ dropped: true, locked: true, commitOffset: 0 });
    expect(info.properties).toEqual({ PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY', n: '5' });
  });

  it('rejects a body that is not a JSON object, and a MessageQueue key that is not an object', () => {
    expect(() => decodeTopicRouteData('[1]')).toThrow(ProtocolError);
    expect(() => decodeTopicStatsTable('{"offsetTable":{"nope":{}}}')).toThrow(ProtocolError);
  });
});

describe('ResetOffsetBody forms', () => {
  it('writes the CPP list form and reads it back as entries', () => {
    const body = { offsetTable: [[{ topic: 'T', brokerName: 'b', queueId: 2 }, 42]] as MessageQueueEntries<number> };
    expect(encodeResetOffsetBodyForC(body, 'standard').toString()).toBe(
      '{"offsetTable":[{"brokerName":"b","offset":42,"queueId":2,"topic":"T"}]}',
    );
    expect(encodeResetOffsetBody(body, 'legacy').toString()).toBe(
      '{"offsetTable":{{"brokerName":"b","queueId":2,"topic":"T"}:42}}',
    );
    expect(decodeResetOffsetBody(encodeResetOffsetBodyForC(body))).toEqual(body);
  });
});

describe('RegisterBrokerBody compressed form (2.10.1)', () => {
  const wrapperConfig = (attributes?: Record<string, string>): TopicConfig => ({
    topicName: 'TopicTest',
    readQueueNums: 4,
    writeQueueNums: 8,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    ...(attributes === undefined ? {} : { attributes }),
  });
  const body = (attributes?: Record<string, string>): RegisterBrokerBody => ({
    topicConfigSerializeWrapper: {
      topicConfigTable: { TopicTest: wrapperConfig(attributes), 'a b': { ...wrapperConfig(), topicName: 'Other' } },
      dataVersion: { timestamp: 1700000000000, counter: 5, stateVersion: 0 },
    },
    filterServerList: ['10.0.0.1:1'],
  });

  it('writes TopicConfig lines with and without 5.x attributes', () => {
    expect(topicConfigToLine(wrapperConfig({ '+a': 'b' }), false)).toBe('TopicTest 4 8 6 SINGLE_TAG');
    expect(topicConfigToLine(wrapperConfig({ '+a': 'b' }), true)).toBe('TopicTest 4 8 6 SINGLE_TAG {"+a":"b"}');
    expect(topicConfigToLine(wrapperConfig(), true)).toBe('TopicTest 4 8 6 SINGLE_TAG ');
    expect(topicConfigFromLine('T 1 2 6 MULTI_TAG {"k":"v w"}')?.attributes).toEqual({ k: 'v w' });
    expect(topicConfigFromLine('T 1 2 6 SINGLE_TAG {bad')?.attributes).toBeUndefined();
    expect(topicConfigFromLine('T 1 2 6')).toBeUndefined();
    expect(topicConfigFromLine('T 1 x 6 SINGLE_TAG')).toBeUndefined();
  });

  it('round-trips a 5.x compressed body with attributes and an empty mapping section', () => {
    const encoded = encodeCompressedRegisterBrokerBody(body({ '+k': 'v' }), 413);
    expect(encoded[0]).toBe(0x78);
    const decoded = decodeCompressedRegisterBrokerBody(encoded);
    const expected = body({ '+k': 'v' });
    expected.topicConfigSerializeWrapper.topicQueueMappingInfoMap = {};
    // The line format keeps topics keyed by name; 'a b' was stored under its config's name.
    expected.topicConfigSerializeWrapper.topicConfigTable = {
      TopicTest: wrapperConfig({ '+k': 'v' }),
      Other: { ...wrapperConfig(), topicName: 'Other' },
    };
    expect(decoded).toEqual(expected);
  });

  it('round-trips a 4.x compressed body (no attributes, no mapping section)', () => {
    const decoded = decodeRegisterBrokerBody(encodeCompressedRegisterBrokerBody(body({ '+k': 'v' }), 409), {
      compressed: true,
    });
    expect(decoded.topicConfigSerializeWrapper.topicConfigTable['TopicTest']).toEqual(wrapperConfig());
    expect(decoded.topicConfigSerializeWrapper).not.toHaveProperty('topicQueueMappingInfoMap');
    expect(decoded.filterServerList).toEqual(['10.0.0.1:1']);
  });

  it('detects a compressed body sent with compressed=false (5.3.x quirk)', () => {
    const decoded = decodeRegisterBrokerBody(encodeCompressedRegisterBrokerBody(body(), 413), { compressed: false });
    expect(decoded.topicConfigSerializeWrapper.dataVersion.counter).toBe(5);
  });

  it('reads a bare TopicConfigSerializeWrapper from requests older than V3_0_11', () => {
    const wrapper = body().topicConfigSerializeWrapper;
    const decoded = decodeRegisterBrokerBody(encodeTopicConfigSerializeWrapper(wrapper), { version: 36 });
    expect(decoded).toEqual({ topicConfigSerializeWrapper: wrapper, filterServerList: [] });
  });

  it('rejects truncated or corrupt compressed bodies with a ProtocolError', () => {
    expect(() => decodeCompressedRegisterBrokerBody(Buffer.from('not zlib'))).toThrow(ProtocolError);
    expect(() => decodeCompressedRegisterBrokerBody(deflateSync(Buffer.from([0, 0, 0, 9, 0x7b])))).toThrow(
      ProtocolError,
    );
    expect(() => decodeRegisterBrokerBody(Buffer.from('{"x":'))).toThrow(ProtocolError);
  });
});

describe('MessageQueue helpers', () => {
  it('gives value identity keys for JS maps', () => {
    expect(messageQueueKey({ topic: 'T', brokerName: 'b', queueId: 1 })).toBe('T@b@1');
  });
});
