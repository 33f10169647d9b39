/**
 * Reading ClickHouse's TabSeparated answers: every answer is read as
 * TabSeparatedWithNamesAndTypes (JSON would turn Decimal and 64-bit values into floats). The
 * rows the import and the copier send are written as TSV by DuckDB (copy.ts).
 */

const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', "'": "'", a: '\x07', v: '\v', e: '\x1b' };

/** A TSV field's text (`\N` is NULL). */
export function tsvUnescape(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/gs, (_, c: string) => UNESCAPES[c] ?? c);
}

/** A ClickHouse array's text (`['a','b']`, `[1,2]`) as its elements' texts. */
export function parseArrayText(text: string): string[] {
  const out: string[] = [];
  let i = 1;
  const end = text.length - 1;
  while (i < end) {
    if (text[i] === ',' || text[i] === ' ') {
      i++;
      continue;
    }
    if (text[i] === "'") {
      let value = '';
      i++;
      while (i < end && text[i] !== "'") {
        if (text[i] === '\\') {
          value += UNESCAPES[text[i + 1]!] ?? text[i + 1];
          i += 2;
        } else value += text[i++];
      }
      out.push(value);
      i++;
    } else {
      const next = text.indexOf(',', i);
      const stop = next < 0 || next > end ? end : next;
      out.push(text.slice(i, stop));
      i = stop;
    }
  }
  return out;
}

/** A ClickHouse value as JS, by its type: 64-bit integers as bigint, DateTime and Date as Date (UTC), Decimal as number (as DuckDB's engine gives it). */
export function fromClickHouse(type: string, text: string | null): unknown {
  if (text === null) return null;
  const inner = type.startsWith('Nullable(') ? type.slice(9, -1) : type.startsWith('LowCardinality(') ? type.slice(15, -1) : type;
  if (inner !== type) return fromClickHouse(inner, text);
  if (/^U?Int64$/.test(type)) return BigInt(text);
  if (/^U?Int(8|16|32)$|^Float(32|64)$/.test(type)) return Number(text);
  if (type.startsWith('Decimal')) return Number(text);
  if (type.startsWith('DateTime')) return new Date(`${text.replace(' ', 'T')}Z`);
  if (type === 'Date') return new Date(`${text}T00:00:00Z`);
  if (type.startsWith('Array(')) {
    const element = type.slice(6, -1);
    return parseArrayText(text).map((e) => fromClickHouse(element, e));
  }
  return text;
}

/**
 * A TSV field's value by its column type. An array's text is not escaped again by the TSV layer
 * (its elements carry their own escapes), so it is read raw; any other field is unescaped first.
 */
export function tsvValue(type: string, field: string): unknown {
  if (field === '\\N') return null;
  const inner = type.replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1');
  if (inner.startsWith('Array(')) {
    const element = inner.slice(6, -1);
    return parseArrayText(field).map((e) => fromClickHouse(element, e));
  }
  return fromClickHouse(type, tsvUnescape(field));
}

/**
 * An error ClickHouse wrote into an answer it had begun (its status and headers already sent):
 * `Code: 241, e.displayText() = DB::Exception: …` (18.16) or `Code: 241. DB::Exception: …`
 * (current releases) on a line of its own after the rows so far.
 */
export const isErrorInAnswer = (line: string): boolean => /^Code: \d+(?:, e\.displayText\(\) = |\. )DB::/.test(line);

/** Why a line of an answer, split into `fields`, is not a row of `columns` (the server's own error, if it wrote one). */
export function notARow(line: string, fields: number, columns: number): string | undefined {
  if (isErrorInAnswer(line)) return line;
  if (fields !== columns) return `ClickHouse answered a row of ${fields} fields where its header names ${columns}: ${line.slice(0, 200)}`;
  return undefined;
}

/**
 * Splits TabSeparatedWithNamesAndTypes text (whole lines) into names, types and typed rows; a line
 * that is no row (notARow) is thrown by `fail`.
 */
export function parseTsvWithTypes(text: string, fail: (why: string) => never): { names: string[]; types: string[]; rows: unknown[][] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const names = (lines[0] ?? '').split('\t').map((n) => tsvUnescape(n) ?? '');
  const types = (lines[1] ?? '').split('\t').map((t) => tsvUnescape(t) ?? '');
  const rows = lines.slice(2).map((line) => {
    const fields = line.split('\t');
    const why = notARow(line, fields.length, types.length);
    if (why !== undefined) fail(why);
    return fields.map((field, i) => tsvValue(types[i]!, field));
  });
  return { names, types, rows };
}
