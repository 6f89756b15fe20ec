/**
 * Java number text rules shared by header extFields (1.11) and JSON bodies (1.12): strict
 * `Integer.parseInt` / `Long.parseLong` / `Double.parseDouble` acceptance and `Double.toString` output.
 *
 * Rule for 64-bit values: Java longs become JS numbers clamped to ±Number.MAX_SAFE_INTEGER. Real offsets
 * and timestamps stay far below 2^53; the only big values seen on the wire are sentinels such as
 * Long.MAX_VALUE ("until the end of time"), for which the clamped value keeps the meaning.
 */
const INT_TEXT = /^[+-]?\d+$/;
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** `Integer.parseInt`: decimal with optional sign, in int32 range; anything else (`1.0`, ``) undefined. */
export function parseJavaInt(text: string): number | undefined {
  if (!INT_TEXT.test(text)) return undefined;
  const value = Number(text);
  return value >= INT_MIN && value <= INT_MAX ? value : undefined;
}

/** `Long.parseLong` then clamped to the safe-integer range; out-of-int64 text is undefined like Java. */
export function parseJavaLong(text: string): number | undefined {
  if (!INT_TEXT.test(text)) return undefined;
  if (text.length < 16) return Number(text);
  return clampLong(BigInt(text));
}

/** Clamps a 64-bit value to the safe-integer range; values outside int64 are undefined. */
export function clampLong(value: bigint): number | undefined {
  if (value < LONG_MIN || value > LONG_MAX) return undefined;
  if (value > SAFE_MAX) return Number.MAX_SAFE_INTEGER;
  if (value < SAFE_MIN) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

/** `Double.parseDouble` (surrounding whitespace allowed, `f`/`d` suffixes, NaN, Infinity). */
export function parseJavaDouble(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DOUBLE_TEXT.test(trimmed)) return undefined;
  return Number(trimmed.replace(/[fFdD]$/, ''));
}

/** `Double.toString` (shortest form): `0.0`, `1.5`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}
