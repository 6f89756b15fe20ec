/**
 * NameServer headers (remoting-protocol.md 2.10): REGISTER_BROKER (103), UNREGISTER_BROKER (104),
 * BROKER_HEARTBEAT (904, [5.x]), QUERY_DATA_VERSION (322), GET_ROUTEINFO_BY_TOPIC (105),
 * DELETE_TOPIC_IN_NAMESRV (216), REGISTER_TOPIC_IN_NAMESRV (217), GET_TOPICS_BY_CLUSTER (224),
 * WIPE_WRITE_PERM_OF_BROKER (205), ADD_WRITE_PERM_OF_BROKER (327), KV config (100, 101, 102, 219).
 * GET_BROKER_CLUSTER_INFO (106), GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) and
 * GET_SYSTEM_TOPIC_LIST_FROM_NS (304) carry no header.
 */
import type { ExtFields } from '../command/remoting-command.js';
import { defineHeader, HeaderCodec } from './header-codec.js';

/** Ext field carrying the broker's zone on REGISTER_BROKER [5.x]. */
export const ZONE_NAME = '__ZONE_NAME';

export interface RegisterBrokerRequestHeader {
  brokerName: string;
  /** `brokerIP1:listenPort`, the address clients use. */
  brokerAddr: string;
  clusterName: string;
  /** `brokerIP2:haListenPort`. */
  haServerAddr: string;
  /** 0 = master, >= 1 slave. */
  brokerId: number;
  /** [5.x] liveness timeout the namesrv should apply. */
  heartbeatTimeoutMillis?: number;
  /** [5.x] */
  enableActingMaster?: boolean;
  /** Java primitive: always sent; true = zlib body (body/register-broker.ts). */
  compressed?: boolean;
  /** Java primitive: CRC32 & 0x7FFFFFFF of the body; 0 disables the check. */
  bodyCrc32?: number;
  /** [5.x] ext field `__ZONE_NAME`. */
  __ZONE_NAME?: string;
}

export const REGISTER_BROKER_REQUEST_HEADER: HeaderCodec<RegisterBrokerRequestHeader> =
  defineHeader<RegisterBrokerRequestHeader>(
    {
      brokerName: 'string',
      brokerAddr: 'string',
      clusterName: 'string',
      haServerAddr: 'string',
      brokerId: 'long',
      heartbeatTimeoutMillis: 'long',
      enableActingMaster: 'bool',
      compressed: 'bool',
      bodyCrc32: 'int',
      __ZONE_NAME: 'string',
    },
    {
      required: ['brokerName', 'brokerAddr', 'clusterName', 'haServerAddr', 'brokerId'],
      primitives: { compressed: false, bodyCrc32: 0 },
    },
  );

export function encodeRegisterBrokerRequestHeader(header: RegisterBrokerRequestHeader): ExtFields {
  return REGISTER_BROKER_REQUEST_HEADER.encode(header);
}

export function decodeRegisterBrokerRequestHeader(ext: ExtFields | null): Partial<RegisterBrokerRequestHeader> {
  return REGISTER_BROKER_REQUEST_HEADER.decode(ext);
}

export interface RegisterBrokerResponseHeader {
  /** For a slave: the master's HA address. */
  haServerAddr?: string;
  /** For a slave: the master's broker address. */
  masterAddr?: string;
}

export const REGISTER_BROKER_RESPONSE_HEADER: HeaderCodec<RegisterBrokerResponseHeader> =
  defineHeader<RegisterBrokerResponseHeader>({ haServerAddr: 'string', masterAddr: 'string' });

export function encodeRegisterBrokerResponseHeader(header: RegisterBrokerResponseHeader): ExtFields {
  return REGISTER_BROKER_RESPONSE_HEADER.encode(header);
}

export function decodeRegisterBrokerResponseHeader(ext: ExtFields | null): Partial<RegisterBrokerResponseHeader> {
  return REGISTER_BROKER_RESPONSE_HEADER.decode(ext);
}

/** UNREGISTER_BROKER (104) and QUERY_DATA_VERSION (322) share these four fields. */
export interface BrokerIdentityRequestHeader {
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  brokerId: number;
}

export const BROKER_IDENTITY_REQUEST_HEADER: HeaderCodec<BrokerIdentityRequestHeader> =
  defineHeader<BrokerIdentityRequestHeader>(
    { brokerName: 'string', brokerAddr: 'string', clusterName: 'string', brokerId: 'long' },
    { required: ['brokerName', 'brokerAddr', 'clusterName', 'brokerId'] },
  );

export type UnregisterBrokerRequestHeader = BrokerIdentityRequestHeader;
export type QueryDataVersionRequestHeader = BrokerIdentityRequestHeader;

