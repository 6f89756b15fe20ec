/** Segment names: the start offset zero-padded to 20 digits (broker-semantics.md 1.1). */
export const FILE_NAME_DIGITS = 20;

export function offsetToFileName(offset: number): string {
  return String(offset).padStart(FILE_NAME_DIGITS, '0');
}

/** The start offset of a 20-digit file name, or undefined for any other name. */
export function fileNameToOffset(name: string): number | undefined {
  if (name.length !== FILE_NAME_DIGITS || !/^\d+$/.test(name)) return undefined;
  const value = Number(name);
  return Number.isSafeInteger(value) ? value : undefined;
}
