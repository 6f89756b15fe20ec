/**
 * The logging interface every library accepts (STYLE.md "Logging"). Libraries never call `console`;
 * applications pass an implementation (apps adapt it to their output, libs/nestjs to Nest's Logger).
 * `fields` carries context (brokerAddr, opaque, code...), never message bodies.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  isDebugEnabled?(): boolean;
  /** A logger that adds `namespace` to every entry. */
  child?(namespace: string): Logger;
}

const noop = (): void => undefined;

export const NOOP_LOGGER: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

export function childLogger(logger: Logger, namespace: string): Logger {
  return logger.child ? logger.child(namespace) : logger;
}
