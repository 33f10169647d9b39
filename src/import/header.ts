import { ImportError, KumiwakeError } from '../errors.js';
import type { ColumnDef, TableDef } from '../catalog/tables.js';
import type { Mapping } from './mapping.js';

/** Where one column of the file goes. */
export type ColumnTarget =
  | { readonly kind: 'column'; readonly column: ColumnDef }
  | { readonly kind: 'group'; readonly name: string }
  | { readonly kind: 'ignore' };

export interface MappedHeader {
  /** one entry per column of the file, in file order (the first, when a mapping gives a header several) */
  readonly targets: readonly ColumnTarget[];
  /** the header cells as the file has them (BOM dropped), in file order */
  readonly cells: readonly string[];
  /** canonical column name → position in the file */
  readonly positionOf: ReadonlyMap<string, number>;
  /** attribute / order group name → position in the file */
  readonly groups: ReadonlyArray<{ readonly name: string; readonly position: number }>;
}

/** Header comparison ignores case, width (NFKC) and surrounding blanks: `ﾒｰﾙｱﾄﾞﾚｽ` = `メールアドレス`. */
export const normaliseHeader = (h: string): string => h.normalize('NFKC').trim().toLowerCase();

function resolveName(table: TableDef, name: string): ColumnTarget | undefined {
  const wanted = normaliseHeader(name);
  const prefix = table.groupPrefix;
  if (prefix && wanted.startsWith(prefix)) {
    const groupName = name.normalize('NFKC').trim().slice(prefix.length).trim();
    return groupName ? { kind: 'group', name: groupName } : undefined;
  }
  for (const column of table.columns) {
    if (normaliseHeader(column.name) === wanted || column.aliases.some((a) => normaliseHeader(a) === wanted)) {
      return { kind: 'column', column };
    }
  }
  return undefined;
}

/**
 * More columns than shop exports have (theirs have tens to about a hundred). It is also what loads
 * within the default memory limit: DuckDB buffers a block per column while it appends, and 400
 * columns of 150,000 rows ran out of 400 MB even on one thread (300 loaded).
 */
export const MAX_COLUMNS = 300;

/** A header cell as a message shows it: control bytes and undecodable ones as "?", at most 40 characters. */
const shown = (cell: string): string => {
  const clean = cell.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
};

