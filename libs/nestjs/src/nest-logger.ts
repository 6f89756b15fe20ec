import { Logger as NestLogger, LoggerService } from '@nestjs/common';
import type { Logger } from '@rocketnest/protocol';

/** Our library Logger on top of Nest's, so client and consumer logs go where the app's logs go. */
export function nestLogger(context: string, service?: LoggerService): Logger {
  // Nest's Logger prints an extra argument as one more line: a Logger made with its context gets none.
  if (service === undefined) {
    const own = new NestLogger(context);
    return adapt(
      (m) => own.log(m),
      (m) => own.debug(m),
      (m) => own.warn(m),
      (m) => own.error(m),
    );
  }
  return adapt(
    (m) => service.log(m, context),
    (m) => service.debug?.(m, context),
    (m) => service.warn(m, context),
    (m) => service.error(m, undefined, context),
  );
}

function adapt(
  log: (message: string) => void,
  debug: (message: string) => void,
  warn: (message: string) => void,
  error: (message: string) => void,
): Logger {
  const format = (message: string, fields?: Record<string, unknown>): string =>
    fields === undefined
      ? message
      : `${message} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`;
  return {
    debug: (m, f) => debug(format(m, f)),
    info: (m, f) => log(format(m, f)),
    warn: (m, f) => warn(format(m, f)),
    error: (m, f) => error(format(m, f)),
  };
}
