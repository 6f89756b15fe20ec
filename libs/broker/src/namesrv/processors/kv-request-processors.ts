/** KV config requests (broker-semantics.md 8.6): PUT/GET/DELETE_KV_CONFIG and GET_KVLIST_BY_NAMESPACE. */
import {
  GET_KV_LIST_BY_NAMESPACE_REQUEST_HEADER,
  KV_CONFIG_KEY_REQUEST_HEADER,
  PUT_KV_CONFIG_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  createResponse,
  encodeGetKVConfigResponseHeader,
  encodeKVTable,
} from '@rocketnest/protocol';
import type { ProcessRequestFn } from '@rocketnest/remoting';
import { kvConfigNotFoundRemark } from '../namesrv-remarks.js';
import { checkHeader } from './header-guard.js';
import type { NamesrvContext } from './namesrv-context.js';

export function kvRequestProcessors(ctx: NamesrvContext): Array<[number, ProcessRequestFn]> {
  return [
    [RequestCode.PUT_KV_CONFIG, (request) => putKv(ctx, request)],
    [RequestCode.GET_KV_CONFIG, (request) => getKv(ctx, request)],
    [RequestCode.DELETE_KV_CONFIG, (request) => deleteKv(ctx, request)],
    [RequestCode.GET_KVLIST_BY_NAMESPACE, (request) => getKvList(ctx, request)],
  ];
}

async function putKv(ctx: NamesrvContext, request: RemotingCommand): Promise<RemotingCommand> {
  const checked = checkHeader(request, PUT_KV_CONFIG_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  await ctx.kvConfig.put(checked.header.namespace, checked.header.key, checked.header.value);
  return createResponse(request, ResponseCode.SUCCESS);
}

function getKv(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, KV_CONFIG_KEY_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  const { namespace, key } = checked.header;
  const value = ctx.kvConfig.get(namespace, key);
  if (value === undefined) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: kvConfigNotFoundRemark(namespace, key) });
  }
  return createResponse(request, ResponseCode.SUCCESS, { extFields: encodeGetKVConfigResponseHeader({ value }) });
}

async function deleteKv(ctx: NamesrvContext, request: RemotingCommand): Promise<RemotingCommand> {
  const checked = checkHeader(request, KV_CONFIG_KEY_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  await ctx.kvConfig.delete(checked.header.namespace, checked.header.key);
  return createResponse(request, ResponseCode.SUCCESS);
}

function getKvList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const checked = checkHeader(request, GET_KV_LIST_BY_NAMESPACE_REQUEST_HEADER);
  if (checked.error !== undefined) return checked.error;
  const table = ctx.kvConfig.getNamespace(checked.header.namespace);
  if (table === undefined) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, {
      remark: kvConfigNotFoundRemark(checked.header.namespace),
    });
  }
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeKVTable({ table }) });
}