export function encodeUnregisterBrokerRequestHeader(header: UnregisterBrokerRequestHeader): ExtFields {
  return BROKER_IDENTITY_REQUEST_HEADER.encode(header);
}

export function decodeUnregisterBrokerRequestHeader(ext: ExtFields | null): Partial<UnregisterBrokerRequestHeader> {
  return BROKER_IDENTITY_REQUEST_HEADER.decode(ext);
}

export function encodeQueryDataVersionRequestHeader(header: QueryDataVersionRequestHeader): ExtFields {
  return BROKER_IDENTITY_REQUEST_HEADER.encode(header);
}

export function decodeQueryDataVersionRequestHeader(ext: ExtFields | null): Partial<QueryDataVersionRequestHeader> {
  return BROKER_IDENTITY_REQUEST_HEADER.decode(ext);
}

export interface QueryDataVersionResponseHeader {
  /** The namesrv's stored DataVersion differs from the broker's. */
  changed: boolean;
}

export const QUERY_DATA_VERSION_RESPONSE_HEADER: HeaderCodec<QueryDataVersionResponseHeader> =
  defineHeader<QueryDataVersionResponseHeader>({ changed: 'bool' }, { required: ['changed'] });

export function encodeQueryDataVersionResponseHeader(header: QueryDataVersionResponseHeader): ExtFields {
  return QUERY_DATA_VERSION_RESPONSE_HEADER.encode(header);
}

export function decodeQueryDataVersionResponseHeader(ext: ExtFields | null): Partial<QueryDataVersionResponseHeader> {
  return QUERY_DATA_VERSION_RESPONSE_HEADER.decode(ext);
}

/** BROKER_HEARTBEAT (904) [5.x], oneway. */
export interface BrokerHeartbeatRequestHeader {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId?: number;
  epoch?: number;
  maxOffset?: number;
  confirmOffset?: number;
  /** Spelled `Mills` upstream. */
  heartbeatTimeoutMills?: number;
  electionPriority?: number;
}

export const BROKER_HEARTBEAT_REQUEST_HEADER: HeaderCodec<BrokerHeartbeatRequestHeader> =
  defineHeader<BrokerHeartbeatRequestHeader>(
    {
      clusterName: 'string',
      brokerAddr: 'string',
      brokerName: 'string',
      brokerId: 'long',
      epoch: 'int',
      maxOffset: 'long',
      confirmOffset: 'long',
      heartbeatTimeoutMills: 'long',
      electionPriority: 'int',
    },
    { required: ['clusterName', 'brokerAddr', 'brokerName'] },
  );

export function encodeBrokerHeartbeatRequestHeader(header: BrokerHeartbeatRequestHeader): ExtFields {
  return BROKER_HEARTBEAT_REQUEST_HEADER.encode(header);
}

export function decodeBrokerHeartbeatRequestHeader(ext: ExtFields | null): Partial<BrokerHeartbeatRequestHeader> {
  return BROKER_HEARTBEAT_REQUEST_HEADER.decode(ext);
}

/** GET_ROUTEINFO_BY_TOPIC (105). */
export interface GetRouteInfoRequestHeader {
  topic: string;
  /** [5.x] ask for standard (quoted-key) route JSON whatever the request version. */
  acceptStandardJsonOnly?: boolean;
}

export const GET_ROUTE_INFO_REQUEST_HEADER: HeaderCodec<GetRouteInfoRequestHeader> =
  defineHeader<GetRouteInfoRequestHeader>({ topic: 'string', acceptStandardJsonOnly: 'bool' }, { required: ['topic'] });

export function encodeGetRouteInfoRequestHeader(header: GetRouteInfoRequestHeader): ExtFields {
  return GET_ROUTE_INFO_REQUEST_HEADER.encode(header);
}

export function decodeGetRouteInfoRequestHeader(ext: ExtFields | null): Partial<GetRouteInfoRequestHeader> {
  return GET_ROUTE_INFO_REQUEST_HEADER.decode(ext);
}

/** DELETE_TOPIC_IN_NAMESRV (216). */
export interface DeleteTopicFromNamesrvRequestHeader {
  topic: string;
  /** Limit the deletion to one cluster. */
  clusterName?: string;
}

export const DELETE_TOPIC_FROM_NAMESRV_REQUEST_HEADER: HeaderCodec<DeleteTopicFromNamesrvRequestHeader> =
  defineHeader<DeleteTopicFromNamesrvRequestHeader>(
    { topic: 'string', clusterName: 'string' },
    { required: ['topic'] },
  );

