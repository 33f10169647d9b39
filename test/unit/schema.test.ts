import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { allTables } from '../../src/catalog/tables.js';

const duckType = { text: 'VARCHAR', integer: 'BIGINT', decimal: 'DECIMAL(18,4)', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', enum: 'VARCHAR', tags: 'VARCHAR[]' };

describe('sql/schema.sql', () => {
  it('holds every column of the catalog (src/catalog/data-model.md) with its type and default', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      for (const table of allTables) {
        const described = await db.all<{ column_name: string; column_type: string; default: string | null }>(
          `SELECT column_name, data_type AS column_type, column_default AS default FROM information_schema.columns WHERE table_name = $t`,
          { t: table.table },
        );
        for (const column of table.columns) {
          const found = described.find((d) => d.column_name === column.name);
          expect(found, `${table.table}.${column.name}`).toBeDefined();
          expect(found!.column_type, `${table.table}.${column.name}`).toBe(duckType[column.type]);
          if (column.default !== undefined) {
            const [same] = await db.all<{ same: boolean }>(`SELECT (${found!.default}) = (${column.default}) AS same`);
            expect(same!.same, `${table.table}.${column.name} default`).toBe(true);
          }
        }
      }
    } finally {
      db.close();
    }
  });
});
