import { describe, expect, it } from 'vitest';
import {
  decodeClusterInfo,
  decodeHeartbeatData,
  decodeLockBatchRequestBody,
  decodeRegisterBrokerBody,
  decodeTopicRouteData,
  decodeTopicStatsTable,
  encodeClusterInfo,
  encodeHeartbeatData,
  encodeLockBatchRequestBody,
  encodeRegisterBrokerBody,
  encodeTopicRouteData,
  encodeTopicStatsTable,
  JsonMode,
} from '@rocketnest/protocol';

/** Exact fastjson 1.2.83 outputs from remoting-protocol.md Appendix C. */
const ROUTE_LEGACY =
  '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
const ROUTE_STANDARD =
  '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
const CLUSTER_INFO_LEGACY =
  '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}';
const CLUSTER_INFO_STANDARD = CLUSTER_INFO_LEGACY.replace('{0:', '{"0":').replace(',1:', ',"1":');
const TOPIC_STATS_LEGACY =
  '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:{"lastUpdateTimestamp":1700000000000,"maxOffset":10,"minOffset":0}},"topicPutTps":0.0}';
const TOPIC_STATS_STANDARD =
  '{"offsetTable":{"{\\"brokerName\\":\\"broker-a\\",\\"queueId\\":0,\\"topic\\":\\"TopicTest\\"}":{"lastUpdateTimestamp":1700000000000,"maxOffset":10,"minOffset":0}},"topicPutTps":0.0}';
const HEARTBEAT =
  '{"clientID":"192.168.0.10@12345#1","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"CG","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000000,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}],"unitMode":false}],"heartbeatFingerprint":0,"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}],"withoutSub":false}';
const LOCK_BATCH =
  '{"clientId":"192.168.0.10@12345#1","consumerGroup":"CG","mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}],"onlyThisBroker":false}';
const REGISTER_BROKER =
  '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":5,"stateVersion":0,"timestamp":1700000000000},"mappingDataVersion":{"counter":5,"stateVersion":0,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}},"topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}';

const BOTH: JsonMode[] = ['legacy', 'standard'];

describe('Appendix C golden bodies (TV10)', () => {
  it('TopicRouteData: legacy and standard samples decode alike and re-emit byte for byte', () => {
    const legacy = decodeTopicRouteData(Buffer.from(ROUTE_LEGACY));
    const standard = decodeTopicRouteData(Buffer.from(ROUTE_STANDARD));
    expect(standard).toEqual(legacy);
    expect(legacy.brokerDatas[0]?.brokerAddrs).toEqual({ '0': '127.0.0.1:10911', '1': '127.0.0.1:10921' });
    expect(legacy.queueDatas[0]?.perm).toBe(6);
    expect(encodeTopicRouteData(legacy, 'legacy').toString()).toBe(ROUTE_LEGACY);
    expect(encodeTopicRouteData(legacy, 'standard').toString()).toBe(ROUTE_STANDARD);
    expect(encodeTopicRouteData(legacy).toString()).toBe(ROUTE_STANDARD);
    expect(JSON.parse(ROUTE_STANDARD)).toBeTruthy();
  });

  it('ClusterInfo: the always-legacy sample decodes and re-emits in both modes', () => {
    const info = decodeClusterInfo(Buffer.from(CLUSTER_INFO_LEGACY));
    expect(info.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
    expect(info.brokerAddrTable['broker-a']?.brokerAddrs['1']).toBe('127.0.0.1:10921');
    expect(encodeClusterInfo(info, 'legacy').toString()).toBe(CLUSTER_INFO_LEGACY);
    expect(encodeClusterInfo(info, 'standard').toString()).toBe(CLUSTER_INFO_STANDARD);
    expect(decodeClusterInfo(CLUSTER_INFO_STANDARD)).toEqual(info);
  });

  it('TopicStatsTable: MessageQueue object keys decode and re-emit in both modes', () => {
    const table = decodeTopicStatsTable(Buffer.from(TOPIC_STATS_LEGACY));
    expect(table).toEqual({
      offsetTable: [
        [
          { topic: 'TopicTest', brokerName: 'broker-a', queueId: 0 },
          { minOffset: 0, maxOffset: 10, lastUpdateTimestamp: 1700000000000 },
        ],
      ],
      topicPutTps: 0,
    });
    expect(encodeTopicStatsTable(table, 'legacy').toString()).toBe(TOPIC_STATS_LEGACY);
    expect(encodeTopicStatsTable(table, 'standard').toString()).toBe(TOPIC_STATS_STANDARD);
    expect(decodeTopicStatsTable(TOPIC_STATS_STANDARD)).toEqual(table);
  });

  it.each(BOTH)('HeartbeatData re-emits byte for byte (%s)', (mode) => {
    const data = decodeHeartbeatData(Buffer.from(HEARTBEAT));
    expect(data.consumerDataSet[0]?.subscriptionDataSet[0]?.codeSet).toEqual([2598919, 2598920]);
    expect(encodeHeartbeatData(data, mode).toString()).toBe(HEARTBEAT);
  });

  it.each(BOTH)('LockBatchRequestBody re-emits byte for byte (%s)', (mode) => {
    expect(encodeLockBatchRequestBody(decodeLockBatchRequestBody(LOCK_BATCH), mode).toString()).toBe(LOCK_BATCH);
  });

  it.each(BOTH)('RegisterBrokerBody re-emits byte for byte (%s)', (mode) => {
    const body = decodeRegisterBrokerBody(Buffer.from(REGISTER_BROKER));
    expect(body.topicConfigSerializeWrapper.topicConfigTable['TopicTest']?.attributes).toEqual({});
    expect(encodeRegisterBrokerBody(body, mode).toString()).toBe(REGISTER_BROKER);
  });
});
