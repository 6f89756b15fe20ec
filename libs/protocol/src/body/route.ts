/**
 * Route bodies (remoting-protocol.md 2.10.4, 2.10.5, Appendix C): TopicRouteData (GET_ROUTEINFO_BY_TOPIC),
 * QueueData, BrokerData and ClusterInfo (GET_BROKER_CLUSTER_INFO). `brokerAddrs` is a Java
 * `Map<Long, String>`: legacy mode writes its keys bare (`{0:"addr"}`), standard mode quoted.
 */
import { encodeJsonBody, JsonMapKey, JsonMode, JsonWritable, JsonWritableBean } from './fastjson-writer.js';
import {
  asArray,
  asBool,
  asInt,
  asObject,
  asOptionalString,
  asRecord,
  asString,
  asStringArray,
  asStringMap,
  newRecord,
  parseJsonBody,
} from './json-read.js';
import { JsonValue } from './tolerant-json.js';

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId (decimal text, "0" = master) -> `ip:port`. */
  brokerAddrs: Record<string, string>;
  /** [5.x]; written always (Java primitive), read as false when absent. */
  enableActingMaster: boolean;
  /** [5.x] omitted when undefined. */
  zoneName?: string;
}

export interface TopicRouteData {
  /** Only when the namesrv has `orderMessageEnable`: `broker-a:4;broker-b:4`. */
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  /** Legacy filter servers per broker address, normally empty. */
  filterServerTable: Record<string, string[]>;
  /** [5.x] static topics only; kept verbatim. */
  topicQueueMappingByBroker?: JsonValue;
}

export interface ClusterInfo {
  brokerAddrTable: Record<string, BrokerData>;
  /** cluster -> broker names. */
  clusterAddrTable: Record<string, string[]>;
}

export function queueDataToJson(data: QueueData): JsonWritableBean {
  return {
    brokerName: data.brokerName,
    perm: data.perm,
    readQueueNums: data.readQueueNums,
    topicSysFlag: data.topicSysFlag,
    writeQueueNums: data.writeQueueNums,
  };
}

export function queueDataFromJson(value: JsonValue): QueueData {
  const object = asObject(value);
  return {
    brokerName: asString(object['brokerName']),
    readQueueNums: asInt(object['readQueueNums']),
    writeQueueNums: asInt(object['writeQueueNums']),
    perm: asInt(object['perm']),
    topicSysFlag: asInt(object['topicSysFlag']),
  };
}

/** Numeric ids become number keys so legacy mode writes them bare; anything else stays a string. */
function brokerAddrsToJson(addrs: Record<string, string>): Map<JsonMapKey, JsonWritable> {
  const map = new Map<JsonMapKey, JsonWritable>();
  for (const [id, addr] of Object.entries(addrs)) map.set(/^-?\d+$/.test(id) ? Number(id) : id, addr);
  return map;
}

export function brokerDataToJson(data: BrokerData): JsonWritableBean {
  return {
    brokerAddrs: brokerAddrsToJson(data.brokerAddrs),
    brokerName: data.brokerName,
    cluster: data.cluster,
    enableActingMaster: data.enableActingMaster,
    zoneName: data.zoneName,
  };
}

export function brokerDataFromJson(value: JsonValue): BrokerData {
  const object = asObject(value);
  const data: BrokerData = {
    cluster: asString(object['cluster']),
    brokerName: asString(object['brokerName']),
    brokerAddrs: asStringMap(object['brokerAddrs']),
    enableActingMaster: asBool(object['enableActingMaster']),
  };
  const zoneName = asOptionalString(object['zoneName']);
  if (zoneName !== undefined) data.zoneName = zoneName;
  return data;
}

/** The master address (`brokerAddrs["0"]`), if any. */
export function masterAddr(data: BrokerData): string | undefined {
  return data.brokerAddrs['0'];
}

export function topicRouteDataToJson(route: TopicRouteData): JsonWritableBean {
  return {
    brokerDatas: route.brokerDatas.map(brokerDataToJson),
    filterServerTable: route.filterServerTable,
    orderTopicConf: route.orderTopicConf,
    queueDatas: route.queueDatas.map(queueDataToJson),
    topicQueueMappingByBroker: route.topicQueueMappingByBroker,
  };
}

export function topicRouteDataFromJson(value: JsonValue): TopicRouteData {
  const object = asObject(value);
  const route: TopicRouteData = {
    queueDatas: asArray(object['queueDatas']).map(queueDataFromJson),
    brokerDatas: asArray(object['brokerDatas']).map(brokerDataFromJson),
    filterServerTable: asRecord(object['filterServerTable'], asStringArray),
  };
  const orderTopicConf = asOptionalString(object['orderTopicConf']);
  if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
  const mapping = object['topicQueueMappingByBroker'];
  if (mapping !== undefined && mapping !== null) route.topicQueueMappingByBroker = mapping;
  return route;
}

/** Standard mode unless answering a requester older than V4_9_4 that did not ask for standard JSON. */
export function encodeTopicRouteData(route: TopicRouteData, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(topicRouteDataToJson(route), mode);
}

/** Reads both legacy (bare numeric keys) and standard route JSON. */
export function decodeTopicRouteData(body: Buffer | string): TopicRouteData {
  return topicRouteDataFromJson(parseJsonBody(body, 'TopicRouteData'));
}

export function clusterInfoToJson(info: ClusterInfo): JsonWritableBean {
  const brokers = newRecord<JsonWritable>();
  for (const [name, data] of Object.entries(info.brokerAddrTable)) brokers[name] = brokerDataToJson(data);
  return { brokerAddrTable: brokers, clusterAddrTable: info.clusterAddrTable };
}

export function clusterInfoFromJson(value: JsonValue): ClusterInfo {
  const object = asObject(value);
  return {
    brokerAddrTable: asRecord(object['brokerAddrTable'], brokerDataFromJson),
    clusterAddrTable: asRecord(object['clusterAddrTable'], asStringArray),
  };
}

/** Java namesrvs always answer in legacy mode; we default to standard, which Java clients read too. */
export function encodeClusterInfo(info: ClusterInfo, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(clusterInfoToJson(info), mode);
}

export function decodeClusterInfo(body: Buffer | string): ClusterInfo {
  return clusterInfoFromJson(parseJsonBody(body, 'ClusterInfo'));
}
