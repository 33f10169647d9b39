import { pino } from 'pino';

/** pino JSON logs on stderr (fd 2), so stdout stays clean for --json output. */
export const log = pino(
  { name: 'kumiwake', level: process.env.KUMIWAKE_LOG_LEVEL ?? 'info' },
  pino.destination({ dest: 2, sync: true }),
);
