/**
 * What the library logs through: pino's call shape (`logger.warn({ file }, 'message')`), so the
 * CLI hands in a pino logger and a program embedding Kumiwake any logger of that shape.
 */
type LogCall = (fields: object, message: string) => void;

export interface Logger {
  readonly debug: LogCall;
  readonly info: LogCall;
  readonly warn: LogCall;
  readonly error: LogCall;
}

const quiet: LogCall = () => {};

/** The default when no logger is given: the library never writes to the terminal by itself. */
export const silentLogger: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
