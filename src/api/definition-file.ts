import { readFileSync } from 'node:fs';
import { KumiwakeError } from '../errors.js';
import { parseJsonText } from '../json-text.js';
import { parseQuery } from '../query/query.js';
import { readReason } from '../system-reasons.js';

/**
 * A definition from a JSON file (`-`: standard input), a byte-order mark allowed; not checked
 * here (the workspace parses it when it is used). Faults name the file. A `.kwq` file holds a
 * query (src/query/query-language.md): it is read into the definition it writes, its faults
 * given at FILE:LINE:COLUMN (`as` reads any file so).
 */
export function readDefinitionFile(file: string, as: 'json' | 'query' = /\.kwq$/i.test(file) ? 'query' : 'json'): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new KumiwakeError('file-missing', `${file}: cannot read the definition: ${readReason(e)}`);
  }
  if (as === 'query') return parseQuery(text.replace(/^\uFEFF/, ''), { source: file === '-' ? 'standard input' : file });
  return parseJsonText(text, file === '-' ? 'standard input' : file, 'definition-json');
}
