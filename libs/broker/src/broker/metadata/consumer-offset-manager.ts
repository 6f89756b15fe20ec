/**
 * Committed consumer offsets (broker-semantics.md 3.3; ConsumerOffsetManager upstream): `topic@group` ->
 * queueId -> next offset to consume. Commits overwrite (no monotonic check). Persisted to
 * `config/consumerOffset.json` periodically and at shutdown, in Java's shape with quoted keys.
 */
import { JsonValue, Logger, isJsonObject, parseTolerantJson } from '@rocketnest/protocol';
import { PersistedJson } from './persisted-json.js';

const TOPIC_GROUP_SEPARATOR = '@';

export class ConsumerOffsetManager {
  private readonly table = new Map<string, Map<number, number>>();
  private readonly file: PersistedJson;
  private dirty = false;

  constructor(path: string, logger: Logger) {
    this.file = new PersistedJson(path, () => this.render(), logger);
  }

  async load(): Promise<void> {
    const text = await this.file.read();
    if (text === undefined) return;
    const root = parseTolerantJson(text);
    const offsetTable: JsonValue | undefined = isJsonObject(root) ? root['offsetTable'] : undefined;
    if (!isJsonObject(offsetTable)) return;
    for (const [key, queues] of Object.entries(offsetTable)) {
      if (!isJsonObject(queues)) continue;
      const byQueue = new Map<number, number>();
      for (const [queueId, offset] of Object.entries(queues)) {
        const value = Number(offset);
        if (Number.isSafeInteger(value)) byQueue.set(Number(queueId), value);
      }
      this.table.set(key, byQueue);
    }
  }

  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = topic + TOPIC_GROUP_SEPARATOR + group;
    let byQueue = this.table.get(key);
    if (byQueue === undefined) {
      byQueue = new Map();
      this.table.set(key, byQueue);
    }
    byQueue.set(queueId, offset);
    this.dirty = true;
  }

  /** The committed offset, or -1 when the group never committed one for this queue. */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.table.get(topic + TOPIC_GROUP_SEPARATOR + group)?.get(queueId) ?? -1;
  }

  /** queueId -> offset for one topic and group (admin consume stats, reset). */
  queryOffsets(group: string, topic: string): ReadonlyMap<number, number> {
    return this.table.get(topic + TOPIC_GROUP_SEPARATOR + group) ?? new Map();
  }

  /** Topics a group has offsets for. */
  topicsOfGroup(group: string): string[] {
    const topics: string[] = [];
    for (const key of this.table.keys()) {
      const at = key.lastIndexOf(TOPIC_GROUP_SEPARATOR);
      if (key.slice(at + 1) === group) topics.push(key.slice(0, at));
    }
    return topics;
  }

  /** Groups with offsets for a topic. */
  groupsOfTopic(topic: string): string[] {
    const groups: string[] = [];
    for (const key of this.table.keys()) {
      const at = key.lastIndexOf(TOPIC_GROUP_SEPARATOR);
      if (key.slice(0, at) === topic) groups.push(key.slice(at + 1));
    }
    return groups;
  }

  removeGroup(group: string): void {
    for (const key of [...this.table.keys()]) {
      if (key.slice(key.lastIndexOf(TOPIC_GROUP_SEPARATOR) + 1) === group) this.table.delete(key);
    }
    this.dirty = true;
  }

  removeTopic(topic: string): void {
    for (const key of [...this.table.keys()]) {
      if (key.slice(0, key.lastIndexOf(TOPIC_GROUP_SEPARATOR)) === topic) this.table.delete(key);
    }
    this.dirty = true;
  }

  /** Writes the table if anything changed since the last write. */
  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await this.file.persist();
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }

  private render(): string {
    const offsetTable: Record<string, Record<string, number>> = {};
    for (const [key, byQueue] of this.table) offsetTable[key] = Object.fromEntries(byQueue);
    return JSON.stringify({ offsetTable });
  }
}
