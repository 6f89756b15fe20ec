/**
 * Java `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, wrapping at 32 bits.
 * RocketMQ stores it as the tag hash in consume-queue entries and sends it in subscription codeSets.
 */
export function javaStringHashCode(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(hash, 31) + value.charCodeAt(i)) | 0;
  return hash;
}
