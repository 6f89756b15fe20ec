/**
 * Message bodies (NESTJS.md "Serialization"): msgpack by default (msgpackr, plain objects, no records),
 * JSON on request, Buffers passed through; the `content-type` property tells consumers how to decode.
 * Foreign messages without it (a Java producer, the console): JSON when it parses, else UTF-8 text when
 * valid, else the bytes. The body is the payload itself, never an envelope, so foreign consumers read it.
 */
import { Packr } from 'msgpackr';

export const MSGPACK_CONTENT_TYPE = 'application/x-msgpack';
export const JSON_CONTENT_TYPE = 'application/json';
export const TEXT_CONTENT_TYPE = 'text/plain';
export const OCTET_STREAM_CONTENT_TYPE = 'application/octet-stream';

/**
 * Turns payloads into bodies. Nest-style serializers (`serialize(value)` only) fit too: without a
 * `contentType` no property is written and consumers sniff the body.
 */
export interface BodySerializer {
  /** Written to the content-type property. */
  readonly contentType?: string;
  serialize(data: unknown): Buffer | Uint8Array | string;
}

export interface BodyDeserializer {
  deserialize(body: Buffer, contentType: string | undefined): unknown;
}

export type SerializerOption = 'msgpack' | 'json' | BodySerializer;

const packr = new Packr({ useRecords: false, moreTypes: false });

export const msgpackSerializer: BodySerializer = Object.freeze({
  contentType: MSGPACK_CONTENT_TYPE,
  serialize: (data: unknown) => packr.pack(data),
});

export const jsonSerializer: BodySerializer = Object.freeze({
  contentType: JSON_CONTENT_TYPE,
  serialize: (data: unknown) => Buffer.from(JSON.stringify(data ?? null), 'utf8'),
});

export function resolveSerializer(option: SerializerOption | undefined): BodySerializer {
  if (option === undefined || option === 'msgpack') return msgpackSerializer;
  if (option === 'json') return jsonSerializer;
  return option;
}

export interface EncodedBody {
  body: Buffer;
  /** undefined: write no content-type property. */
  contentType: string | undefined;
}

/** Buffers and byte arrays go raw whatever the serializer (views, not copies). */
export function encodeBody(data: unknown, serializer: BodySerializer): EncodedBody {
  if (data instanceof Uint8Array) return { body: asBuffer(data), contentType: OCTET_STREAM_CONTENT_TYPE };
  const out = serializer.serialize(data);
  if (typeof out === 'string') return { body: Buffer.from(out, 'utf8'), contentType: serializer.contentType };
  return { body: asBuffer(out), contentType: serializer.contentType };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const defaultDeserializer: BodyDeserializer = Object.freeze({
  deserialize(body: Buffer, contentType: string | undefined): unknown {
    // Parameters such as `; charset=utf-8` do not change how we decode.
    const type = contentType?.split(';', 1)[0]!.trim().toLowerCase();
    switch (type) {
      case MSGPACK_CONTENT_TYPE:
        return packr.unpack(body);
      case JSON_CONTENT_TYPE:
        return JSON.parse(body.toString('utf8'));
      case TEXT_CONTENT_TYPE:
        return body.toString('utf8');
      case OCTET_STREAM_CONTENT_TYPE:
        return body;
      default:
        return sniff(body);
    }
  },
});

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
