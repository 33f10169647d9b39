import { visit, type JSONVisitor } from 'jsonc-parser';
import { KumiwakeError } from './errors.js';

/**
 * The JSON a user wrote in a file (a definition, a job, a mapping), its byte-order mark allowed.
 * A fault names the file, the line and the column (JSON.parse gives a character position), and a
 * UTF-16 file (Excel's "Unicode text") is named as such rather than quoted byte by byte. A key
 * given twice in one object is refused: JSON.parse would keep the last one without a word.
 */
export function parseJsonText(text: string, source: string, code: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (body.includes('\u0000') || body.startsWith('\uFFFD\uFFFD')) {
    throw new KumiwakeError(code, `${source}: not UTF-8 text (UTF-16, as Excel's "Unicode text" saves?): save it as UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : /Unexpected end of JSON input/.test(message) ? body.length : undefined;
    if (offset === undefined) throw new KumiwakeError(code, `${source}: not valid JSON: ${message}`);
    const before = body.slice(0, offset).split('\n');
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'the text ends before the JSON does');
    throw new KumiwakeError(code, `${source}:${before.length}:${[...before.at(-1)!].length + 1}: not valid JSON: ${reason}`);
  }
  const twice = repeatedKey(body);
  if (twice) {
    throw new KumiwakeError(code, `${source}:${twice.line}:${twice.column}: ${twice.path}"${twice.key}" is given twice in one object, and JSON keeps only the last: remove one`);
  }
  return value;
}

/** The first key written twice in one object (JSON.parse keeps the last without a word: `{"min": 1, "min": 200}`). */
function repeatedKey(text: string): { key: string; path: string; line: number; column: number } | undefined {
  const objects: Array<Set<string>> = [];
  let found: ReturnType<typeof repeatedKey>;
  const visitor: JSONVisitor = {
    onObjectBegin: () => void objects.push(new Set()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (key, _offset, _length, line, character, pathOf) => {
      const keys = objects.at(-1)!;
      if (keys.has(key) && found === undefined) {
        const path = pathOf().map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('').replace(/^\./, '');
        found = { key, path: path === '' ? '' : `${path}: `, line: line + 1, column: character + 1 };
      }
      keys.add(key);
    },
  };
  try {
    visit(text, visitor);
  } catch (e) {
    // The scanner recurses: thousands of levels exhaust the stack, which the definition's own
    // check refuses anyway (nested deeper than 100 levels) with a better message.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  return found;
}
