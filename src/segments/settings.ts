import { sql } from 'kysely';
import type { Engine } from '../engine/engine.js';
import { utcText } from '../engine/tables.js';
import { KumiwakeError } from '../errors.js';
import { rfmSettingsFromJson, RFM_SCORES, type RfmSettings } from '../model/rfm-settings.js';
import { SALES_STATUSES, salesStatusesFromJson, storeSalesStatuses } from './sales-statuses.js';
import { readRemarkLabels, REMARK_LABEL_SETTING } from '../export/remark-labels.js';

/** The settings a shop can set (`kumiwake settings set NAME`). */
export const SETTING_NAMES = ['rfm', 'sales-statuses', 'remark-label'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

export interface Settings {
  /** fixed RFM cut points; absent: every score is a quintile */
  readonly rfm?: RfmSettings;
  /** the order statuses that count as sales (ecforce 売上完了); absent: every status but cancelled */
  readonly salesStatuses?: readonly string[];
  /** the shop's names of remark_1 … remark_10 (by number, "1" … "10"), written by `--headers ja` */
  readonly remarkLabels?: Readonly<Record<string, string>>;
}

const rows = async (db: Engine) => (await db.hasTable('settings')
  // A database made before settings existed, opened read-only (no schema applied), has none.
  ? db.query<{ name: string; value: string }>(sql`SELECT name, value FROM settings ORDER BY name`.compile(db.kysely()))
  : []);

/** The shop's settings, from the settings table (sql/schema.sql). */
export async function readSettings(db: Engine): Promise<Settings> {
  const all = await rows(db);
  const rfm = all.find((r) => r.name === 'rfm');
  const sales = all.find((r) => r.name === SALES_STATUSES);
  const remarkLabels = all.some((r) => r.name === REMARK_LABEL_SETTING) ? await readRemarkLabels(db) : {};
  return { ...(rfm ? { rfm: rfmSettingsFromJson(rfm.value) } : {}), ...(sales ? { salesStatuses: salesStatusesFromJson(sales.value) } : {}),
    ...(Object.keys(remarkLabels).length > 0 ? { remarkLabels } : {}) };
}

/** Sets the RFM cut points: the scores given replace the whole setting, the others are quintiles. */
export async function setRfmSettings(db: Engine, settings: RfmSettings): Promise<Settings> {
  const value: Record<string, readonly number[]> = {};
  for (const score of RFM_SCORES) if (settings[score]) value[score] = settings[score];
  if (Object.keys(value).length === 0) throw new KumiwakeError('bad-argument', 'give cut points for at least one score: --r, --f or --m (e.g. --r 30,60,90,180)');
  const text = JSON.stringify(value);
  await db.query(sql`INSERT INTO settings (name, value, set_at) VALUES ('rfm', ${text}, ${utcText(new Date())})
    ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_at = excluded.set_at`.compile(db.kysely()));
  return readSettings(db);
}

/** Removes a setting (its default applies again); says whether there was one. */
export async function unsetSetting(db: Engine, name: string): Promise<boolean> {
  if (!(SETTING_NAMES as readonly string[]).includes(name)) throw new KumiwakeError('bad-argument', `unknown setting "${name}" (expected ${SETTING_NAMES.join(', ')})`);
  const had = (await rows(db)).some((r) => r.name === name);
  if (had && name === SALES_STATUSES) await storeSalesStatuses(db, []); // rebuilds the summaries
  else if (had) await db.query(sql`DELETE FROM settings WHERE name = ${name}`.compile(db.kysely()));
  return had;
}

/**
 * Names remark_N (1 to 10) for `--headers ja` (LTV-Lab's 備考 fields hold FAX番号, 担当者, …); an
 * empty label removes the name, so 備考N is written again.
 */
export async function setRemarkLabel(db: Engine, remark: string | number, label: string): Promise<Settings> {
  const n = String(remark).trim();
  if (!/^(10|[1-9])$/.test(n)) throw new KumiwakeError('bad-argument', `remark number ${JSON.stringify(String(remark))} is not 1 to 10 (kumiwake settings set remark-label 1 FAX番号)`);
  const text = label.normalize('NFC').trim();
  if (text.length > 100) throw new KumiwakeError('bad-argument', 'a remark label is at most 100 characters');
  const labels: Record<string, string> = { ...(await readRemarkLabels(db)) };
  if (text === '') delete labels[n];
  else labels[n] = text;
  if (Object.keys(labels).length === 0) await db.query(sql`DELETE FROM settings WHERE name = ${REMARK_LABEL_SETTING}`.compile(db.kysely()));
  else {
    await db.query(sql`INSERT INTO settings (name, value, set_at) VALUES (${REMARK_LABEL_SETTING}, ${JSON.stringify(labels)}, ${utcText(new Date())})
      ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_at = excluded.set_at`.compile(db.kysely()));
  }
  return readSettings(db);
}
