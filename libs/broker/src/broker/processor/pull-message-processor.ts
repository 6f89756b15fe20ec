/**
 * PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361): broker-semantics.md 2.2-2.6. Validation in Java's order,
 * subscription from the request or from heartbeats, the tag filter on consume-queue hashes, status ->
 * response code with all four offset fields always present, commit-offset piggy-back, and long polling.
 */
import {
  ExpressionType,
  PULL_MESSAGE_REQUEST_HEADER,
  PullMessageRequestHeader,
  PullSysFlag,
  RemotingCommand,
  ResponseCode,
  SUB_ALL,
  SubscriptionData,
  buildSubscriptionData,
  encodePullMessageResponseHeader,
  isReadable,
} from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';
import { GetMessageResult, GetMessageStatus, TagsCodeFilter } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import type { HeldPull } from '../long-polling/pull-request-hold-service.js';
import { checkRequired, reply, replyWith } from './responses.js';

type ValidPullHeader = Partial<PullMessageRequestHeader> &
  Required<
    Pick<
      PullMessageRequestHeader,
      | 'consumerGroup'
      | 'topic'
      | 'queueId'
      | 'queueOffset'
      | 'maxMsgNums'
      | 'sysFlag'
      | 'commitOffset'
      | 'suspendTimeoutMillis'
      | 'subVersion'
    >
  >;

const STATUS_TO_CODE: Readonly<Record<GetMessageStatus, number>> = {
  FOUND: ResponseCode.SUCCESS,
  MESSAGE_WAS_REMOVING: ResponseCode.PULL_RETRY_IMMEDIATELY,
  NO_MATCHED_LOGIC_QUEUE: ResponseCode.PULL_OFFSET_MOVED,
  NO_MESSAGE_IN_QUEUE: ResponseCode.PULL_OFFSET_MOVED,
  NO_MATCHED_MESSAGE: ResponseCode.PULL_RETRY_IMMEDIATELY,
  OFFSET_FOUND_NULL: ResponseCode.PULL_NOT_FOUND,
  OFFSET_OVERFLOW_ONE: ResponseCode.PULL_NOT_FOUND,
  OFFSET_OVERFLOW_BADLY: ResponseCode.PULL_OFFSET_MOVED,
  OFFSET_TOO_SMALL: ResponseCode.PULL_OFFSET_MOVED,
};

/** The subscription's tag filter on consume-queue tag hashes (1.10); undefined = everything matches. */
export function tagFilterOf(subscription: SubscriptionData): TagsCodeFilter | undefined {
  if (subscription.subString === SUB_ALL || subscription.codeSet.length === 0) return undefined;
  const codes = new Set(subscription.codeSet);
  return (tagsCode) => codes.has(tagsCode);
}

