/**
 * The `key=value` text of UPDATE_NAMESRV_CONFIG (318) and GET_NAMESRV_CONFIG (319) bodies: Java writes it with
 * MixAll.properties2String (one `key=value` per line) and reads it with java.util.Properties.load. We read the
 * subset tools send: `key=value` or `key:value` lines, `#`/`!` comments, blank lines, surrounding blanks
 * trimmed, a backslash escaping the next character. Line continuations and \uXXXX escapes are not needed by
 * any namesrv setting.
 */

/** The entries of `text`, or undefined when a non-comment line has no key. */
export function parseJavaProperties(text: string): Map<string, string> | undefined {
  const entries = new Map<string, string>();
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    let split = -1;
    for (let i = 0; i < line.length; i++) {
      const char = line[i];
      if (char === '\\') {
        i++;
        continue;
      }
      if (char === '=' || char === ':') {
        split = i;
        break;
      }
    }
    const key = unescape(split === -1 ? line : line.slice(0, split)).trim();
    if (key === '') return undefined;
    entries.set(key, split === -1 ? '' : unescape(line.slice(split + 1)).trim());
  }
  return entries;
}

/** One `key=value` line per entry, keys sorted so the answer is stable. */
export function formatJavaProperties(entries: ReadonlyMap<string, string>): string {
  return [...entries.keys()]
    .sort()
    .map((key) => `${key}=${entries.get(key) ?? ''}\n`)
    .join('');
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}
