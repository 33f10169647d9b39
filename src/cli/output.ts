import { KumiwakeError } from '../index.js';
import type { GlobalArgs } from './args.js';
import { log } from './context.js';
import { placedInQuery } from './definition-input.js';

export type { GlobalArgs } from './args.js';

/** Writes a command's result: JSON on stdout with --json, else the human text. */
export function emit(args: GlobalArgs, json: unknown, human: () => string): void {
  process.stdout.write(args.json ? `${JSON.stringify(json)}\n` : `${human()}\n`);
}

/** Reports an error as one clear message and sets the exit status; never a bare stack trace. */
export function reportError(thrown: unknown, json: boolean): number {
  const error = placedInQuery(thrown);
  if (error instanceof KumiwakeError) {
    // A definition's faults, each with its code and JSON path, for editors and the web builder.
    const faults = (error as { faults?: unknown }).faults;
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, ...(faults ? { faults } : {}) } })}\n`);
    process.stderr.write(`kumiwake: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const query = error as { sql?: string; parameters?: unknown };
  // Plain log lines would only repeat the line below; the details are for a JSON log (or debug).
  const logger = log();
  const details = { err: error, ...(query.sql ? { sql: query.sql.slice(0, 4000) } : {}) };
  if (logger.format === 'json') logger.error(details, 'internal error');
  else logger.debug(details, 'internal error');
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'internal', message } })}\n`);
  process.stderr.write(`kumiwake: internal error: ${message.split('\n')[0]}\n`);
  return 1;
}
