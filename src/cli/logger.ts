import { pino } from 'pino';

/** pino JSON logs on stderr (fd 2), so stdout stays clean for --json output. */
export function cliLogger(level: string) {
  return pino({ name: 'kumiwake', level }, pino.destination({ dest: 2, sync: true }));
}
