import {
  CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type QueryResult,
} from 'kysely';
import type { Tables } from '../tables.js';
import type { Engine } from '../engine.js';

/** Kysely over our DuckDB connection: Postgres-style quoting and `$n` placeholders, which DuckDB reads. */
class DuckDbConnection implements DatabaseConnection {
  constructor(private readonly db: Engine) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const rows = await this.db.query<R>({ sql: compiled.sql, parameters: compiled.parameters });
    return { rows };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('INTERNAL ERROR: streaming through Kysely is not supported; use the engine\'s stream');
  }
}

class DuckDbDriver implements Driver {
  private readonly connection: DuckDbConnection;
  constructor(private readonly db: Engine) {
    this.connection = new DuckDbConnection(db);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    await this.db.query({ sql: 'BEGIN TRANSACTION', parameters: [] });
  }
  async commitTransaction(): Promise<void> {
    await this.db.query({ sql: 'COMMIT', parameters: [] });
  }
  async rollbackTransaction(): Promise<void> {
    await this.db.query({ sql: 'ROLLBACK', parameters: [] });
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

export function kyselyFor(db: Engine): Kysely<Tables> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DuckDbDriver(db),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<Tables>({ dialect });
}