export function encodeDeleteTopicFromNamesrvRequestHeader(header: DeleteTopicFromNamesrvRequestHeader): ExtFields {
  return DELETE_TOPIC_FROM_NAMESRV_REQUEST_HEADER.encode(header);
}

export function decodeDeleteTopicFromNamesrvRequestHeader(
  ext: ExtFields | null,
): Partial<DeleteTopicFromNamesrvRequestHeader> {
  return DELETE_TOPIC_FROM_NAMESRV_REQUEST_HEADER.decode(ext);
}

/** REGISTER_TOPIC_IN_NAMESRV (217) [5.x]; body TopicRouteData. */
export interface RegisterTopicRequestHeader {
  topic: string;
}

export const REGISTER_TOPIC_REQUEST_HEADER: HeaderCodec<RegisterTopicRequestHeader> =
  defineHeader<RegisterTopicRequestHeader>({ topic: 'string' }, { required: ['topic'] });

export function encodeRegisterTopicRequestHeader(header: RegisterTopicRequestHeader): ExtFields {
  return REGISTER_TOPIC_REQUEST_HEADER.encode(header);
}

export function decodeRegisterTopicRequestHeader(ext: ExtFields | null): Partial<RegisterTopicRequestHeader> {
  return REGISTER_TOPIC_REQUEST_HEADER.decode(ext);
}

/** GET_TOPICS_BY_CLUSTER (224). */
export interface GetTopicsByClusterRequestHeader {
  cluster: string;
}

export const GET_TOPICS_BY_CLUSTER_REQUEST_HEADER: HeaderCodec<GetTopicsByClusterRequestHeader> =
  defineHeader<GetTopicsByClusterRequestHeader>({ cluster: 'string' }, { required: ['cluster'] });

export function encodeGetTopicsByClusterRequestHeader(header: GetTopicsByClusterRequestHeader): ExtFields {
  return GET_TOPICS_BY_CLUSTER_REQUEST_HEADER.encode(header);
}

export function decodeGetTopicsByClusterRequestHeader(ext: ExtFields | null): Partial<GetTopicsByClusterRequestHeader> {
  return GET_TOPICS_BY_CLUSTER_REQUEST_HEADER.decode(ext);
}

/** WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327). */
export interface BrokerNameRequestHeader {
  brokerName: string;
}

export const BROKER_NAME_REQUEST_HEADER: HeaderCodec<BrokerNameRequestHeader> = defineHeader<BrokerNameRequestHeader>(
  { brokerName: 'string' },
  { required: ['brokerName'] },
);

export type WipeWritePermOfBrokerRequestHeader = BrokerNameRequestHeader;
export type AddWritePermOfBrokerRequestHeader = BrokerNameRequestHeader;

export function encodeWipeWritePermOfBrokerRequestHeader(header: WipeWritePermOfBrokerRequestHeader): ExtFields {
  return BROKER_NAME_REQUEST_HEADER.encode(header);
}

export function decodeWipeWritePermOfBrokerRequestHeader(
  ext: ExtFields | null,
): Partial<WipeWritePermOfBrokerRequestHeader> {
  return BROKER_NAME_REQUEST_HEADER.decode(ext);
}

export function encodeAddWritePermOfBrokerRequestHeader(header: AddWritePermOfBrokerRequestHeader): ExtFields {
  return BROKER_NAME_REQUEST_HEADER.encode(header);
}

export function decodeAddWritePermOfBrokerRequestHeader(
  ext: ExtFields | null,
): Partial<AddWritePermOfBrokerRequestHeader> {
  return BROKER_NAME_REQUEST_HEADER.decode(ext);
}

export interface WipeWritePermOfBrokerResponseHeader {
  wipeTopicCount: number;
}

export const WIPE_WRITE_PERM_OF_BROKER_RESPONSE_HEADER: HeaderCodec<WipeWritePermOfBrokerResponseHeader> =
  defineHeader<WipeWritePermOfBrokerResponseHeader>({ wipeTopicCount: 'int' }, { required: ['wipeTopicCount'] });

export function encodeWipeWritePermOfBrokerResponseHeader(header: WipeWritePermOfBrokerResponseHeader): ExtFields {
  return WIPE_WRITE_PERM_OF_BROKER_RESPONSE_HEADER.encode(header);
}

export function decodeWipeWritePermOfBrokerResponseHeader(
  ext: ExtFields | null,
): Partial<WipeWritePermOfBrokerResponseHeader> {
  return WIPE_WRITE_PERM_OF_BROKER_RESPONSE_HEADER.decode(ext);
}

export interface AddWritePermOfBrokerResponseHeader {
  addTopicCount: number;
}

