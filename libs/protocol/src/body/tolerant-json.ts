/**
 * Tolerant JSON reader for RocketMQ bodies (remoting-protocol.md 1.12, pitfall 11.1). Accepts what
 * fastjson writes and reads beyond standard JSON:
 *   - bare keys: numbers (`{0:"addr"}`) and identifiers (`{topic:"T"}`);
 *   - objects and arrays in key position (`{{"brokerName":"b","queueId":0,"topic":"T"}:{...}}`);
 *   - single-quoted strings, `\'` and `\xHH` escapes, raw control characters inside strings.
 *
 * Keys are always returned as strings: a quoted key as its value, any other key as its exact source text.
 * A MessageQueue key therefore reads the same in legacy mode (object key) and standard mode (a string
 * holding the object's JSON): parse the key text again to get the object (`parseJsonKey`).
 *
 * Number rule: an integer literal (no fraction, no exponent) becomes a `number` when it is a safe integer
 * and a `bigint` otherwise, so Java longs never lose precision here; any other literal becomes a `number`
 * (Java double). Typed decoders then clamp longs to the safe range (java-number.ts).
 */
import { ProtocolError } from '../errors.js';

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const MAX_DEPTH = 256;

export function parseTolerantJson(input: string | Buffer): JsonValue {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const parser = new TolerantJsonParser(text);
  return parser.parseDocument();
}

/** Like parseTolerantJson, but undefined instead of a ProtocolError for malformed text. */
export function tryParseTolerantJson(input: string | Buffer): JsonValue | undefined {
  try {
    return parseTolerantJson(input);
  } catch (error) {
    if (error instanceof ProtocolError) return undefined;
    throw error;
  }
}

/** Parses a map key's text (a MessageQueue key in either mode) into a value. */
export function parseJsonKey(key: string): JsonValue {
  return parseTolerantJson(key);
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class TolerantJsonParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private parseValue(): JsonValue {
    this.skipWhitespace();
    const ch = this.text[this.pos];
    switch (ch) {
      case '{':
        return this.nested(() => this.parseObject());
      case '[':
        return this.nested(() => this.parseArray());
      case '"':
      case "'":
        return this.parseString(ch);
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (ch !== undefined && (ch === '-' || ch === '+' || ch === '.' || (ch >= '0' && ch <= '9'))) {
          return this.parseNumber();
        }
        return this.fail(ch === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(ch)}`);
    }
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const value = parse();
    this.depth--;
    return value;
  }

  private parseObject(): JsonObject {
    const object = Object.create(null) as JsonObject;
    this.pos++; // '{'
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return object;
    }
    for (;;) {
      const key = this.parseKey();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail('expected ":" after an object key');
      this.pos++;
      object[key] = this.parseValue();
      this.skipWhitespace();
      const ch = this.text[this.pos++];
      if (ch === '}') return object;
      if (ch !== ',') this.fail('expected "," or "}" in an object');
    }
  }

  private parseKey(): string {
    this.skipWhitespace();
    const ch = this.text[this.pos];
    if (ch === '"' || ch === "'") return this.parseString(ch);
    if (ch === '{' || ch === '[') {
      const start = this.pos;
      this.parseValue();
      return this.text.slice(start, this.pos);
    }
    const start = this.pos;
    while (this.pos < this.text.length && /[\w$.+-]/.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail('expected an object key');
    return this.text.slice(start, this.pos);
  }

  private parseArray(): JsonValue[] {
    const array: JsonValue[] = [];
    this.pos++; // '['
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return array;
    }
    for (;;) {
      array.push(this.parseValue());
      this.skipWhitespace();
      const ch = this.text[this.pos++];
      if (ch === ']') return array;
      if (ch !== ',') this.fail('expected "," or "]" in an array');
    }
  }

  private parseString(quote: string): string {
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const ch = this.text[this.pos]!;
      if (ch === quote) {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (ch !== '\\') {
        this.pos++;
        continue;
      }
      out += this.text.slice(chunkStart, this.pos);
      out += this.parseEscape();
      chunkStart = this.pos;
    }
  }

  private parseEscape(): string {
    const ch = this.text[this.pos + 1];
    this.pos += 2;
    switch (ch) {
      case '"':
      case "'":
      case '\\':
      case '/':
        return ch;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        return String.fromCharCode(this.parseHex(4));
      case 'x':
        return String.fromCharCode(this.parseHex(2));
      default:
        return this.fail(`bad escape \\${ch ?? ''}`);
    }
  }

  private parseHex(digits: number): number {
    const hex = this.text.slice(this.pos, this.pos + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) this.fail('bad hex escape');
    this.pos += digits;
    return parseInt(hex, 16);
  }

  private parseNumber(): number | bigint {
    const match = /^[+-]?(\d*)(\.\d*)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    const literal = match?.[0] ?? '';
    if (literal === '' || !/\d/.test(literal)) this.fail('bad number');
    this.pos += literal.length;
    // fastjson type suffixes (L, D, F...) after a number.
    if (/[LSBFD]/.test(this.text[this.pos] ?? '')) this.pos++;
    const text = literal.startsWith('+') ? literal.slice(1) : literal;
    if (match?.[2] === undefined && match?.[3] === undefined) {
      const value = Number(text);
      return Number.isSafeInteger(value) ? value : BigInt(text);
    }
    return Number(text);
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected token at ${this.pos}`);
    this.pos += word.length;
    return value;
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const code = this.text.charCodeAt(this.pos);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09 && code !== 0x0c && code !== 0x08) return;
      this.pos++;
    }
  }

  private fail(reason: string): never {
    throw new ProtocolError(`undecodable JSON body at offset ${this.pos}: ${reason}`);
  }
}
