import { randomUUID } from 'node:crypto';
import { KumiwakeError } from '../../errors.js';
import { InterruptedError } from '../../interrupt.js';
import { QueryError } from '../engine.js';
import { httpOrigin } from './address.js';
import { isErrorInAnswer, notARow, parseTsvWithTypes, tsvUnescape, tsvValue } from './tsv.js';

/** One ClickHouse server spoken to over HTTP (Node's fetch), as one user, in one database. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  /** the database statements run in; unset before it exists (cluster init) */
  readonly database?: string;
}

export interface RunOptions {
  /** request settings, e.g. max_memory_usage */
  readonly settings?: Readonly<Record<string, string | number>>;
  readonly signal?: AbortSignal;
  /** rows sent after an INSERT … FORMAT TabSeparated statement */
  readonly body?: string | AsyncIterable<Uint8Array>;
}

/** ClickHouse error codes a user fixes: who they are, which database. */
const AUTH_CODES = new Set([192, 193, 194, 195, 516]);
const UNKNOWN_DATABASE = 81;

/**
 * A shard's connection out of step with the server asking it (ClickHouse before 20.12: a
 * distributed query cancelled while it was being sent, e.g. by a reader that stopped early, leaves
 * the pooled connection to send a stray Data packet, and the next query over it fails with code 101
 * "Unexpected packet Data received from client"; fixed upstream by ClickHouse PR 17254). The
 * broken connection is dropped with the error, so the same read asked again goes through.
 */
const OUT_OF_STEP = /Code: 10[12]\b[^]*Unexpected packet/;
/** How often a read that met OUT_OF_STEP is asked again. */
const OUT_OF_STEP_RETRIES = 2;
/** Statements that change nothing, so asking again cannot do anything twice. */
const READ_ONLY = /^\s*(SELECT|WITH)\b/i;

