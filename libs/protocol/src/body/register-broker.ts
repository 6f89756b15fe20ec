/**
 * RegisterBrokerBody, the REGISTER_BROKER (103) request body (remoting-protocol.md 2.10.1).
 *
 * JSON form (header compressed=false):
 *   {"filterServerList":[...],"topicConfigSerializeWrapper":{TopicConfigSerializeWrapper}}
 * Compressed form (compressed=true): a zlib stream (level 9, zlib header 0x78) of
 *   int32 len + DataVersion JSON
 *   int32 topicCount, then per topic: int32 len + TopicConfig line (topic-config.ts)
 *   int32 len + filterServerList JSON array
 *   [request version >= 413 (V5_0_0)] int32 mappingCount, then per mapping: int32 len + TopicQueueMappingInfo JSON
 * All ints big-endian, text UTF-8. Requests below version 37 (V3_0_11) carry a bare
 * TopicConfigSerializeWrapper instead.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { MQVersion } from '../codes/mq-version.js';
import { ProtocolError } from '../errors.js';
import { encodeJsonBody, JsonMode, writeFastjson } from './fastjson-writer.js';
import { asObject, asString, asStringArray, parseJsonBody } from './json-read.js';
import {
  DataVersion,
  dataVersionFromJson,
  dataVersionToJson,
  TopicConfig,
  topicConfigFromLine,
  TopicConfigSerializeWrapper,
  topicConfigSerializeWrapperFromJson,
  topicConfigSerializeWrapperToJson,
  topicConfigToLine,
} from './topic-config.js';
import { JsonValue, parseTolerantJson, tryParseTolerantJson } from './tolerant-json.js';

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

export interface RegisterBrokerBodyDecodeOptions {
  /** Header `compressed`. */
  compressed?: boolean;
  /** Request `version`; below 37 the body is a bare TopicConfigSerializeWrapper. Defaults to current. */
  version?: number;
  /** Inflation cap for the compressed form. */
  maxInflatedBytes?: number;
}

export const DEFAULT_MAX_REGISTER_BODY_INFLATED_BYTES = 64 * 1024 * 1024;
const ZLIB_HEADER_BYTE = 0x78;

export function encodeRegisterBrokerBody(body: RegisterBrokerBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(
    {
      filterServerList: body.filterServerList,
      topicConfigSerializeWrapper: topicConfigSerializeWrapperToJson(body.topicConfigSerializeWrapper),
    },
    mode,
  );
}

function registerBrokerBodyFromJson(value: JsonValue): RegisterBrokerBody {
  const object = asObject(value);
  return {
    topicConfigSerializeWrapper: topicConfigSerializeWrapperFromJson(object['topicConfigSerializeWrapper'] ?? null),
    filterServerList: asStringArray(object['filterServerList']),
  };
}

/**
 * Decodes any REGISTER_BROKER body. A body that fails as JSON but starts with a zlib header is tried as
 * the compressed form: 5.3.x brokers send compressed bodies with `compressed=false` (spec 2.10.1 [?]).
 */
export function decodeRegisterBrokerBody(
  body: Buffer,
  options: RegisterBrokerBodyDecodeOptions = {},
): RegisterBrokerBody {
  const version = options.version ?? MQVersion.V5_0_0;
  if (options.compressed === true) return decodeCompressedRegisterBrokerBody(body, options);
  if (version < MQVersion.V3_0_11) {
    return {
      topicConfigSerializeWrapper: topicConfigSerializeWrapperFromJson(
        parseJsonBody(body, 'TopicConfigSerializeWrapper'),
      ),
      filterServerList: [],
    };
  }
  const parsed = body[0] === ZLIB_HEADER_BYTE ? tryParseTolerantJson(body) : parseJsonBody(body, 'RegisterBrokerBody');
  if (parsed === undefined) return decodeCompressedRegisterBrokerBody(body, options);
  return registerBrokerBodyFromJson(parsed);
}

/** The compressed form; `version` >= 413 appends the static-topic mapping section. */
export function encodeCompressedRegisterBrokerBody(body: RegisterBrokerBody, version: number): Buffer {
  const wrapper = body.topicConfigSerializeWrapper;
  const withV5 = version >= MQVersion.V5_0_0;
  const chunks: Buffer[] = [];
  const pushInt = (value: number): void => {
    const int = Buffer.allocUnsafe(4);
    int.writeInt32BE(value, 0);
    chunks.push(int);
  };
  const pushText = (text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    pushInt(bytes.length);
    chunks.push(bytes);
  };
  pushText(writeFastjson(dataVersionToJson(wrapper.dataVersion), 'legacy'));
  const configs = Object.values(wrapper.topicConfigTable);
  pushInt(configs.length);
  for (const config of configs) pushText(topicConfigToLine(config, withV5));
  pushText(writeFastjson(body.filterServerList, 'legacy'));
  if (withV5) {
    const mappings = Object.values(wrapper.topicQueueMappingInfoMap ?? {});
    pushInt(mappings.length);
    for (const mapping of mappings) pushText(writeFastjson(mapping, 'legacy'));
  }
  return deflateSync(Buffer.concat(chunks), { level: 9 });
}

export function decodeCompressedRegisterBrokerBody(
  body: Buffer,
  options: RegisterBrokerBodyDecodeOptions = {},
): RegisterBrokerBody {
  let raw: Buffer;
  try {
    raw = inflateSync(body, { maxOutputLength: options.maxInflatedBytes ?? DEFAULT_MAX_REGISTER_BODY_INFLATED_BYTES });
  } catch (cause) {
    throw new ProtocolError('compressed RegisterBrokerBody does not inflate', { cause });
  }
  const reader = new ChunkReader(raw);
  const dataVersion: DataVersion = dataVersionFromJson(parseTolerantJson(reader.text()));
  const topicCount = reader.int();
  const topicConfigTable: Record<string, TopicConfig> = Object.create(null) as Record<string, TopicConfig>;
  for (let i = 0; i < topicCount; i++) {
    const config = topicConfigFromLine(reader.text());
    if (config !== undefined) topicConfigTable[config.topicName] = config;
  }
  const filterServerList = asStringArray(parseTolerantJson(reader.text()));
  const wrapper: TopicConfigSerializeWrapper = { topicConfigTable, dataVersion };
  if (reader.remaining() >= 4) {
    const mappingCount = reader.int();
    const infoMap: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
    for (let i = 0; i < mappingCount; i++) {
      const info = parseTolerantJson(reader.text());
      infoMap[asString(asObject(info)['topic'])] = info;
    }
    wrapper.topicQueueMappingInfoMap = infoMap;
  }
  return { topicConfigSerializeWrapper: wrapper, filterServerList };
}

class ChunkReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  remaining(): number {
    return this.buffer.length - this.offset;
  }

  int(): number {
    if (this.remaining() < 4) throw new ProtocolError('compressed RegisterBrokerBody is truncated');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  text(): string {
    const length = this.int();
    if (length < 0 || length > this.remaining()) throw new ProtocolError('compressed RegisterBrokerBody is truncated');
    const text = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }
}
