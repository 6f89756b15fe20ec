/**
 * A typed key for per-connection state (the client id a HEART_BEAT announced, its language...). Keys compare
 * by identity, so two libraries never clash even with the same name.
 */
export class AttributeKey<T> {
  /** Phantom field: ties the key to its value type for get/set. */
  declare readonly __type?: T;

  constructor(readonly name: string) {}

  toString(): string {
    return `AttributeKey(${this.name})`;
  }
}
