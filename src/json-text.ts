import { parse, printParseErrorCode, visit, type JSONVisitor, type ParseError } from 'jsonc-parser';
import { KumiwakeError } from './errors.js';

/**
 * The JSON a user wrote in a file (a definition, a job, a mapping), its byte-order mark allowed.
 * A fault names the file, the line and the column (found by jsonc-parser, which gives every
 * error's offset where JSON.parse gives some), and a UTF-16 file (Excel's "Unicode text") is
 * named as such rather than quoted byte by byte. A key given twice in one object is refused:
 * JSON.parse would keep the last one without a word.
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
    const errors: ParseError[] = [];
    parse(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (first === undefined) throw new KumiwakeError(code, `${source}: not valid JSON: ${(e as Error).message}`);
    throw new KumiwakeError(code, `${source}:${lineAndColumn(body, first.offset)}: not valid JSON: ${words(printParseErrorCode(first.error))}`);
  }
  const twice = repeatedJsonKey(body);
  if (twice) {
    const object = twice.object === '' ? '' : `${twice.object}: `;
    throw new KumiwakeError(code, `${source}:${lineAndColumn(body, twice.offset)}: ${object}"${twice.key}" is given twice in one object, and JSON keeps only the last: remove one`);
  }
  return value;
}

/** `LINE:COLUMN` of a UTF-16 offset, the column in characters (an emoji is one). */
function lineAndColumn(text: string, offset: number): string {
  const lines = text.slice(0, offset).split('\n');
  return `${lines.length}:${[...lines.at(-1)!].length + 1}`;
}

/** jsonc-parser's error code in words: `ValueExpected` → `value expected`. */
const words = (errorCode: string) => errorCode.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * The first key written twice in one object of a JSON text (JSON.parse keeps the last without a
 * word: `{"min": 1, "min": 200}`): the key, the JSON path of its object (`where.all[0]`, '' for
 * the outermost) and of the key itself (`where.all[0].min`), and its offset in the text.
 */
export function repeatedJsonKey(text: string): { key: string; object: string; path: string; offset: number } | undefined {
  const objects: Array<Set<string>> = [];
  let found: ReturnType<typeof repeatedJsonKey>;
  const visitor: JSONVisitor = {
    onObjectBegin: () => void objects.push(new Set()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (key, offset, _length, _line, _character, pathOf) => {
      const keys = objects.at(-1)!;
      if (keys.has(key) && found === undefined) {
        const object = pathOf().map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('').replace(/^\./, '');
        found = { key, object, path: object === '' ? key : `${object}.${key}`, offset };
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
