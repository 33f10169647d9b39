import type { Catalog } from './api.js';
import { message, type Lang } from './i18n.js';
import { MONEY_COLUMNS, moneyText } from './money.js';

/**
 * A breakdown key's value as a marketer reads it: a coded column's label from the catalog
 * (female → 女性), an RFM cell's and a channel's name from the messages, "no value" for null.
 * The raw value stays in the row's data-value, so a test compares it with the library's.
 */
export function valueLabel(lang: Lang, catalog: Catalog | undefined, field: string, value: unknown): string {
  if (value === null || value === undefined) return message(lang, 'noValue');
  const text = String(value);
  if (MONEY_COLUMNS.has(field)) return moneyText(lang, value);
  if (field === 'rfm') return message(lang, `cell_${text}`); // the RFM分析 condition's names
  if (field === 'channel') return message(lang, `channel_${text}`);
  if (field === 'age_band') return text === 'unknown' ? message(lang, 'unknownAge') : `${text}${message(lang, 'ageSuffix')}`;
  const choice = catalog?.fields.find((f) => f.name === field)?.choices?.find((c) => c.value === text);
  return choice?.label ?? text;
}
