/**
 * UPDATE_NAMESRV_CONFIG (318) and GET_NAMESRV_CONFIG (319), minimal: bodies are Java properties text
 * (java-properties.ts); only the settings of namesrv-settings.ts change at runtime, other known or unknown
 * keys are accepted and ignored, as Java's Configuration.update ignores what it cannot apply.
 */
import { createResponse, RemotingCommand, RequestCode, ResponseCode } from '@rocketnest/protocol';
import type { ProcessRequestFn } from '@rocketnest/remoting';
import { formatJavaProperties, parseJavaProperties } from '../java-properties.js';
import { namesrvConfigEntries, updateNamesrvSettings } from '../namesrv-settings.js';
import { CONFIG_BLACK_LIST_REMARK, STRING_TO_PROPERTIES_ERROR_REMARK } from '../namesrv-remarks.js';
import type { NamesrvContext } from './namesrv-context.js';

export function configRequestProcessors(ctx: NamesrvContext): Array<[number, ProcessRequestFn]> {
  return [
    [RequestCode.UPDATE_NAMESRV_CONFIG, (request) => updateConfig(ctx, request)],
    [RequestCode.GET_NAMESRV_CONFIG, (request) => getConfig(ctx, request)],
  ];
}

function updateConfig(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  if (request.body === null) return createResponse(request, ResponseCode.SUCCESS);
  const entries = parseJavaProperties(request.body.toString('utf8'));
  if (entries === undefined) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: STRING_TO_PROPERTIES_ERROR_REMARK });
  }
  const outcome = updateNamesrvSettings(ctx.settings, entries);
  if (!outcome.ok) {
    ctx.logger.warn('namesrv config update refused', { blackListed: outcome.blackListed });
    return createResponse(request, ResponseCode.NO_PERMISSION, { remark: CONFIG_BLACK_LIST_REMARK });
  }
  ctx.logger.info('namesrv config updated', { applied: outcome.applied, ignored: outcome.ignored });
  if (outcome.applied.length > 0) ctx.onSettingsChanged();
  return createResponse(request, ResponseCode.SUCCESS);
}

function getConfig(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const text = formatJavaProperties(namesrvConfigEntries(ctx.options, ctx.settings, ctx.listenPort()));
  return createResponse(request, ResponseCode.SUCCESS, { body: Buffer.from(text, 'utf8') });
}
