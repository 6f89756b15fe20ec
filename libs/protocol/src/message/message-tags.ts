/**
 * Store-side tag and key helpers (broker-semantics.md 1.10, 1.5): the consume-queue tagsCode is Java
 * `String.hashCode()` of the TAGS property, 0 when absent or empty (Java `tagsString2tagsCode`); KEYS holds
 * business keys separated by one space, and empty pieces are not indexed. Subscription expressions are parsed
 * elsewhere (body/).
 */
import { javaStringHashCode } from '../util/java-hash.js';
import { KEY_SEPARATOR, MessageConst, readProperty } from './properties.js';

/** Consume-queue tagsCode of a TAGS value. */
export function tagsHashCode(tags: string | null | undefined): number {
  return tags === null || tags === undefined || tags.length === 0 ? 0 : javaStringHashCode(tags);
}

/** tagsCode straight from a serialized properties string (dispatch hot path). */
export function tagsCodeOfProperties(properties: string): number {
  return tagsHashCode(readProperty(properties, MessageConst.TAGS));
}

/** The keys of a KEYS value: split on single spaces, empty pieces dropped (as the index service does). */
export function splitKeys(keys: string | null | undefined): string[] {
  if (keys === null || keys === undefined || keys.length === 0) return [];
  return keys.split(KEY_SEPARATOR).filter((key) => key.length > 0);
}

/** The keys of the KEYS property of a serialized properties string. */
export function keysOfProperties(properties: string): string[] {
  return splitKeys(readProperty(properties, MessageConst.KEYS));
}

/** A KEYS value for several keys (producer side). */
export function joinKeys(keys: readonly string[]): string {
  return keys.join(KEY_SEPARATOR);
}
