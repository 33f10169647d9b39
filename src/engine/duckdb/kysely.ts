import {
  CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Generated, type QueryResult,
} from 'kysely';
import type { DuckDBEngine } from './engine.js';

/** Kysely over our DuckDB connection: Postgres-style quoting and `$n` placeholders, which DuckDB reads. */
class DuckDbConnection implements DatabaseConnection {
  constructor(private readonly db: DuckDBEngine) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const rows = await this.db.query<R>({ sql: compiled.sql, parameters: compiled.parameters });
    return { rows };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('INTERNAL ERROR: streaming through Kysely is not supported; use DuckDBEngine.stream');
  }
}

class DuckDbDriver implements Driver {
  private readonly connection: DuckDbConnection;
  constructor(private readonly db: DuckDBEngine) {
    this.connection = new DuckDbConnection(db);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    await this.db.run('BEGIN TRANSACTION');
  }
  async commitTransaction(): Promise<void> {
    await this.db.run('COMMIT');
  }
  async rollbackTransaction(): Promise<void> {
    await this.db.run('ROLLBACK');
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The tables Kysely queries are typed against. */
export interface Tables {
  segments: { name: string; definition: string; saved_at: string };
  job_runs: JobRunRow;
}

/** A row of job_runs (sql/schema.sql); timestamps are written as UTC text and read back as Date. */
export interface JobRunRow {
  run_id: Generated<bigint>;
  job: string;
  segment: string | null;
  trigger: 'manual' | 'schedule' | 'catch-up';
  scheduled_for: string | Date | null;
  as_of: string | Date | null;
  started_at: string | Date;
  finished_at: string | Date | null;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted' | 'skipped';
  count: bigint | number | null;
  reachable_email: bigint | number | null;
  reachable_line: bigint | number | null;
  reachable_dm: bigint | number | null;
  files: string[] | null;
  error: string | null;
  /** the statement that failed and its parameters (JSON), when the engine failed the run */
  error_sql: string | null;
  error_parameters: string | null;
  pid: number | null;
}

export function kyselyFor(db: DuckDBEngine): Kysely<Tables> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DuckDbDriver(db),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<Tables>({ dialect });
}