export class PullMessageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  readonly processRequest = (
    request: RemotingCommand,
    connection: RemotingConnection,
  ): Promise<RemotingCommand | null> => this.process(request, connection, true);

  /** Re-runs a held pull (no suspension, no offset commit) and answers on its connection. */
  readonly reExecute = (held: HeldPull): void => {
    this.process(held.request, held.connection, false).then(
      (response) => {
        if (response !== null) held.connection.writeResponse(held.request, response);
      },
      (error: unknown) => {
        held.connection.writeResponse(held.request, reply(held.request, ResponseCode.SYSTEM_ERROR, String(error)));
      },
    );
  };

  private async process(
    request: RemotingCommand,
    connection: RemotingConnection,
    firstExecution: boolean,
  ): Promise<RemotingCommand | null> {
    const { options, topicConfigs, subscriptionGroups, consumerOffsets, store } = this.ctx;
    const decoded = PULL_MESSAGE_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, decoded, PULL_MESSAGE_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    const header = decoded as ValidPullHeader;

    if (!isReadable(options.brokerPermission)) {
      return reply(
        request,
        ResponseCode.NO_PERMISSION,
        `the broker[${options.brokerIP1}] pulling message is forbidden`,
      );
    }
    const group = subscriptionGroups.findOrCreate(header.consumerGroup);
    if (group === undefined) {
      return reply(
        request,
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group [${header.consumerGroup}] does not exist`,
      );
    }
    if (!group.consumeEnable) {
      return reply(request, ResponseCode.NO_PERMISSION, `subscription group no permission, ${header.consumerGroup}`);
    }
    const topicConfig = topicConfigs.get(header.topic);
    if (topicConfig === undefined) {
      return reply(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!`);
    }
    if (!isReadable(topicConfig.perm)) {
      return reply(request, ResponseCode.NO_PERMISSION, `the topic[${header.topic}] pulling message is forbidden`);
    }
    if (header.queueId < 0 || header.queueId >= topicConfig.readQueueNums) {
      return reply(
        request,
        ResponseCode.SYSTEM_ERROR,
        `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${topicConfig.readQueueNums}] consumer:[${connection.remoteAddress}]`,
      );
    }

    const subscription = this.resolveSubscription(request, header, group.consumeBroadcastEnable);
    if ('code' in subscription) return subscription;
    if (subscription.expressionType.toUpperCase() !== ExpressionType.TAG) {
      return reply(
        request,
        ResponseCode.SYSTEM_ERROR,
        'The broker does not support consumer to filter message by SQL92',
      );
    }

    const result = await store.getMessage(
      header.consumerGroup,
      header.topic,
      header.queueId,
      header.queueOffset,
      header.maxMsgNums,
      header.maxMsgBytes,
      tagFilterOf(subscription),
    );
    let code = STATUS_TO_CODE[result.status];
    if (
      (result.status === GetMessageStatus.NO_MATCHED_LOGIC_QUEUE ||
        result.status === GetMessageStatus.NO_MESSAGE_IN_QUEUE) &&
      header.queueOffset === 0
    ) {
      code = ResponseCode.PULL_NOT_FOUND;
    }

    const suspend = (header.sysFlag & PullSysFlag.SUSPEND) !== 0;
    if (firstExecution && (header.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0) {
      consumerOffsets.commitOffset(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
    }
    if (code === ResponseCode.PULL_NOT_FOUND && firstExecution && suspend) {
      this.ctx.pullHold.hold({
        request,
        connection,
        topic: header.topic,
        queueId: header.queueId,
        pullFromOffset: header.queueOffset,
        suspendedAt: Date.now(),
        timeoutMs: options.longPollingEnable ? header.suspendTimeoutMillis : options.shortPollingTimeMs,
        matches: matcherOf(tagFilterOf(subscription)),
      });
      return null;
    }
    return this.buildResponse(request, code, result);
  }

  private resolveSubscription(
    request: RemotingCommand,
    header: ValidPullHeader,
    consumeBroadcastEnable: boolean,
  ): SubscriptionData | RemotingCommand {
    if ((header.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0) {
      try {
        return buildSubscriptionData(header.topic, header.subscription, {
          expressionType: header.expressionType ?? ExpressionType.TAG,
          subVersion: header.subVersion,
        });
      } catch (error) {
        return reply(
          request,
          ResponseCode.SUBSCRIPTION_PARSE_FAILED,
          `parse the consumer's subscription failed: ${String(error)}`,
        );
      }
    }
    const info = this.ctx.consumers.get(header.consumerGroup);
    if (info === undefined) {
      return reply(
        request,
        ResponseCode.SUBSCRIPTION_NOT_EXIST,
        `the consumer's group info not exist ${header.consumerGroup}`,
      );
    }
    if (info.messageModel === 'BROADCASTING' && !consumeBroadcastEnable) {
      return reply(
        request,
        ResponseCode.NO_PERMISSION,
        `the consumer group[${header.consumerGroup}] can not consume by broadcast way`,
      );
    }
    const subscription = info.subscriptions.get(header.topic);
    if (subscription === undefined) {
      return reply(
        request,
        ResponseCode.SUBSCRIPTION_NOT_EXIST,
        `the consumer's subscription not exist ${header.topic}`,
      );
    }
    if (subscription.subVersion < header.subVersion) {
      return reply(request, ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
    }
    return subscription;
  }

  private buildResponse(request: RemotingCommand, code: number, result: GetMessageResult): RemotingCommand {
    const extFields = encodePullMessageResponseHeader({
      suggestWhichBrokerId: 0,
      nextBeginOffset: result.nextBeginOffset,
      minOffset: result.minOffset,
      maxOffset: result.maxOffset,
    });
    const body =
      code === ResponseCode.SUCCESS
        ? result.messageBuffers.length === 1
          ? result.messageBuffers[0]!
          : Buffer.concat(result.messageBuffers, result.bufferTotalSize)
        : null;
    return replyWith(request, code, extFields, body, result.status);
  }
}

function matcherOf(filter: TagsCodeFilter | undefined): (tagsCode: number | undefined) => boolean {
  if (filter === undefined) return () => true;
  return (tagsCode) => tagsCode === undefined || filter(tagsCode);
}
