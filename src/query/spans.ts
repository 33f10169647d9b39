/** Where a piece of query text is: offsets into the text (end exclusive). */
export interface Span { readonly start: number; readonly end: number }

/** A place in a query text as people count: lines and columns from 1 (columns in characters). */
export interface Position { readonly line: number; readonly column: number }

export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: Array.from(before.slice(lineStart)).length + 1 };
}
