// Kept apart from the Kysely dialect: every database connection registers the macro, and an
// import should not load Kysely for it.
import { FOLD_GATE } from './fold-gate.js';

/**
 * Text holding a character of FOLD_GATE (fold-gate.ts: those after which DuckDB's lower() may not
 * give the fold) goes through the JavaScript `kumiwake_nfkc` function (registered on every
 * connection), which is exact but slower, so it only sees the rows that need it; other text is
 * folded by DuckDB's own lower(). An RE2 class, e.g. `[\x{00A0}\x{0300}-\x{036F}…]`.
 */
export const NFKC_SENSITIVE = `[${FOLD_GATE.trim().split(/ +/).map((range) => range.split('-').map((hex) => `\\x{${hex}}`).join('-')).join('')}]`;

export const FOLD_MACRO_SQL = `CREATE OR REPLACE TEMP MACRO kumiwake_fold(x) AS
  CASE WHEN regexp_matches(x, '${NFKC_SENSITIVE}') THEN kumiwake_nfkc(x) ELSE lower(x) END`;