/** A ClickHouse error's code (`Code: 60, e.displayText() = …`). */
export const errorCode = (message: string): number | undefined => {
  const match = /Code: (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
};

export class ClickHouseServer {
  readonly origin: string;
  private readonly running = new Set<string>();

  constructor(readonly address: ServerAddress) {
    this.origin = httpOrigin(address);
  }

  /** The same server, in another database (or in none). */
  inDatabase(database: string | undefined): ClickHouseServer {
    return new ClickHouseServer({ ...this.address, database });
  }

  /** Runs one statement and returns the response text. */
  async run(sql: string, options: RunOptions = {}): Promise<string> {
    const { response, done } = await this.request(sql, options);
    try {
      return await response.text();
    } finally {
      done();
    }
  }

  /** Rows of a SELECT as objects, typed by the server's column types. */
  async rows<T = Record<string, unknown>>(sql: string, options: RunOptions = {}): Promise<T[]> {
    const text = await this.run(`${sql}\nFORMAT TabSeparatedWithNamesAndTypes`, options);
    const { names, rows } = parseTsvWithTypes(text, (why) => {
      throw new QueryError(why, sql, []);
    });
    return rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])) as T);
  }

  /** Rows of a SELECT as column vectors, `batch` rows at a time, read from the response as it comes. */
  async *columns(sql: string, batch = 2048, signal?: AbortSignal, onHeader?: (names: string[], types: string[]) => void): AsyncGenerator<unknown[][]> {
    const { response, done } = await this.request(`${sql}\nFORMAT TabSeparatedWithNamesAndTypes`, { signal });
    try {
      yield* this.batches(response, sql, batch, onHeader);
    } finally {
      done();
    }
  }

  private async *batches(response: Response, sql: string, batch: number, onHeader?: (names: string[], types: string[]) => void): AsyncGenerator<unknown[][]> {
    const decoder = new TextDecoder();
    let pending = '';
    let types: string[] | undefined;
    let names: string[] = [];
    let header = 0;
    let vectors: unknown[][] = [];
    let count = 0;
    const flush = () => {
      const out = vectors;
      vectors = types!.map(() => []);
      count = 0;
      return out;
    };
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (header < 2) {
          if (header === 0) names = line.split('\t').map((n) => tsvUnescape(n) ?? '');
          if (header === 1) {
            types = line.split('\t').map((t) => tsvUnescape(t) ?? '');
            vectors = types.map(() => []);
            onHeader?.(names, types);
          }
          header++;
          continue;
        }
        const fields = line.split('\t');
        const why = notARow(line, fields.length, types!.length);
        if (why !== undefined) throw new QueryError(why, sql, []);
        fields.forEach((field, i) => vectors[i]!.push(tsvValue(types![i]!, field)));
        if (++count >= batch) yield flush();
      }
    }
    // Every row ends in a newline: text after the last one is an error the server wrote.
    pending += decoder.decode();
    if (pending !== '') throw new QueryError(isErrorInAnswer(pending) ? pending : `ClickHouse's answer ended in the middle of a row: ${pending.slice(0, 200)}`, sql, []);
    if (count > 0) yield flush();
  }

  /** Sends `body` (TSV lines) to `INSERT INTO table (columns) FORMAT TabSeparated`. */
  async insertTsv(table: string, columns: readonly string[], body: string | AsyncIterable<Uint8Array>, options: RunOptions = {}): Promise<void> {
    await this.run(`INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated`, { ...options, body });
  }

  /** Stops the statements this client is running (KILL QUERY by their ids). */
  async killRunning(): Promise<void> {
    const ids = [...this.running];
    if (ids.length === 0) return;
    const list = ids.map((id) => `'${id}'`).join(', '); // ids are our own UUIDs
    await this.run(`KILL QUERY WHERE query_id IN (${list}) ASYNC`).catch(() => undefined);
  }

  /** Is the server answering `/ping`? */
  async ping(timeoutMs = 2000): Promise<boolean> {
    try {
      const response = await fetch(`${this.origin}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
      return response.ok;
    } catch {
      return false;
    }
  }

  private async request(sql: string, options: RunOptions): Promise<{ response: Response; done: () => void }> {
    for (let retries = options.body === undefined && READ_ONLY.test(sql) ? OUT_OF_STEP_RETRIES : 0; ; retries--) {
      try {
        return await this.requestOnce(sql, options);
      } catch (e) {
        if (!(retries > 0 && e instanceof QueryError && OUT_OF_STEP.test(e.message)) || options.signal?.aborted) throw e;
      }
    }
  }

  private async requestOnce(sql: string, options: RunOptions): Promise<{ response: Response; done: () => void }> {
    const queryId = randomUUID();
    const params = new URLSearchParams({ query_id: queryId });
    if (this.address.database) params.set('database', this.address.database);
    for (const [k, v] of Object.entries(options.settings ?? {})) params.set(k, String(v));
    const headers: Record<string, string> = {};
    if (this.address.user !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.address.user}:${this.address.password ?? ''}`).toString('base64')}`;
    }
    // An INSERT's rows are the request body; its statement goes in the URL.
    const inserting = options.body !== undefined;
    if (inserting) params.set('query', sql);
    this.running.add(queryId);
    let response: Response;
    try {
      response = await fetch(`${this.origin}/?${params}`, {
        method: 'POST',
        headers,
        body: inserting ? (options.body as BodyInit) : sql,
        signal: options.signal,
        ...(inserting && typeof options.body !== 'string' ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (e) {
      this.running.delete(queryId);
      if (options.signal?.aborted) throw new InterruptedError(String(options.signal.reason));
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new KumiwakeError('engine-unreachable',
        `cannot reach ClickHouse at ${this.origin} (${cause?.code ?? cause?.message ?? (e as Error).message}): is the server running, and is the address right?`, 1);
    }
    // The id stays "running" (KILL QUERY can stop it) until the caller has read the answer.
    if (response.ok) return { response, done: () => this.running.delete(queryId) };
    this.running.delete(queryId);
    const message = (await response.text()).trim();
    const code = errorCode(message);
    if (code !== undefined && AUTH_CODES.has(code)) {
      throw new KumiwakeError('engine-auth',
        `ClickHouse at ${this.origin} refused user "${this.address.user ?? 'default'}": ${message.replace(/, e\.what\(\).*$/s, '')}. Give the user and password in the URL (clickhouse://USER:PASSWORD@HOST:PORT/DATABASE)`, 1);
    }
    if (code === UNKNOWN_DATABASE && this.address.database) {
      throw new KumiwakeError('database-missing',
        `ClickHouse at ${this.origin} has no database "${this.address.database}": create it with kumiwake cluster init`, 2);
    }
    throw new QueryError(message, inserting ? `${sql} (rows in the request body)` : sql, []);
  }
}
