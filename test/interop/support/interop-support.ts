/**
 * Helpers shared by the interop suites: unique names, bounded polling, and the raw admin calls our client
 * makes against either broker (remoting-protocol.md 2.9, 2.10).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_TOPIC_PERM,
  RequestCode,
  ResponseCode,
  decodeConsumeStats,
  encodeCreateTopicRequestHeader,
  type ConsumeStats,
} from '@rocketnest/protocol';
import type { MQClientAPI } from '@rocketnest/client';

let counter = 0;

/** A topic or group name unique within the run, in the character set both brokers accept. */
export function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** Polls `condition` until it holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  stepMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Settles after `ms`; only to give an unwanted delivery the chance to show up before asserting its absence. */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** UPDATE_AND_CREATE_TOPIC straight to a broker (what `mqadmin updateTopic -b` sends), then waits for the route. */
export async function createTopicRaw(
  api: MQClientAPI,
  brokerAddr: string,
  namesrvAddr: string,
  topic: string,
  queueNums: number,
  order = false,
): Promise<void> {
  const header = encodeCreateTopicRequestHeader({
    topic,
    defaultTopic: 'TBW102',
    readQueueNums: queueNums,
    writeQueueNums: queueNums,
    perm: DEFAULT_TOPIC_PERM,
    topicFilterType: 'SINGLE_TAG',
    order,
  });
  await api.call(brokerAddr, api.command(RequestCode.UPDATE_AND_CREATE_TOPIC, header));
  await waitFor(`route of ${topic}`, async () => {
    const route = await api.getTopicRouteInfo(namesrvAddr, topic);
    return route !== undefined && route.queueDatas.some((q) => q.readQueueNums === queueNums);
  });
}

/** GET_CONSUME_STATS of a group on one broker (what `mqadmin consumerProgress` asks each broker). */
export async function consumeStats(
  api: MQClientAPI,
  brokerAddr: string,
  group: string,
  topic?: string,
): Promise<ConsumeStats> {
  const extFields: Record<string, string> = { consumerGroup: group };
  if (topic !== undefined) extFields['topic'] = topic;
  const response = await api.call(brokerAddr, api.command(RequestCode.GET_CONSUME_STATS, extFields), [
    ResponseCode.SUCCESS,
  ]);
  if (response.body === null) throw new Error(`GET_CONSUME_STATS for ${group}: empty body`);
  return decodeConsumeStats(response.body);
}

/** A temp folder removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
