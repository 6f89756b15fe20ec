/**
 * Offset message id (remoting-protocol.md 6.1), the `msgId` of SEND responses and VIEW_MESSAGE_BY_ID:
 *   storeHost ip:4|16 | storePort:i32 | physicalOffset:i64   -> upper-case hex, 32 or 56 characters
 * It is exactly the store-host field of the record followed by its physicalOffset.
 */
import { ProtocolError } from '../errors.js';
import { formatIp, parseHostAddress } from './host-address.js';

export interface OffsetMsgId {
  /** `ip:port` of the broker that stored the message (IPv6 without brackets). */
  address: string;
  ip: string;
  port: number;
  ipv6: boolean;
  physicalOffset: number;
}

const TWO_POW_32 = 4294967296;
const HEX = /^[0-9a-fA-F]*$/;

/** Offset id of a record stored by `storeHost` at `physicalOffset`. */
export function createOffsetMsgId(storeHost: string, physicalOffset: number): string {
  const host = parseHostAddress(storeHost);
  const ipLength = host.ip.length;
  const buf = Buffer.allocUnsafe(ipLength + 12);
  host.ip.copy(buf, 0);
  buf.writeInt32BE(host.port, ipLength);
  const high = Math.floor(physicalOffset / TWO_POW_32);
  buf.writeInt32BE(high, ipLength + 4);
  buf.writeUInt32BE(physicalOffset - high * TWO_POW_32, ipLength + 8);
  return buf.toString('hex').toUpperCase();
}

/**
 * Decodes an offset id like Java `MessageDecoder.decodeMessageId`: 32 characters = IPv4, 56 = IPv6. Hex case
 * is ignored. Throws ProtocolError for any other length, non-hex text or an offset beyond 2^53.
 */
export function decodeOffsetMsgId(id: string): OffsetMsgId {
  if ((id.length !== 32 && id.length !== 56) || !HEX.test(id))
    throw new ProtocolError(`invalid offset message id "${id}": expected 32 or 56 hex characters`);
  const buf = Buffer.from(id, 'hex');
  const ipv6 = id.length === 56;
  const ipLength = ipv6 ? 16 : 4;
  const ip = formatIp(buf, 0, ipv6);
  const port = buf.readInt32BE(ipLength);
  const physicalOffset = buf.readInt32BE(ipLength + 4) * TWO_POW_32 + buf.readUInt32BE(ipLength + 8);
  if (!Number.isSafeInteger(physicalOffset))
    throw new ProtocolError(`offset message id "${id}" has an offset beyond 2^53`);
  return { address: `${ip}:${port}`, ip, port, ipv6, physicalOffset };
}
