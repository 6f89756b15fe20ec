import { Logger as NestLogger, LoggerService } from '@nestjs/common';
import type { Logger } from '@rocketnest/protocol';

/** Our library Logger on top of Nest's, so client and consumer logs go where the app's logs go. */
export function nestLogger(context: string, service: LoggerService = new NestLogger(context)): Logger {
  const format = (message: string, fields?: Record<string, unknown>): string =>
    fields === undefined
      ? message
      : `${message} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`;
  return {
    debug: (m, f) => service.debug?.(format(m, f), context),
    info: (m, f) => service.log(format(m, f), context),
    warn: (m, f) => service.warn(format(m, f), context),
    error: (m, f) => service.error(format(m, f), undefined, context),
  };
}
