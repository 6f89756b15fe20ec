/**
 * Message bodies (NESTJS.md "Serialization"): msgpack by default (msgpackr, plain objects, no records),
 * JSON on request, Buffers passed through; the `content-type` property tells consumers how to decode.
 * Foreign messages without it: JSON when it parses, else UTF-8 text when valid, else the bytes.
 */
import { Packr } from 'msgpackr';

export const MSGPACK_CONTENT_TYPE = 'application/x-msgpack';
export const JSON_CONTENT_TYPE = 'application/json';
export const OCTET_STREAM_CONTENT_TYPE = 'application/octet-stream';

export interface BodySerializer {
  /** Written to the content-type property. */
  readonly contentType: string;
  serialize(data: unknown): Buffer;
}

export interface BodyDeserializer {
  deserialize(body: Buffer, contentType: string | undefined): unknown;
}

export type SerializerOption = 'msgpack' | 'json' | BodySerializer;

const packr = new Packr({ useRecords: false, moreTypes: false });

export const msgpackSerializer: BodySerializer = {
  contentType: MSGPACK_CONTENT_TYPE,
  serialize: (data) => packr.pack(data),
};

export const jsonSerializer: BodySerializer = {
  contentType: JSON_CONTENT_TYPE,
  serialize: (data) => Buffer.from(JSON.stringify(data ?? null), 'utf8'),
};

export function resolveSerializer(option: SerializerOption | undefined): BodySerializer {
  if (option === undefined || option === 'msgpack') return msgpackSerializer;
  if (option === 'json') return jsonSerializer;
  return option;
}

/** Buffers go raw whatever the serializer. */
export function encodeBody(data: unknown, serializer: BodySerializer): { body: Buffer; contentType: string } {
  if (Buffer.isBuffer(data)) return { body: data, contentType: OCTET_STREAM_CONTENT_TYPE };
  if (data instanceof Uint8Array) return { body: Buffer.from(data), contentType: OCTET_STREAM_CONTENT_TYPE };
  return { body: serializer.serialize(data), contentType: serializer.contentType };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const defaultDeserializer: BodyDeserializer = {
  deserialize(body, contentType) {
    switch (contentType) {
      case MSGPACK_CONTENT_TYPE:
        return packr.unpack(body);
      case JSON_CONTENT_TYPE:
        return JSON.parse(body.toString('utf8'));
      case OCTET_STREAM_CONTENT_TYPE:
        return body;
      default:
        return sniff(body);
    }
  },
};

function sniff(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return body;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