export const ADD_WRITE_PERM_OF_BROKER_RESPONSE_HEADER: HeaderCodec<AddWritePermOfBrokerResponseHeader> =
  defineHeader<AddWritePermOfBrokerResponseHeader>({ addTopicCount: 'int' }, { required: ['addTopicCount'] });

export function encodeAddWritePermOfBrokerResponseHeader(header: AddWritePermOfBrokerResponseHeader): ExtFields {
  return ADD_WRITE_PERM_OF_BROKER_RESPONSE_HEADER.encode(header);
}

export function decodeAddWritePermOfBrokerResponseHeader(
  ext: ExtFields | null,
): Partial<AddWritePermOfBrokerResponseHeader> {
  return ADD_WRITE_PERM_OF_BROKER_RESPONSE_HEADER.decode(ext);
}

/** PUT_KV_CONFIG (100). */
export interface PutKVConfigRequestHeader {
  namespace: string;
  key: string;
  value: string;
}

export const PUT_KV_CONFIG_REQUEST_HEADER: HeaderCodec<PutKVConfigRequestHeader> =
  defineHeader<PutKVConfigRequestHeader>(
    { namespace: 'string', key: 'string', value: 'string' },
    { required: ['namespace', 'key', 'value'] },
  );

export function encodePutKVConfigRequestHeader(header: PutKVConfigRequestHeader): ExtFields {
  return PUT_KV_CONFIG_REQUEST_HEADER.encode(header);
}

export function decodePutKVConfigRequestHeader(ext: ExtFields | null): Partial<PutKVConfigRequestHeader> {
  return PUT_KV_CONFIG_REQUEST_HEADER.decode(ext);
}

/** GET_KV_CONFIG (101) and DELETE_KV_CONFIG (102). */
export interface KVConfigKeyRequestHeader {
  namespace: string;
  key: string;
}

export const KV_CONFIG_KEY_REQUEST_HEADER: HeaderCodec<KVConfigKeyRequestHeader> =
  defineHeader<KVConfigKeyRequestHeader>({ namespace: 'string', key: 'string' }, { required: ['namespace', 'key'] });

export type GetKVConfigRequestHeader = KVConfigKeyRequestHeader;
export type DeleteKVConfigRequestHeader = KVConfigKeyRequestHeader;

export function encodeGetKVConfigRequestHeader(header: GetKVConfigRequestHeader): ExtFields {
  return KV_CONFIG_KEY_REQUEST_HEADER.encode(header);
}

export function decodeGetKVConfigRequestHeader(ext: ExtFields | null): Partial<GetKVConfigRequestHeader> {
  return KV_CONFIG_KEY_REQUEST_HEADER.decode(ext);
}

export function encodeDeleteKVConfigRequestHeader(header: DeleteKVConfigRequestHeader): ExtFields {
  return KV_CONFIG_KEY_REQUEST_HEADER.encode(header);
}

export function decodeDeleteKVConfigRequestHeader(ext: ExtFields | null): Partial<DeleteKVConfigRequestHeader> {
  return KV_CONFIG_KEY_REQUEST_HEADER.decode(ext);
}

export interface GetKVConfigResponseHeader {
  value?: string;
}

export const GET_KV_CONFIG_RESPONSE_HEADER: HeaderCodec<GetKVConfigResponseHeader> =
  defineHeader<GetKVConfigResponseHeader>({ value: 'string' });

export function encodeGetKVConfigResponseHeader(header: GetKVConfigResponseHeader): ExtFields {
  return GET_KV_CONFIG_RESPONSE_HEADER.encode(header);
}

export function decodeGetKVConfigResponseHeader(ext: ExtFields | null): Partial<GetKVConfigResponseHeader> {
  return GET_KV_CONFIG_RESPONSE_HEADER.decode(ext);
}

/** GET_KVLIST_BY_NAMESPACE (219); response body KVTable. */
export interface GetKVListByNamespaceRequestHeader {
  namespace: string;
}

export const GET_KV_LIST_BY_NAMESPACE_REQUEST_HEADER: HeaderCodec<GetKVListByNamespaceRequestHeader> =
  defineHeader<GetKVListByNamespaceRequestHeader>({ namespace: 'string' }, { required: ['namespace'] });

export function encodeGetKVListByNamespaceRequestHeader(header: GetKVListByNamespaceRequestHeader): ExtFields {
  return GET_KV_LIST_BY_NAMESPACE_REQUEST_HEADER.encode(header);
}

export function decodeGetKVListByNamespaceRequestHeader(
  ext: ExtFields | null,
): Partial<GetKVListByNamespaceRequestHeader> {
  return GET_KV_LIST_BY_NAMESPACE_REQUEST_HEADER.decode(ext);
}
