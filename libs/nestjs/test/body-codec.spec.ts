import { describe, expect, it } from 'vitest';
import {
  BodySerializer,
  JSON_CONTENT_TYPE,
  MSGPACK_CONTENT_TYPE,
  OCTET_STREAM_CONTENT_TYPE,
  defaultDeserializer,
  encodeBody,
  jsonSerializer,
  msgpackSerializer,
  resolveSerializer,
} from '@rocketnest/nestjs';

const decode = (body: Buffer, contentType?: string): unknown => defaultDeserializer.deserialize(body, contentType);

describe('encodeBody', () => {
  it('writes msgpack by default and names it in the content type', () => {
    const encoded = encodeBody({ id: 'o-1', amount: 3, tags: ['a'] }, resolveSerializer(undefined));
    expect(encoded.contentType).toBe(MSGPACK_CONTENT_TYPE);
    expect(decode(encoded.body, encoded.contentType)).toEqual({ id: 'o-1', amount: 3, tags: ['a'] });
  });

  it('writes plain msgpack maps, not msgpackr records, so other msgpack readers decode it', () => {
    const a = encodeBody({ x: 1 }, msgpackSerializer);
    const b = encodeBody({ x: 2 }, msgpackSerializer);
    // map16 (0xde) with one entry, never a record extension (0xd4..0xd8, 0xc7..0xc9).
    expect([...a.body]).toEqual([0xde, 0x00, 0x01, 0xa1, 0x78, 0x01]);
    expect(b.body[0]).toBe(0xde);
  });

  it('writes JSON when asked', () => {
    const encoded = encodeBody({ id: 'o-1' }, resolveSerializer('json'));
    expect(encoded).toEqual({ body: Buffer.from('{"id":"o-1"}'), contentType: JSON_CONTENT_TYPE });
  });

  it('passes Buffers through untouched (same memory) whatever the serializer', () => {
    const raw = Buffer.from([0xff, 0x00, 0x01]);
    const encoded = encodeBody(raw, jsonSerializer);
    expect(encoded.body).toBe(raw);
    expect(encoded.contentType).toBe(OCTET_STREAM_CONTENT_TYPE);
  });

  it('wraps a Uint8Array as a Buffer view without copying', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    const encoded = encodeBody(bytes, msgpackSerializer);
    expect([...encoded.body]).toEqual([2, 3]);
    expect(encoded.body.buffer).toBe(bytes.buffer);
  });

  it('accepts a Nest-style serializer without content type (string output, no property)', () => {
    const custom: BodySerializer = { serialize: (data) => `v1:${JSON.stringify(data)}` };
    expect(encodeBody({ a: 1 }, custom)).toEqual({ body: Buffer.from('v1:{"a":1}'), contentType: undefined });
  });
});

describe('defaultDeserializer', () => {
  it('decodes by content type, ignoring parameters', () => {
    expect(decode(Buffer.from('{"a":1}'), 'application/json; charset=utf-8')).toEqual({ a: 1 });
    expect(decode(Buffer.from('hello'), 'text/plain')).toBe('hello');
    const bytes = Buffer.from('{"a":1}');
    expect(decode(bytes, OCTET_STREAM_CONTENT_TYPE)).toBe(bytes);
  });

  it('reads a foreign message without content type as JSON when it parses', () => {
    expect(decode(Buffer.from('{"orderId":"x","amount":2}'))).toEqual({ orderId: 'x', amount: 2 });
    expect(decode(Buffer.from('42'))).toBe(42);
  });

  it('reads a foreign message that is not JSON as text when it is valid UTF-8', () => {
    expect(decode(Buffer.from('order paid: x'))).toBe('order paid: x');
  });

  it('hands over the bytes when the body is neither JSON nor UTF-8', () => {
    const body = Buffer.from([0xc3, 0x28, 0xff]);
    expect(decode(body)).toBe(body);
  });

  it('rejects a body that contradicts its content type (the server dead-letters it)', () => {
    expect(() => decode(Buffer.from('{not json'), JSON_CONTENT_TYPE)).toThrow();
  });
});
