import { writeSync } from 'node:fs';
import { pino } from 'pino';
import type { Logger } from '../index.js';

/**
 * How the CLI's log reaches stderr: `json`, pino's JSON lines for programs and log collectors;
 * `pretty`, plain lines for a person (`kumiwake: warning: ...`), information left out.
 */
export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/**
 * `--log-format` when given; else plain lines on a terminal, and JSON when stderr is a file or a
 * pipe (a log collector reads it) or at debug level (the details are in the fields).
 */
export function chooseLogFormat(flag: LogFormat | undefined, stderrIsTerminal: boolean, level: string): LogFormat {
  if (flag !== undefined) return flag;
  return stderrIsTerminal && !['debug', 'trace'].includes(level) ? 'pretty' : 'json';
}

export type CliLogger = Logger & { readonly format: LogFormat };

/** The CLI's log on stderr (fd 2), so stdout stays clean for --json output. */
export function cliLogger(level: string, format: LogFormat): CliLogger {
  if (format === 'json') {
    const logger = pino({ name: 'kumiwake', level }, pino.destination({ dest: 2, sync: true }));
    return Object.assign(logger, { format } as const);
  }
  return prettyLogger(level);
}

const RANK: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const WORD: Readonly<Record<'debug' | 'info' | 'warn' | 'error', string>> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' };

/** A field as a person reads it: scalars as they are, an error by its message; lists and objects left out. */
function fieldText(value: unknown): string | undefined {
  if (value instanceof Error) return value.message.split('\n')[0];
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * Warnings and errors as `kumiwake: warning: MESSAGE (key: value, ...)`; information only at
 * debug level (KUMIWAKE_LOG_LEVEL=debug with --log-format pretty), as `kumiwake: info: ...`.
 */
function prettyLogger(level: string): CliLogger {
  const threshold = Math.max(RANK[level] ?? RANK.info!, ['debug', 'trace'].includes(level) ? 0 : RANK.warn!);
  const at = (name: 'debug' | 'info' | 'warn' | 'error') => (fields: object, message: string) => {
    if (RANK[name]! < threshold) return;
    const details = Object.entries(fields).flatMap(([key, value]) => {
      const text = fieldText(value);
      return text === undefined ? [] : [`${key === 'err' ? 'error' : key}: ${text}`];
    });
    writeSync(2, `kumiwake: ${WORD[name]}: ${message}${details.length > 0 ? ` (${details.join(', ')})` : ''}\n`);
  };
  return { format: 'pretty', debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
