import { IMPORT_PHASE } from '../../src/engine/duckdb/import/run-import.js';
import type { Logger } from '../../src/logger.js';

/** A logger that notes the phases an import logs (IMPORT_PHASE debug lines) in `phases`, and nothing else. */
export function phaseLogger(phases: string[]): Logger {
  return {
    debug: (fields: object, message: string) => {
      const phase = (fields as { phase?: string }).phase;
      if (message === IMPORT_PHASE && phase) phases.push(phase);
    },
    info: () => undefined, warn: () => undefined, error: () => undefined,
  };
}
