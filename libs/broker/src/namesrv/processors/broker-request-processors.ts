/**
 * Requests brokers send to the NameServer (remoting-protocol.md 2.10.1-2.10.3): REGISTER_BROKER (103),
 * UNREGISTER_BROKER (104), QUERY_DATA_VERSION (322) and BROKER_HEARTBEAT (904, [5.x], oneway).
 */
import {
  BROKER_HEARTBEAT_REQUEST_HEADER,
  BROKER_IDENTITY_REQUEST_HEADER,
  createResponse,
  DataVersion,
  decodeDataVersion,
  decodeRegisterBrokerBody,
  encodeDataVersion,
  encodeKVTable,
  encodeQueryDataVersionResponseHeader,
  encodeRegisterBrokerResponseHeader,
  maskedCrc32,
  RegisterBrokerBody,
  REGISTER_BROKER_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  ZONE_NAME,
} from '@rocketnest/protocol';
import type { ProcessRequestFn, RemotingConnection } from '@rocketnest/remoting';
import { ORDER_TOPIC_CONFIG_NAMESPACE } from '../kv-config-manager.js';
import { CRC32_NOT_MATCH_REMARK } from '../namesrv-remarks.js';
import { checkHeader } from './header-guard.js';
import type { NamesrvContext } from './namesrv-context.js';

export function brokerRequestProcessors(ctx: NamesrvContext): Array<[number, ProcessRequestFn]> {
  return [
    [RequestCode.REGISTER_BROKER, (request, connection) => registerBroker(ctx, request, connection)],
    [RequestCode.UNREGISTER_BROKER, (request) => unregisterBroker(ctx, request)],
    [RequestCode.QUERY_DATA_VERSION, (request) => queryDataVersion(ctx, request)],
    [RequestCode.BROKER_HEARTBEAT, (request) => brokerHeartbeat(ctx, request)],
  ];
}

function registerBroker(
  ctx: NamesrvContext,
  request: RemotingCommand,
  connection: RemotingConnection,
): RemotingCommand {
  const checked = checkHeader(request, REGISTER_BROKER_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  const header = checked.header;
  const fields = { brokerName: header.brokerName, brokerAddr: header.brokerAddr, clusterName: header.clusterName };
  const bodyCrc32 = header.bodyCrc32 ?? 0;
  // 0 means "not computed" (old brokers), as in Java.
  if (bodyCrc32 !== 0) {
    const actual = request.body === null ? 0 : maskedCrc32(request.body);
    if (actual !== bodyCrc32) {
      ctx.logger.warn('REGISTER_BROKER body crc32 mismatch', { ...fields, expected: bodyCrc32, actual });
      return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: CRC32_NOT_MATCH_REMARK });
    }
  }
  let body: RegisterBrokerBody;
  if (request.body === null) {
    body = {
      topicConfigSerializeWrapper: { topicConfigTable: {}, dataVersion: emptyDataVersion() },
      filterServerList: [],
    };
  } else {
    try {
      body = decodeRegisterBrokerBody(request.body, { compressed: header.compressed, version: request.version });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ctx.logger.warn('REGISTER_BROKER body does not decode', { ...fields, reason });
      return createResponse(request, ResponseCode.SYSTEM_ERROR, {
        remark: `Failed to decode RegisterBrokerBody: ${reason}`,
      });
    }
  }
  const timeout = header.heartbeatTimeoutMillis;
  const firstSeen = ctx.routes.getBrokerLiveInfo(header.clusterName, header.brokerAddr) === undefined;
  const outcome = ctx.routes.registerBroker({
    clusterName: header.clusterName,
    brokerAddr: header.brokerAddr,
    brokerName: header.brokerName,
    brokerId: header.brokerId,
    haServerAddr: header.haServerAddr,
    zoneName: request.extFields?.[ZONE_NAME],
    heartbeatTimeoutMs: timeout !== undefined && timeout > 0 ? timeout : undefined,
    enableActingMaster: header.enableActingMaster,
    topicConfigWrapper: body.topicConfigSerializeWrapper,
    filterServerList: body.filterServerList,
    connection,
  });
  if (firstSeen) {
    ctx.logger.info('broker registered', {
      ...fields,
      brokerId: header.brokerId,
      topics: Object.keys(body.topicConfigSerializeWrapper.topicConfigTable).length,
      remoteAddress: connection.remoteAddress,
    });
  }
  let responseBody: Buffer | null = null;
  if (ctx.settings.returnOrderTopicConfigToBroker) {
    const table = ctx.kvConfig.getNamespace(ORDER_TOPIC_CONFIG_NAMESPACE);
    // Java's KVTable.encode(): fastjson defaults.
    if (table !== undefined) responseBody = encodeKVTable({ table }, 'legacy');
  }
  // Java always sends the response header, so extFields is {} for a master.
  return createResponse(request, ResponseCode.SUCCESS, {
    extFields: encodeRegisterBrokerResponseHeader(outcome),
    body: responseBody,
  });
}

function unregisterBroker(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, BROKER_IDENTITY_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  const { clusterName, brokerAddr, brokerName, brokerId } = checked.header;
  const removed = ctx.routes.unregisterBroker(clusterName, brokerAddr);
  ctx.logger.info('broker unregistered', {
    clusterName,
    brokerAddr,
    brokerName,
    brokerId,
    removedBrokerNames: removed.removedBrokerNames,
  });
  return createResponse(request, ResponseCode.SUCCESS);
}

function queryDataVersion(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, BROKER_IDENTITY_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  const { clusterName, brokerAddr } = checked.header;
  let brokerVersion: DataVersion | undefined;
  if (request.body !== null) {
    try {
      brokerVersion = decodeDataVersion(request.body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `Failed to decode DataVersion: ${reason}` });
    }
  }
  const changed =
    brokerVersion === undefined || ctx.routes.isBrokerTopicConfigChanged(clusterName, brokerAddr, brokerVersion);
  ctx.routes.updateBrokerInfoUpdateTimestamp(clusterName, brokerAddr);
  const stored = ctx.routes.queryBrokerTopicConfig(clusterName, brokerAddr);
  return createResponse(request, ResponseCode.SUCCESS, {
    extFields: encodeQueryDataVersionResponseHeader({ changed }),
    body: stored === undefined ? null : encodeDataVersion(stored, 'legacy'),
  });
}

/** Oneway in practice: the dispatcher drops the response then. */
function brokerHeartbeat(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, BROKER_HEARTBEAT_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  ctx.routes.updateBrokerInfoUpdateTimestamp(checked.header.clusterName, checked.header.brokerAddr);
  return createResponse(request, ResponseCode.SUCCESS);
}

function emptyDataVersion(): DataVersion {
  return { timestamp: 0, counter: 0, stateVersion: 0 };
}
