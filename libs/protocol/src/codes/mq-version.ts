/**
 * MQVersion ordinals (remoting-protocol.md 1.10, Appendix B): the `version` of every command is the
 * ordinal of the sender's release in Java's `MQVersion.Version` enum. For 4.0.0..5.9.9 the ordinal of
 * `Va_b_c` is 213 + 20 * ((a - 4) * 10 + b) + 2 * c, and its `_SNAPSHOT` is one less.
 */
export const MQVersion = {
  V3_0_7_SNAPSHOT: 28,
  V3_0_11: 37,
  V3_1_8_SNAPSHOT: 62,
  V3_4_9: 121,
  V4_0_0: 213,
  V4_1_0_SNAPSHOT: 232,
  V4_3_0: 273,
  V4_5_2: 317,
  V4_7_0: 353,
  V4_9_3: 399,
  V4_9_4: 401,
  V4_9_7: 407,
  V4_9_8: 409,
  V5_0_0: 413,
  V5_1_0: 433,
  V5_2_0: 453,
  V5_3_0: 473,
  V5_3_1: 475,
  V5_3_2: 477,
  V5_3_3: 479,
  /** Values at or above this are treated as the newest release. */
  HIGHER_VERSION: 612,
} as const;

const FIRST_FORMULA_ORDINAL = 212; // V4_0_0_SNAPSHOT

/** Ordinal of release major.minor.patch; only meaningful for 4.0.0..5.9.9 (the enum's regular part). */
export function mqVersionOrdinal(major: number, minor: number, patch: number, snapshot = false): number {
  return 213 + 20 * ((major - 4) * 10 + minor) + 2 * patch - (snapshot ? 1 : 0);
}

/** Enum name of an ordinal in the formula range (`V4_9_4`, `V4_1_0_SNAPSHOT`), else undefined. */
export function mqVersionName(ordinal: number): string | undefined {
  if (!Number.isInteger(ordinal) || ordinal < FIRST_FORMULA_ORDINAL || ordinal >= MQVersion.HIGHER_VERSION) {
    return undefined;
  }
  const step = Math.floor((ordinal - FIRST_FORMULA_ORDINAL) / 20);
  const rest = (ordinal - FIRST_FORMULA_ORDINAL) % 20;
  const major = 4 + Math.floor(step / 10);
  const minor = step % 10;
  const patch = Math.floor(rest / 2);
  return `V${major}_${minor}_${patch}${rest % 2 === 0 ? '_SNAPSHOT' : ''}`;
}
