/**
 * Route and topic requests from clients and tools (remoting-protocol.md 2.10.4-2.10.5): GET_ROUTEINFO_BY_TOPIC,
 * GET_BROKER_CLUSTER_INFO, topic lists (all, by cluster, system, unit), DELETE/REGISTER_TOPIC_IN_NAMESRV,
 * write-permission switches.
 * Routes are written in standard JSON to every client whatever its version (quoted keys): old Java clients
 * read it too, and `JSON.parse`-based clients need it ([DECIDE] in 1.12). ClusterInfo keeps Java's bare keys
 * by default (options.clusterInfoJsonMode), the only form tools have ever received for it.
 */
import {
  BROKER_NAME_REQUEST_HEADER,
  DELETE_TOPIC_FROM_NAMESRV_REQUEST_HEADER,
  GET_ROUTE_INFO_REQUEST_HEADER,
  GET_TOPICS_BY_CLUSTER_REQUEST_HEADER,
  REGISTER_TOPIC_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  TopicRouteData,
  createResponse,
  decodeTopicRouteData,
  encodeAddWritePermOfBrokerResponseHeader,
  encodeClusterInfo,
  encodeTopicList,
  encodeTopicRouteData,
  encodeWipeWritePermOfBrokerResponseHeader,
} from '@rocketnest/protocol';
import type { ProcessRequestFn } from '@rocketnest/remoting';
import { ORDER_TOPIC_CONFIG_NAMESPACE } from '../kv-config-manager.js';
import { DISABLE_REMARK, topicRouteNotExistRemark } from '../namesrv-remarks.js';
import { checkHeader } from './header-guard.js';
import type { UnitTopicKind } from '../route-info-manager.js';
import type { NamesrvContext } from './namesrv-context.js';

export function routeRequestProcessors(ctx: NamesrvContext): Array<[number, ProcessRequestFn]> {
  return [
    [RequestCode.GET_ROUTEINFO_BY_TOPIC, (request) => getRouteInfo(ctx, request)],
    [
      RequestCode.GET_BROKER_CLUSTER_INFO,
      (request) => success(request, encodeClusterInfo(ctx.routes.getAllClusterInfo(), ctx.options.clusterInfoJsonMode)),
    ],
    [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (request) => getAllTopicList(ctx, request)],
    [RequestCode.GET_TOPICS_BY_CLUSTER, (request) => getTopicsByCluster(ctx, request)],
    [
      RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS,
      (request) => success(request, encodeTopicList(ctx.routes.getSystemTopicList())),
    ],
    [RequestCode.GET_UNIT_TOPIC_LIST, (request) => getUnitTopicList(ctx, request, 'unit')],
    [RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, (request) => getUnitTopicList(ctx, request, 'unitSub')],
    [RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, (request) => getUnitTopicList(ctx, request, 'unitSubNotUnit')],
    [RequestCode.DELETE_TOPIC_IN_NAMESRV, (request) => deleteTopic(ctx, request)],
    [RequestCode.REGISTER_TOPIC_IN_NAMESRV, (request) => registerTopic(ctx, request)],
    [RequestCode.WIPE_WRITE_PERM_OF_BROKER, (request) => writePerm(ctx, request, 'wipe')],
    [RequestCode.ADD_WRITE_PERM_OF_BROKER, (request) => writePerm(ctx, request, 'add')],
  ];
}

function success(request: RemotingCommand, body: Buffer): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, { body });
}

function getRouteInfo(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, GET_ROUTE_INFO_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  const topic = checked.header.topic;
  const draft = ctx.routes.pickupTopicRouteData(topic);
  if (draft === undefined) {
    return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: topicRouteNotExistRemark(topic) });
  }
  const route: TopicRouteData = { ...draft };
  if (ctx.settings.orderMessageEnable) {
    const conf = ctx.kvConfig.get(ORDER_TOPIC_CONFIG_NAMESPACE, topic);
    if (conf !== undefined) route.orderTopicConf = conf;
  }
  return success(request, encodeTopicRouteData(route, 'standard'));
}

function getAllTopicList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  if (!ctx.settings.enableAllTopicList) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: DISABLE_REMARK });
  }
  return success(request, encodeTopicList({ topicList: ctx.routes.getAllTopicList() }));
}

function getTopicsByCluster(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  if (!ctx.settings.enableTopicList) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: DISABLE_REMARK });
  }
  const checked = checkHeader(request, GET_TOPICS_BY_CLUSTER_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  return success(request, encodeTopicList({ topicList: ctx.routes.getTopicsByCluster(checked.header.cluster) }));
}

/** Java answers these three only when `enableTopicList` is on, like GET_TOPICS_BY_CLUSTER. */
function getUnitTopicList(ctx: NamesrvContext, request: RemotingCommand, kind: UnitTopicKind): RemotingCommand {
  if (!ctx.settings.enableTopicList) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: DISABLE_REMARK });
  }
  return success(request, encodeTopicList({ topicList: ctx.routes.getUnitTopics(kind) }));
}

function deleteTopic(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, DELETE_TOPIC_FROM_NAMESRV_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  ctx.routes.deleteTopic(checked.header.topic, checked.header.clusterName);
  return createResponse(request, ResponseCode.SUCCESS);
}

function registerTopic(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, REGISTER_TOPIC_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  if (request.body === null) return createResponse(request, ResponseCode.SUCCESS);
  let route: TopicRouteData;
  try {
    route = decodeTopicRouteData(request.body);
  } catch (error) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, {
      remark: `Failed to decode TopicRouteData: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const unknown = ctx.routes.registerTopic(checked.header.topic, route.queueDatas);
  // Java answers SUCCESS here too and only logs: the request came from a tool, not a broker.
  if (unknown !== undefined) {
    ctx.logger.warn('REGISTER_TOPIC_IN_NAMESRV names an unknown broker, ignored', {
      topic: checked.header.topic,
      brokerName: unknown,
    });
  }
  return createResponse(request, ResponseCode.SUCCESS);
}

function writePerm(ctx: NamesrvContext, request: RemotingCommand, kind: 'wipe' | 'add'): RemotingCommand {
  const checked = checkHeader(request, BROKER_NAME_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  const name = checked.header.brokerName;
  if (kind === 'wipe') {
    const wipeTopicCount = ctx.routes.wipeWritePermOfBroker(name);
    return createResponse(request, ResponseCode.SUCCESS, {
      extFields: encodeWipeWritePermOfBrokerResponseHeader({ wipeTopicCount }),
    });
  }
  const addTopicCount = ctx.routes.addWritePermOfBroker(name);
  return createResponse(request, ResponseCode.SUCCESS, {
    extFields: encodeAddWritePermOfBrokerResponseHeader({ addTopicCount }),
  });
}
