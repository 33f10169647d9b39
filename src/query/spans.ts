/** Where a piece of query text is: offsets into the text (end exclusive). */
export interface Span { readonly start: number; readonly end: number }

/** A place in a query text as people count: lines and columns from 1 (columns in characters). */
export interface Position { readonly line: number; readonly column: number }

export function positionOf(text: string, offset: number): Position {
  return positionsOf(text, [offset])[0]!;
}

/**
 * The positions of many offsets (a definition's faults), in one pass over the text: a pass for
 * each, copying the text before it, was 100 passes over a query of 8 MB.
 */
export function positionsOf(text: string, offsets: readonly number[]): Position[] {
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]!);
  const positions: Position[] = new Array<Position>(offsets.length);
  let line = 1;
  let at = 0;
  let column = 1;
  for (const i of order) {
    const offset = offsets[i]!;
    for (let newline = text.indexOf('\n', at); newline !== -1 && newline < offset; newline = text.indexOf('\n', newline + 1)) {
      line++;
      at = newline + 1;
      column = 1;
    }
    column += characters(text, at, offset);
    at = offset;
    positions[i] = { line, column };
  }
  return positions;
}

/** The characters (code points, as Array.from counts them) from `from` to `to`. */
export function characters(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++, count++) {
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < to && isLowSurrogate(text.charCodeAt(i + 1))) i++;
  }
  return count;
}

export const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
export const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
