import type { Lang } from './i18n.js';
import { pathSteps } from './place-labels.js';
import { getAt, isObject, type Json } from './tree.js';

/** A warning of the count (src/segments/warning-checker.ts SegmentWarning). */
export interface Warning {
  readonly code: string;
  readonly path: string;
  readonly message: string;
  readonly suggestions: readonly string[];
}

/**
 * A Japanese sentence per warning code (segment-definition.md, "Warnings"), given the value the
 * warning names, or undefined when the definition holds none at the path (a saved segment's own
 * value, a setting): the sentence then says what is wrong without it.
 */
const JAPANESE: Readonly<Record<string, (value: string | undefined) => string>> = {
  'unknown-mail': (v) => `メール${quoted(v)}はメールにも配信履歴にもありません。このメールでは誰も該当しません`,
  'unknown-product': (v) => `商品コード${quoted(v)}は商品にも受注明細にもありません`,
  'unknown-category': (v) => `カテゴリ${quoted(v)}は商品にも受注明細にもありません`,
  'unknown-store': (v) => `店舗${quoted(v)}はデータにありません`,
  'unknown-media': (v) => `メディア (ADコード)${quoted(v)}は受注データにありません`,
  'unknown-order-group': (v) => `履歴グループ${quoted(v)}は取り込まれていません。この条件に該当する受注はありません`,
  'unknown-attribute': (v) => `属性グループ${quoted(v?.replace(/^attr:/, ''))}は取り込まれていません。全員が未設定として扱われます`,
  'unknown-tag': (v) => `タグ${quoted(v)}の付いた顧客はいません`,
  'value-never-occurs': (v) => `${v === undefined ? 'この値' : quoted(v)}はデータにありません`,
  'no-mail-selected': () => 'メールが一通も選ばれていません。この条件に該当する顧客はいません',
  'no-customers': () => '顧客データが空です。すべてのセグメントが 0 人になります (先に顧客を取り込んでください)',
  'customers-missing': () => '顧客データにない顧客の受注またはメール履歴があります。それらは誰にも数えられません (ゲスト購入、または顧客ファイルと異なる書き方のID)',
  'loose-value-empty': (v) => `${v === undefined ? 'この値' : quoted(v)}は空白・ハイフン・長音だけなので、表記ゆれを無視すると何もない値になり、思ったより多くの顧客に該当します`,
  'empty-range': (v) => `基準日では${v === undefined ? 'この範囲' : `範囲${quoted(v)}`}に入る日がありません (範囲に入る購入・配信・日付はありません)`,
};

const quoted = (value: string | undefined) => (value === undefined ? '' : `「${value}」`);

/** The value a warning names, read from the definition at its path: a name, or a range as `from～to`. */
function namedValue(definition: Json | undefined, path: string): string | undefined {
  const steps = pathSteps(path);
  const value = steps ? getAt(definition, steps) : undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (isObject(value) && ('from' in value || 'to' in value)) return `${String(value.from ?? '')}～${String(value.to ?? '')}`;
  return undefined;
}

/** The saved segment a warning is about when its value is inside that segment (the path names the reference). */
function savedSegmentOf(warning: Warning, definition: Json | undefined): string | undefined {
  if (!warning.message.startsWith('saved segment "') || !warning.path.endsWith('.name')) return undefined;
  return namedValue(definition, warning.path);
}

/**
 * A warning in the page's language: in Japanese a sentence built from its code and the value it
 * names (the server's English message is kept for the title); in English the server's message.
 */
export function warningText(lang: Lang, warning: Warning, definition: Json | undefined): string {
  const sentence = lang === 'ja' && Object.hasOwn(JAPANESE, warning.code) ? JAPANESE[warning.code]! : undefined;
  if (!sentence) return warning.message;
  const saved = savedSegmentOf(warning, definition);
  // A saved segment's own value is not in this definition: the sentence says where it is instead.
  return saved !== undefined ? `保存済みセグメント「${saved}」の中: ${sentence(undefined)}` : sentence(namedValue(definition, warning.path));
}
