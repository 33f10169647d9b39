import { KumiwakeError } from './errors.js';

/**
 * The JSON a user wrote in a file (a definition, a job, a mapping), its byte-order mark allowed.
 * A fault names the file, the line and the column (JSON.parse gives a character position), and a
 * UTF-16 file (Excel's "Unicode text") is named as such rather than quoted byte by byte.
 */
export function parseJsonText(text: string, source: string, code: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (body.includes('\u0000') || body.startsWith('\uFFFD\uFFFD')) {
    throw new KumiwakeError(code, `${source}: not UTF-8 text (UTF-16, as Excel's "Unicode text" saves?): save it as UTF-8`);
  }
  try {
    return JSON.parse(body);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : /Unexpected end of JSON input/.test(message) ? body.length : undefined;
    if (offset === undefined) throw new KumiwakeError(code, `${source}: not valid JSON: ${message}`);
    const before = body.slice(0, offset).split('\n');
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'the text ends before the JSON does');
    throw new KumiwakeError(code, `${source}:${before.length}:${[...before.at(-1)!].length + 1}: not valid JSON: ${reason}`);
  }
}
