import { createReadStream } from 'node:fs';

/**
 * Finds the physical line (1-based) on which each data record starts. Record 0 is the first
 * record after the header. Quoted fields may hold newlines, so lines and records differ; blank
 * lines are not records (DuckDB's reader skips them too). Used only to word error messages.
 */
export async function lineNumbersOfRecords(path: string, records: readonly number[]): Promise<Map<number, number>> {
  const wanted = [...new Set(records)].sort((a, b) => a - b);
  const found = new Map<number, number>();
  if (wanted.length === 0) return found;
  let next = 0;
  let line = 1;
  let record = -1; // the header is record -1
  let inQuotes = false;
  let recordBytes = 0; // bytes of the current record other than \r
  let recordStartLine = 1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === 0x22) inQuotes = !inQuotes;
      if (byte === 0x0a) {
        if (!inQuotes) {
          if (recordBytes > 0) {
            if (record >= 0 && record === wanted[next]) {
              found.set(record, recordStartLine);
              if (++next === wanted.length) return found;
            }
            record++;
          }
          recordBytes = 0;
          recordStartLine = line + 1;
        }
        line++;
      } else if (byte !== 0x0d) {
        recordBytes++;
      }
    }
  }
  if (recordBytes > 0 && record >= 0 && record === wanted[next]) found.set(record, recordStartLine);
  return found;
}
