import type { DuckDBEngine } from '../engine.js';

/** A row `r` whose customer the customers table lacks. */
const MISSING_CUSTOMER = 'NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.customer_id = r.customer_id)';

/**
 * The customers of the lines or events an import loads that the customers table does not hold
 * (`unknownCustomers` of the import's result), kept inside the import's transaction.
 *
 * Only the rows whose customer is missing are written, one per row and not made distinct on the
 * way: a DISTINCT over every loaded row (90M events at 3x the benchmark, three million customers)
 * holds a hash table DuckDB did not manage to spill beside the transaction's own new rows, and
 * the import ran out of memory at the default limit. The missing customers are usually none;
 * when they are many (events imported before the customers), they are counted distinct in hash
 * partitions small enough for the limit.
 */
export class UnknownCustomers {
  static readonly TABLE = 'kumiwake_import_customers';

  /** `rowsPerPass`: at most this many rows of missing customers are made distinct in one pass */
  constructor(private readonly db: DuckDBEngine, private readonly rowsPerPass = 4_000_000) {}

  /** Time spent noting and counting, for the import's account of where its time went. */
  elapsedMs = 0;

  /** Runs `work`, counting its time as the import's time spent on missing customers. */
  async timed<T>(work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.elapsedMs += Date.now() - started;
    }
  }

  async start(): Promise<void> {
    await this.db.run(`CREATE OR REPLACE TABLE ${UnknownCustomers.TABLE} (customer_id VARCHAR)`);
  }

  /** Notes the missing customers of `rows` (a table or subquery with a customer_id column). */
  async note(rows: string): Promise<void> {
    await this.timed(() => this.db.run(`INSERT INTO ${UnknownCustomers.TABLE} SELECT r.customer_id FROM ${rows} AS r
      WHERE ${MISSING_CUSTOMER}`));
  }

  /**
   * How many distinct customers the rows of `table`, committed by this import (a side table of
   * purchases), name that the customers table lacks: counted where they are instead of noted
   * first, as with every line's customer missing (lines imported before the customers) the note
   * copies every line. The customers are grouped, not counted DISTINCT: DuckDB spills a grouping to
   * disk, and the transaction holds no new rows yet to compete with it.
   */
  countCommitted(table: string): Promise<number> {
    return this.timed(async () => {
      const [n] = await this.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM (SELECT r.customer_id FROM ${table} AS r
        WHERE ${MISSING_CUSTOMER} GROUP BY r.customer_id)`);
      return Number(n!.n);
    });
  }

  /** How many distinct customers are missing; drops the table. */
  finish(): Promise<number> {
    return this.timed(() => this.countMissing());
  }

  private async countMissing(): Promise<number> {
    const table = UnknownCustomers.TABLE;
    const [noted] = await this.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
    const passes = Math.max(1, Math.ceil(Number(noted!.n) / this.rowsPerPass));
    let missing = 0;
    for (let pass = 0; pass < passes; pass++) {
      const part = passes === 1 ? '' : `AND hash(r.customer_id) % ${passes} = ${pass}`;
      const [n] = await this.db.all<{ n: bigint }>(
        `SELECT count(DISTINCT r.customer_id) AS n FROM ${table} AS r WHERE ${MISSING_CUSTOMER} ${part}`);
      missing += Number(n!.n);
    }
    await this.db.run(`DROP TABLE ${table}`);
    return missing;
  }
}
