/**
 * The REGISTER_BROKER (103) and UNREGISTER_BROKER (104) requests a Java broker sends (remoting-protocol.md
 * 2.10.1-2.10.2, captured frame interop/fixtures/register-broker.request.json):
 *   header: brokerName, brokerAddr, clusterName, haServerAddr, brokerId, compressed, bodyCrc32 (the last two
 *           are Java primitives, always present), [5.x] enableActingMaster, heartbeatTimeoutMillis when set,
 *           `__ZONE_NAME` when set;
 *   body:   RegisterBrokerBody JSON as fastjson writes it (sorted keys, no features), or the zlib form when
 *           compressed; bodyCrc32 = CRC32 of the body bytes & 0x7FFFFFFF.
 * The body is built once per registration round and shared by the requests to every NameServer.
 */
import {
  BROKER_IDENTITY_REQUEST_HEADER,
  createRequest,
  isReadable,
  isWriteable,
  encodeCompressedRegisterBrokerBody,
  encodeRegisterBrokerBody,
  maskedCrc32,
  REGISTER_BROKER_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  TopicConfig,
  TopicConfigSerializeWrapper,
} from '@rocketnest/protocol';
import type { BrokerIdentity } from './broker-registration-options.js';

export interface RegisterBrokerPayload {
  readonly body: Buffer;
  readonly bodyCrc32: number;
  readonly compressed: boolean;
}

export interface RegisterBrokerRequestOptions {
  compressed: boolean;
  requestVersion: number;
  enableActingMaster: boolean;
  heartbeatTimeoutMs: number | null;
}

/** The wrapper as registered under broker permission `perm`: Java replaces every topic's perm unless RW. */
export function applyBrokerPermission(wrapper: TopicConfigSerializeWrapper, perm: number): TopicConfigSerializeWrapper {
  if (isReadable(perm) && isWriteable(perm)) return wrapper;
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (const [name, config] of Object.entries(wrapper.topicConfigTable)) topicConfigTable[name] = { ...config, perm };
  return { ...wrapper, topicConfigTable };
}

export function buildRegisterBrokerPayload(
  wrapper: TopicConfigSerializeWrapper,
  options: Pick<RegisterBrokerRequestOptions, 'compressed' | 'requestVersion'>,
): RegisterBrokerPayload {
  const registerBody = { topicConfigSerializeWrapper: wrapper, filterServerList: [] };
  const body = options.compressed
    ? encodeCompressedRegisterBrokerBody(registerBody, options.requestVersion)
    : // RegisterBrokerBody.encode() in Java: fastjson without features (no bare keys occur in this body).
      encodeRegisterBrokerBody(registerBody, 'legacy');
  return { body, bodyCrc32: maskedCrc32(body), compressed: options.compressed };
}

/** One request per NameServer: each needs its own opaque. */
export function createRegisterBrokerRequest(
  identity: BrokerIdentity,
  payload: RegisterBrokerPayload,
  options: Omit<RegisterBrokerRequestOptions, 'compressed'>,
): RemotingCommand {
  const extFields = REGISTER_BROKER_REQUEST_HEADER.encode({
    brokerName: identity.brokerName,
    brokerAddr: identity.brokerAddr,
    clusterName: identity.clusterName,
    haServerAddr: identity.haServerAddr,
    brokerId: identity.brokerId,
    enableActingMaster: options.enableActingMaster,
    heartbeatTimeoutMillis: options.heartbeatTimeoutMs ?? undefined,
    compressed: payload.compressed,
    bodyCrc32: payload.bodyCrc32,
    __ZONE_NAME: identity.zoneName,
  });
  return createRequest(RequestCode.REGISTER_BROKER, {
    extFields,
    body: payload.body,
    version: options.requestVersion,
  });
}

export function createUnregisterBrokerRequest(identity: BrokerIdentity, requestVersion: number): RemotingCommand {
  return createRequest(RequestCode.UNREGISTER_BROKER, {
    extFields: BROKER_IDENTITY_REQUEST_HEADER.encode({
      brokerName: identity.brokerName,
      brokerAddr: identity.brokerAddr,
      clusterName: identity.clusterName,
      brokerId: identity.brokerId,
    }),
    version: requestVersion,
  });
}
