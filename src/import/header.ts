import { ImportError, KumiwakeError } from '../errors.js';
import type { ColumnDef, TableDef } from '../catalog/tables.js';
import type { Mapping } from './mapping.js';

/** Where one column of the file goes. */
export type ColumnTarget =
  | { readonly kind: 'column'; readonly column: ColumnDef }
  | { readonly kind: 'group'; readonly name: string }
  | { readonly kind: 'ignore' };

export interface MappedHeader {
  /** one entry per column of the file, in file order */
  readonly targets: readonly ColumnTarget[];
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

/** Maps a file's header cells to canonical columns, refusing unknown, duplicate and missing columns. */
/** More columns than any shop export has: a wider header is a broken file, not data. */
export const MAX_COLUMNS = 1000;

/** A header cell as a message shows it: control bytes and undecodable ones as "?", at most 40 characters. */
const shown = (cell: string): string => {
  const clean = cell.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
};

export function mapHeader(table: TableDef, header: readonly string[], file: string, mapping: Mapping, mappingFile?: string): MappedHeader {
  if (header.length > MAX_COLUMNS) {
    throw new ImportError('header-too-wide', file, 1, undefined, `the header has ${header.length.toLocaleString('en')} columns; at most ${MAX_COLUMNS.toLocaleString('en')} are read (is this the right file?)`);
  }
  const renames = new Map(Object.entries(mapping.columns).map(([from, to]) => [normaliseHeader(from), to]));
  const seenHeader = new Map<string, string>();
  const positionOf = new Map<string, number>();
  const groups: Array<{ name: string; position: number }> = [];
  const targets: ColumnTarget[] = header.map((raw, position) => {
    const cell = raw.replace(/^\uFEFF/, '');
    const key = normaliseHeader(cell);
    if (key === '') throw new ImportError('header-empty', file, 1, `#${position + 1}`, 'the header cell is empty; name the column or ignore it in a mapping file');
    const earlier = seenHeader.get(key);
    if (earlier !== undefined) throw new ImportError('header-duplicate', file, 1, shown(cell), `appears twice in the header (also as "${earlier}")`);
    seenHeader.set(key, cell);

    let target: ColumnTarget | undefined;
    if (renames.has(key)) {
      const to = renames.get(key);
      if (to === null || to === undefined || to === '') return { kind: 'ignore' };
      target = resolveName(table, to);
      if (!target) {
        throw new KumiwakeError('mapping-unknown-target', `${mappingFile ?? 'mapping'}: columns."${cell}": "${to}" is not a column of ${table.table}`);
      }
    } else {
      target = resolveName(table, cell);
    }
    if (!target) {
      throw new ImportError('header-unknown', file, 1, shown(cell), `is not a column of ${table.table}; rename or ignore it with --mapping (known columns: ${table.columns.map((c) => c.name).join(', ')})`);
    }
    const name = target.kind === 'column' ? target.column.name : target.kind === 'group' ? `${table.groupPrefix}${target.name}` : '';
    const clash = target.kind === 'column' ? positionOf.get(name) : groups.find((g) => g.name === (target as { name: string }).name)?.position;
    if (clash !== undefined) {
      throw new ImportError('header-duplicate', file, 1, shown(cell), `and column "${header[clash]}" both map to ${name}`);
    }
    if (target.kind === 'column') positionOf.set(target.column.name, position);
    if (target.kind === 'group') groups.push({ name: target.name, position });
    return target;
  });

  const ruleSets = new Set(mapping.rules.flatMap((r) => Object.keys(r.set)));
  for (const column of table.columns) {
    if (column.required && !positionOf.has(column.name) && !ruleSets.has(column.name)) {
      const names = [column.name, ...column.aliases].map((n) => `"${n}"`).join(' or ');
      throw new ImportError('header-missing', file, 1, column.name, `required column is missing (expected a header ${names})`);
    }
  }
  return { targets, positionOf, groups };
}
