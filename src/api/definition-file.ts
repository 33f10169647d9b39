import { readFileSync } from 'node:fs';
import { KumiwakeError } from '../errors.js';

/**
 * A definition from a JSON file (`-`: standard input), a byte-order mark allowed; not checked
 * here (the workspace parses it when it is used). Faults name the file.
 */
export function readDefinitionFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new KumiwakeError('file-missing', `${file}: cannot read the definition: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new KumiwakeError('definition-json', `${file === '-' ? 'standard input' : file}: not valid JSON: ${(e as Error).message}`);
  }
}
