/**
 * Nest's console logger, compact: `12:00:00.000   LOG [Context] message`, no pid or date (the launcher
 * prefixes each line with the service name). LOG_LEVEL = debug | log (default) | warn | error. Shared by the
 * sample services (order-service, points-service).
 */
import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export class ServiceLogger extends ConsoleLogger {
  constructor(level: string | undefined) {
    const wanted = (level ?? 'log') as LogLevel;
    const index = LEVELS.includes(wanted) ? LEVELS.indexOf(wanted) : LEVELS.indexOf('log');
    super({ logLevels: LEVELS.slice(0, index + 1), colors: process.env['NO_COLOR'] === undefined });
  }

  protected override formatPid(): string {
    return '';
  }

  protected override getTimestamp(): string {
    return new Date().toISOString().slice(11, 23);
  }
}
