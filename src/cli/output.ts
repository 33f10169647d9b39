import { KumiwakeError } from '../errors.js';
import { log } from '../log.js';

export interface GlobalArgs {
  readonly db: string;
  readonly tz: string;
  readonly json: boolean;
}

/** Writes a command's result: JSON on stdout with --json, else the human text. */
export function emit(args: GlobalArgs, json: unknown, human: () => string): void {
  process.stdout.write(args.json ? `${JSON.stringify(json)}\n` : `${human()}\n`);
}

/** Reports an error as one clear message and sets the exit status; never a bare stack trace. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof KumiwakeError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    process.stderr.write(`kumiwake: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  log.error({ err: error }, 'internal error');
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'internal', message } })}\n`);
  process.stderr.write(`kumiwake: internal error: ${message.split('\n')[0]}\n`);
  return 1;
}
