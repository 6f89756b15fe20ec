/**
 * Issue 3's codec rates: a 1 KiB SEND_MESSAGE_V2 request and a 32-message PULL_MESSAGE response, each
 * encoded to a frame and decoded back (one operation = one frame both ways), against the least work any
 * decoder of the same bytes must do (JSON.stringify/parse of the header, a walk of the length fields).
 */
import {
  createRequest,
  createResponse,
  decodePullMessageResponseHeader,
  decodeSendRequestHeaderForCode,
  decodeStoredMessages,
  encodeFrame,
  encodePullMessageResponseHeader,
  encodeSendMessageRequestHeaderV2,
  encodeStoredMessage,
  FrameDecoder,
  RequestCode,
  SerializeType,
  type RemotingCommand,
  type SendMessageRequestHeader,
} from '@rocketnest/protocol';

const BODY = Buffer.alloc(1024, 0x6d);
const PULL_MESSAGES = 32;

/** A Java producer's SEND_MESSAGE_V2 header for message `i` (8 queues). */
export function benchSendHeader(i: number): SendMessageRequestHeader {
  return {
    producerGroup: 'bench-producer-group',
    topic: 'BenchTopic',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 8,
    queueId: i % 8,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000 + i,
    flag: 0,
    properties: 'TAGS\u0001bench\u0002KEYS\u0001order-1\u0002WAIT\u0001true\u0002',
    reconsumeTimes: 0,
    unitMode: false,
    batch: false,
  };
}

/** Ours: typed header -> frame -> FrameDecoder -> typed header, 64 frames per step. */
export function sendRequestCodec(serializeType: SerializeType): () => number {
  const decoder = new FrameDecoder();
  let checksum = 0;
  const onCommand = (command: RemotingCommand): void => {
    const header = decodeSendRequestHeaderForCode(command.code, command.extFields);
    checksum += header.queueId! + (command.body?.length ?? 0);
  };
  return () => {
    for (let i = 0; i < 64; i++) {
      const frame = encodeFrame(
        createRequest(RequestCode.SEND_MESSAGE_V2, {
          serializeType,
          extFields: encodeSendMessageRequestHeaderV2(benchSendHeader(i)),
          body: BODY,
        }),
      );
      decoder.push(frame, onCommand);
    }
    if (checksum === 0) throw new Error('send codec decoded nothing');
    return 64;
  };
}

/** Floor: the same JSON header as a plain object, stringified into a length-prefixed frame and parsed back. */
export function sendRequestFloor(): () => number {
  let checksum = 0;
  return () => {
    for (let i = 0; i < 64; i++) {
      const header = encodeSendMessageRequestHeaderV2(benchSendHeader(i));
      const json = Buffer.from(
        JSON.stringify({ code: 310, language: 'JAVA', version: 0, opaque: i, flag: 0, extFields: header }),
      );
      const frame = Buffer.allocUnsafe(8 + json.length + BODY.length);
      frame.writeInt32BE(4 + json.length + BODY.length, 0);
      frame.writeInt32BE(json.length, 4);
      json.copy(frame, 8);
      BODY.copy(frame, 8 + json.length);
      const headerLength = frame.readInt32BE(4) & 0xffffff;
      const parsed = JSON.parse(frame.toString('utf8', 8, 8 + headerLength)) as { extFields: Record<string, string> };
      checksum += Number(parsed.extFields['e']) + frame.subarray(8 + headerLength).length;
    }
    if (checksum === 0) throw new Error('send floor decoded nothing');
    return 64;
  };
}

function pullBody(): Buffer {
  return Buffer.concat(
    Array.from({ length: PULL_MESSAGES }, (_, i) =>
      encodeStoredMessage({
        queueId: 3,
        flag: 0,
        queueOffset: 1000 + i,
        physicalOffset: 1_048_576 + i * 1200,
        sysFlag: 0,
        bornTimestamp: 1_700_000_000_000 + i,
        bornHost: '127.0.0.1:50000',
        storeTimestamp: 1_700_000_000_001 + i,
        storeHost: '127.0.0.1:10911',
        reconsumeTimes: 0,
        preparedTransactionOffset: 0,
        body: BODY,
        topic: 'BenchTopic',
        properties:
          'TAGS\u0001bench\u0002KEYS\u0001order-1\u0002UNIQ_KEY\u00017F0000010001000000000000000' + i + '\u0002',
      }),
    ),
  );
}

/** Ours: the broker's FOUND response (stored records as the body) -> frame -> decoder -> 32 MessageExt. */
export function pullResponseCodec(): () => number {
  const body = pullBody();
  const request = createRequest(RequestCode.PULL_MESSAGE);
  const decoder = new FrameDecoder();
  let checksum = 0;
  const onCommand = (command: RemotingCommand): void => {
    const header = decodePullMessageResponseHeader(command.extFields);
    const messages = decodeStoredMessages(command.body!);
    checksum += header.nextBeginOffset! + messages.length;
  };
  return () => {
    for (let i = 0; i < 8; i++) {
      const response = createResponse(request, 0, {
        extFields: encodePullMessageResponseHeader({
          suggestWhichBrokerId: 0,
          nextBeginOffset: 1032 + i,
          minOffset: 0,
          maxOffset: 5000,
        }),
        body,
      });
      decoder.push(encodeFrame(response), onCommand);
    }
    if (checksum === 0) throw new Error('pull codec decoded nothing');
    return 8;
  };
}

/** Floor: the same response bytes, walked by their length fields only (frame, then each record's size). */
export function pullResponseFloor(): () => number {
  const frame = encodeFrame(
    createResponse(createRequest(RequestCode.PULL_MESSAGE), 0, {
      extFields: encodePullMessageResponseHeader({
        suggestWhichBrokerId: 0,
        nextBeginOffset: 1032,
        minOffset: 0,
        maxOffset: 5000,
      }),
      body: pullBody(),
    }),
  );
  let checksum = 0;
  return () => {
    for (let i = 0; i < 8; i++) {
      const copy = Buffer.from(frame);
      const total = copy.readInt32BE(0) + 4;
      const bodyStart = 8 + (copy.readInt32BE(4) & 0xffffff);
      for (let pos = bodyStart; pos < total;) {
        const size = copy.readInt32BE(pos);
        checksum += copy.subarray(pos, pos + size).length;
        pos += size;
      }
    }
    if (checksum === 0) throw new Error('pull floor walked nothing');
    return 8;
  };
}

export { SerializeType };
