/** Columns on a terminal: wide (CJK, full-width) characters take two cells, so padding counts cells, not characters. */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

export const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
export const padStart = (text: string, width: number) => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
export const figure = (n: number) => n.toLocaleString('en');