/** Maps a file's header cells to canonical columns, refusing unknown, duplicate and missing columns. */
export function mapHeader(table: TableDef, header: readonly string[], file: string, mapping: Mapping, mappingFile?: string): MappedHeader {
  if (header.length > MAX_COLUMNS) {
    throw new ImportError('header-too-wide', file, 1, undefined, `the header has ${header.length.toLocaleString('en')} columns; at most ${MAX_COLUMNS.toLocaleString('en')} are read (is this the right file?)`);
  }
  const where = mappingFile ?? 'mapping';
  const renames = new Map(Object.entries(mapping.columns).map(([from, to]) => [normaliseHeader(from), to]));
  // Every target is checked, not only those of headers this file has: a typo must not wait for the file that has its header.
  for (const [from, to] of Object.entries(mapping.columns)) {
    for (const n of to === null || to === undefined || to === '' ? [] : Array.isArray(to) ? to : [to]) {
      if (!resolveName(table, n)) throw new KumiwakeError('mapping-unknown-target', `${where}: columns."${from}": "${n}" is not a column of ${table.table}`);
    }
  }
  const unknown: string[] = [];
  // Headers a derived column reads (concat): used, so not refused when they name no column.
  const sources = new Set(Object.values(mapping.derive).flatMap((d) => ('concat' in d ? d.concat.map(normaliseHeader) : [])));
  const seenHeader = new Map<string, string>();
  const positionOf = new Map<string, number>();
  const groups: Array<{ name: string; position: number }> = [];
  const cells = header.map((raw) => raw.replace(/^\uFEFF/, ''));
  const place = (target: ColumnTarget, cell: string, position: number): void => {
    const name = target.kind === 'column' ? target.column.name : target.kind === 'group' ? `${table.groupPrefix}${target.name}` : '';
    const clash = target.kind === 'column' ? positionOf.get(name) : target.kind === 'group' ? groups.find((g) => g.name === target.name)?.position : undefined;
    if (clash !== undefined) {
      throw new ImportError('header-duplicate', file, 1, shown(cell), clash === position ? `is mapped twice to ${name}` : `and column "${header[clash]}" both map to ${name}`);
    }
    if (target.kind === 'column') positionOf.set(target.column.name, position);
    if (target.kind === 'group') groups.push({ name: target.name, position });
  };
  const targets: ColumnTarget[] = cells.map((cell, position) => {
    const key = normaliseHeader(cell);
    // An Excel sheet with a column beyond the data saves a header ending in a comma: `"": null` in a mapping ignores such columns.
    if (key === '' && !renames.has('')) {
      throw new ImportError('header-empty', file, 1, `#${position + 1}`, 'the header cell is empty; name the column, or ignore unnamed columns with a mapping file: {"columns": {"": null}}');
    }
    if (key === '' && renames.get('') === null) return { kind: 'ignore' };
    const earlier = seenHeader.get(key);
    if (earlier !== undefined) throw new ImportError('header-duplicate', file, 1, shown(cell), `appears twice in the header (also as "${earlier}")`);
    seenHeader.set(key, cell);

    if (renames.has(key)) {
      const to = renames.get(key);
      const names = to === null || to === undefined || to === '' ? [] : Array.isArray(to) ? to : [to];
      if (names.length === 0) return { kind: 'ignore' };
      const resolved = names.map((n) => {
        const target = resolveName(table, n);
        if (!target) throw new KumiwakeError('mapping-unknown-target', `${where}: columns."${cell}": "${n}" is not a column of ${table.table}`);
        place(target, cell, position);
        return target;
      });
      return resolved[0]!;
    }
    const target = resolveName(table, cell);
    if (!target) {
      if (!sources.has(key)) unknown.push(cell);
      return { kind: 'ignore' };
    }
    place(target, cell, position);
    return target;
  });
  // Every unknown header at once: a cart's export with several gets one round, not one per column.
  if (unknown.length > 0) {
    const others = unknown.slice(1).map((cell) => `"${shown(cell)}"`);
    const nor = others.length === 0 ? '' : ` (nor ${others.length === 1 ? 'is' : 'are'} ${others.length > 10 ? `${others.slice(0, 10).join(', ')} and ${others.length - 10} more` : others.join(', ')})`;
    throw new ImportError('header-unknown', file, 1, shown(unknown[0]!), `is not a column of ${table.table}${nor}; rename or ignore ${unknown.length === 1 ? 'it' : 'them'} with --mapping (known columns: ${table.columns.map((c) => c.name).join(', ')})`);
  }

  for (const [target, derivation] of Object.entries(mapping.derive)) {
    const column = table.columns.find((c) => c.name === target);
    if (!column) throw new KumiwakeError('mapping-unknown-target', `${where}: derive."${target}": "${target}" is not a column of ${table.table} (derived columns are named by their canonical names)`);
    const clash = positionOf.get(target);
    if (clash !== undefined) throw new KumiwakeError('mapping-conflict', `${where}: derive."${target}": the file's column "${cells[clash]}" already gives ${target}; ignore it in "columns" or derive another column`);
    if ('concat' in derivation) {
      derivation.concat.forEach((source, i) => {
        if (!seenHeader.has(normaliseHeader(source))) {
          throw new ImportError('mapping-unknown-column', file, 1, shown(source), `is not a header of the file (${where}: derive."${target}".concat[${i}])`);
        }
      });
    }
  }

  const supplied = new Set([...mapping.rules.flatMap((r) => Object.keys(r.set)), ...Object.keys(mapping.derive)]);
  for (const column of table.columns) {
    if (column.required && !positionOf.has(column.name) && !supplied.has(column.name)) {
      const names = [column.name, ...column.aliases].map((n) => `"${n}"`).join(' or ');
      throw new ImportError('header-missing', file, 1, column.name, `required column is missing (expected a header ${names})`);
    }
  }
  return { targets, cells, positionOf, groups };
}

/**
 * A header that reads as one column holding tabs or semicolons is a TSV or `;` file read with
 * the wrong delimiter: say so, instead of "column a\tb\tc: is not a column".
 */
export function refuseWrongDelimiter(header: readonly string[], file: string, delimiter: string): void {
  if (header.length !== 1) return;
  const [cell] = header;
  for (const [other, flag] of [['\t', 'tab'], [';', ';'], [',', ',']] as const) {
    if (other !== delimiter && cell!.includes(other)) {
      const name = other === '\t' ? 'tabs' : other === ';' ? 'semicolons' : 'commas';
      throw new ImportError('header-delimiter', file, 1, undefined,
        `the header is one column holding ${name}: is the file separated by ${name}? Read it with --delimiter ${flag === ';' ? "';'" : flag}`);
    }
  }
}

/** The canonical column a file header or alias names, if any (for hints in mapping errors). */
export function canonicalNameOf(table: TableDef, name: string, mapping: Mapping): string | undefined {
  const key = normaliseHeader(name);
  const to = Object.entries(mapping.columns).find(([from]) => normaliseHeader(from) === key)?.[1];
  const first = Array.isArray(to) ? to[0] : to;
  const target = resolveName(table, typeof first === 'string' && first !== '' ? first : name);
  return target?.kind === 'column' ? target.column.name : undefined;
}
