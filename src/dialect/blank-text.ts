/**
 * The characters a blank text consists of: Unicode's space separators (Zs), exactly what DuckDB's
 * trim() strips: the ASCII space, the no-break space and U+3000, the full-width space Japanese
 * spreadsheets leave in "empty" cells, among them. Every engine's "is blank" and the stored
 * reachable flags (sql/customer-columns.sql, by trim()) say the same of a cell holding only these,
 * so `reachable(email_pc)`, `reachable(email)`, `is_empty` and a count by channel agree.
 */
export const BLANK_CODE_POINTS: readonly number[] = [
  0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000,
];

/** The same characters as one string (for a regular expression's character class). */
export const BLANK_CHARACTERS = String.fromCodePoint(...BLANK_CODE_POINTS);
