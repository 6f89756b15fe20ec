/**
 * NameServer KV config (broker-semantics.md 8.6): namespace -> {key -> value}, persisted as Java's
 * KVConfigSerializeWrapper `{"configTable":{"<namespace>":{"<key>":"<value>"}}}` after every change and
 * loaded at start. Writes are atomic (atomic-file.ts) and serialized; changes made while a write runs are
 * gathered into the next one.
 */
import {
  isJsonObject,
  JsonValue,
  JsonWritable,
  Logger,
  parseTolerantJson,
  RemotingError,
  writeFastjson,
} from '@rocketnest/protocol';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';

/** The namespace whose values become `orderTopicConf` in routes (`broker-a:4;broker-b:4`). */
export const ORDER_TOPIC_CONFIG_NAMESPACE = 'ORDER_TOPIC_CONFIG';

export class KVConfigManager {
  private readonly configTable = new Map<string, Map<string, string>>();
  /** The last write started or queued; the next one runs after it, whatever its outcome. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** A write queued and not started yet: later changes join it. */
  private queuedWrite: Promise<void> | null = null;

  /** `path` null keeps the table in memory only. */
  constructor(
    private readonly path: string | null,
    private readonly logger: Logger,
  ) {}

  /** Reads the file (startup only); a missing file is an empty table, an unreadable one an error. */
  async load(): Promise<void> {
    if (this.path === null) return;
    const text = await readFileIfExists(this.path);
    if (text === undefined || text.trim() === '') return;
    let parsed;
    try {
      parsed = parseTolerantJson(text);
    } catch (cause) {
      throw new RemotingError(`KV config file ${this.path} is not valid JSON`, { cause });
    }
    const table = isJsonObject(parsed) ? parsed['configTable'] : undefined;
    if (!isJsonObject(table)) return;
    for (const [namespace, entries] of Object.entries(table)) {
      this.configTable.set(namespace, readEntries(entries));
    }
    this.logger.info('KV config loaded', { path: this.path, namespaces: this.configTable.size });
  }

  /** Sets the value and resolves once it is on disk. */
  put(namespace: string, key: string, value: string): Promise<void> {
    let entries = this.configTable.get(namespace);
    if (entries === undefined) {
      entries = new Map();
      this.configTable.set(namespace, entries);
    }
    const previous = entries.get(key);
    entries.set(key, value);
    this.logger.info(previous === undefined ? 'KV config added' : 'KV config updated', { namespace, key });
    return this.persist();
  }

  get(namespace: string, key: string): string | undefined {
    return this.configTable.get(namespace)?.get(key);
  }

  /** Removes the key (the namespace stays, possibly empty, as in Java) and resolves once on disk. */
  delete(namespace: string, key: string): Promise<void> {
    const entries = this.configTable.get(namespace);
    if (entries === undefined || !entries.delete(key)) return Promise.resolve();
    this.logger.info('KV config deleted', { namespace, key });
    return this.persist();
  }

  /** A copy of the namespace's entries, or undefined when the namespace was never written. */
  getNamespace(namespace: string): Record<string, string> | undefined {
    const entries = this.configTable.get(namespace);
    if (entries === undefined) return undefined;
    const copy = Object.create(null) as Record<string, string>;
    for (const [key, value] of entries) copy[key] = value;
    return copy;
  }

  /** Resolves once every change made so far is on disk. */
  flush(): Promise<void> {
    return this.lastWrite;
  }

  private persist(): Promise<void> {
    const path = this.path;
    if (path === null) return Promise.resolve();
    if (this.queuedWrite !== null) return this.queuedWrite;
    const write = async (): Promise<void> => {
      this.queuedWrite = null;
      await writeFileAtomic(path, this.serialize());
    };
    const queued = this.lastWrite.then(write, write);
    this.queuedWrite = queued;
    this.lastWrite = queued;
    return queued;
  }

  private serialize(): string {
    const namespaces = new Map<string, JsonWritable>();
    for (const [namespace, entries] of this.configTable) namespaces.set(namespace, new Map(entries));
    return writeFastjson({ configTable: namespaces }, 'legacy');
  }
}

/** fastjson reads numbers and booleans into String fields: keep them as text, drop nested values. */
function readEntries(value: JsonValue): Map<string, string> {
  const entries = new Map<string, string>();
  if (!isJsonObject(value)) return entries;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') entries.set(key, item);
    else if (typeof item === 'number' || typeof item === 'bigint' || typeof item === 'boolean') {
      entries.set(key, String(item));
    }
  }
  return entries;
}
