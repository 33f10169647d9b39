import { sql } from 'kysely';
import { DuckDBEngine } from '../engine/duckdb/engine.js';
import { refreshDerivedTables } from '../engine/duckdb/import/derived.js';
import type { Engine } from '../engine/engine.js';
import { utcText } from '../engine/tables.js';
import { KumiwakeError } from '../errors.js';
import { canonicalStatus } from '../model/conditions/order-filter.js';

/** The settings-table name of the statuses that count as sales. */
export const SALES_STATUSES = 'sales-statuses';

/**
 * Statuses as a user writes them (`売上完了,発送済`, or a list): split at commas (full-width too),
 * trimmed, each canonical as in a definition (`キャンセル` is `cancelled`), without repeats.
 */
export function parseSalesStatuses(input: string | readonly string[]): string[] {
  const parts = (typeof input === 'string' ? [input] : input).flatMap((text) => text.split(/[,、，]/));
  return [...new Set(parts.map((p) => p.trim()).filter((p) => p !== '').map(canonicalStatus))];
}

/** The stored setting read back, or a fault naming what is wrong. */
export function salesStatusesFromJson(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new KumiwakeError('bad-settings', 'the stored sales-statuses setting is not a list of statuses; set it again with kumiwake settings set sales-statuses');
  }
  return value;
}

/**
 * Sets the statuses that count as sales (ecforce counts only 売上完了; written as
 * `parseSalesStatuses` reads them), or removes the setting
 * when none is given (every status but cancelled counts again), and rebuilds the lifetime purchase
 * summaries with the new rule in the same transaction: figures never mix two rules.
 */
export async function storeSalesStatuses(db: Engine, input: string | readonly string[]): Promise<void> {
  const statuses = parseSalesStatuses(input);
  await db.transaction(async () => {
    if (statuses.length === 0) await db.query(sql`DELETE FROM settings WHERE name = ${SALES_STATUSES}`.compile(db.kysely()));
    else {
      const text = JSON.stringify(statuses);
      await db.query(sql`INSERT INTO settings (name, value, set_at) VALUES (${SALES_STATUSES}, ${text}, ${utcText(new Date())})
        ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_at = excluded.set_at`.compile(db.kysely()));
    }
    await rebuildSummaries(db);
  });
}

/** The lifetime summaries follow the sales basis: rebuilt for everyone when it changes. */
export async function rebuildSummaries(db: Engine): Promise<void> {
  if (!(db instanceof DuckDBEngine)) throw new Error(`INTERNAL ERROR: no summary rebuild for the ${db.dialectName} engine`);
  await refreshDerivedTables(db, 'purchases');
}
