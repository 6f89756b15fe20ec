import type { Logger } from '@rocketnest/protocol';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Readable structured logs on stderr: `2026-11-28T10:00:00.000Z INFO  broker broker started brokerAddr=...`.
 * stdout stays free for the `ready ...` line scripts wait for.
 */
export function createConsoleLogger(level: LogLevel = 'info', namespace = 'rocketnest'): Logger {
  const min = RANK[level];
  const write = (entryLevel: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[entryLevel] < min) return;
    let line = `${new Date().toISOString()} ${entryLevel.toUpperCase().padEnd(5)} ${namespace} ${message}`;
    if (fields !== undefined) {
      for (const [key, value] of Object.entries(fields)) line += ` ${key}=${formatValue(value)}`;
    }
    process.stderr.write(`${line}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    isDebugEnabled: () => min <= RANK.debug,
    child: (name) => createConsoleLogger(level, name),
  };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value instanceof Error) return JSON.stringify(value.message);
  return JSON.stringify(value) ?? String(value);
}
