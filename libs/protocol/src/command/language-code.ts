/**
 * LanguageCode (remoting-protocol.md 1.9). JSON carries the name, the ROCKETMQ header the code byte.
 * Unknown names and codes are kept as OTHER on decode rather than failing (Java would store null).
 */
export const LANGUAGE_NAMES = [
  'JAVA',
  'CPP',
  'DOTNET',
  'PYTHON',
  'DELPHI',
  'ERLANG',
  'RUBY',
  'OTHER',
  'HTTP',
  'GO',
  'PHP',
  'OMS',
  'RUST',
  'NODE_JS',
] as const;

export type LanguageName = (typeof LANGUAGE_NAMES)[number];

export const LANGUAGE_OTHER: LanguageName = 'OTHER';

const CODE_BY_NAME: ReadonlyMap<string, number> = new Map(LANGUAGE_NAMES.map((name, code) => [name, code]));

export function languageCode(name: LanguageName): number {
  return CODE_BY_NAME.get(name) ?? 7;
}

/** Accepts a name in any case or an ordinal, as fastjson does. */
export function parseLanguage(value: unknown): LanguageName {
  if (typeof value === 'number') return LANGUAGE_NAMES[value] ?? LANGUAGE_OTHER;
  if (typeof value === 'string') {
    const code = CODE_BY_NAME.get(value.toUpperCase());
    if (code !== undefined) return LANGUAGE_NAMES[code]!;
    if (/^\d+$/.test(value)) return LANGUAGE_NAMES[Number(value)] ?? LANGUAGE_OTHER;
  }
  return LANGUAGE_OTHER;
}
