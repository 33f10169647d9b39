import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import {
  Bool, DateDay, Field, Float64, Int64, List, RecordBatch, RecordBatchFileWriter, Schema, Struct, TimestampMillisecond, Utf8, makeBuilder,
  makeData, type DataType,
} from 'apache-arrow';
import type { ExportColumn } from './columns.js';
import { exportSelect, headerOf } from './select.js';
import { streamColumns, type ExportWriter } from './writer.js';
import { convertColumns, typedConversions } from './clickhouse/typed.js';

/** Rows per Arrow record batch: large enough to be columnar, small enough to stay lean. */
const BATCH_ROWS = 16_384;

function arrowType(column: ExportColumn): DataType {
  switch (column.type) {
    case 'text': return new Utf8();
    case 'integer': return new Int64();
    case 'decimal': return new Float64();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMillisecond();
    case 'tags': return new List(new Field('item', new Utf8(), true));
  }
}

/** Arrow IPC file (Feather v2) through apache-arrow, written batch by batch as rows stream in. */
export const arrowWriter: ExportWriter = async ({ db, dialect, file, columns, headers, query, rowCount, signal, progress }) => {
  const names = columns.map((c) => headerOf(c, headers));
  const types = columns.map(arrowType);
  const schema = new Schema(columns.map((_, i) => new Field(names[i]!, types[i]!, true)));
  const writer = new RecordBatchFileWriter();
  const done = pipeline(writer.toNodeStream(), createWriteStream(file.tempPath), { signal });
  const newBuilders = () => types.map((type) => makeBuilder({ type, nullValues: [null, undefined] }));
  let builders = newBuilders();
  let bufferedRows = 0;
  let written = 0;
  const flush = () => {
    const children = builders.map((b) => b.finish().flush());
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: bufferedRows, nullCount: 0, children })));
    written += bufferedRows;
    progress(rowCount === 0 ? 1 : written / rowCount);
    builders = newBuilders();
    bufferedRows = 0;
  };
  try {
    const conversions = query.serverMembers ? typedConversions(columns, false) : undefined;
    for await (const data of streamColumns(db, exportSelect(dialect, columns, headers, 'native', query), signal)) {
      if (conversions) convertColumns(data, conversions);
      for (let c = 0; c < data.length; c++) {
        const builder = builders[c]!;
        for (const value of data[c]!) builder.append(value);
      }
      bufferedRows += data[0]!.length;
      if (bufferedRows >= BATCH_ROWS) flush();
    }
    // The last batch; for an empty list, a batch of no rows keeps the columns readable.
    if (bufferedRows > 0 || written === 0) flush();
  } finally {
    writer.close();
  }
  await done;
};
