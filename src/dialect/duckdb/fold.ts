// Kept apart from the Kysely dialect: every database connection registers the macro, and an
// import should not load Kysely for it.

/**
 * Characters NFKC may change (compatibility forms: full-width and half-width forms, enclosed and
 * squared CJK, letterlike symbols, combining marks, ...). Text without them is folded by DuckDB's
 * own lower(); text with them goes through the JavaScript `kumiwake_nfkc` function (registered on
 * every connection), which is exact but slower, so it only sees the rows that need it.
 */
export const NFKC_SENSITIVE = '[\\x{00A0}-\\x{00BF}\\x{0300}-\\x{036F}\\x{2000}-\\x{2FDF}\\x{3000}\\x{3099}-\\x{309C}\\x{3131}-\\x{318E}\\x{3200}-\\x{33FF}\\x{F900}-\\x{FAFF}\\x{FB00}-\\x{FB4F}\\x{FE30}-\\x{FE6F}\\x{FF00}-\\x{FFEF}]';

export const FOLD_MACRO_SQL = `CREATE OR REPLACE TEMP MACRO kumiwake_fold(x) AS
  CASE WHEN regexp_matches(x, '${NFKC_SENSITIVE}') THEN kumiwake_nfkc(x) ELSE lower(x) END`;
