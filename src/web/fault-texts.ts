import type { Lang } from './i18n.js';

/**
 * A short Japanese sentence per fault code of the definition's parser (src/model/faults.ts
 * FAULT_CODES). The Japanese page shows the sentence alone (a marketer read 「数値で入力してください
 * (min must be a number, not "abc")」 as half a page in English); the parser's own message, in
 * English with the values, is its title (`faultTitle`). A code without a sentence here shows the
 * message alone.
 */
const JAPANESE: Readonly<Record<string, string>> = {
  'not-an-object': '形式が正しくありません',
  'unknown-property': 'この項目は使えません',
  'not-a-text': '文字で入力してください',
  'not-a-boolean': 'はい/いいえで指定してください',
  'not-a-list': '一覧で入力してください',
  'missing-property': '入力してください',
  'missing-name': '名前を入力してください',
  'unknown-field': '項目がありません',
  'unknown-operator': '条件が正しくありません',
  'operator-not-for-type': 'この項目には使えない条件です',
  'missing-operand': '値を入力してください',
  'unexpected-operand': 'この条件には値は不要です',
  'not-a-number': '数値で入力してください',
  'not-a-whole-number': '整数で入力してください',
  negative: '0以上で入力してください',
  'empty-range': '範囲のどちらかを入力してください',
  'min-greater-than-max': '開始が終了より大きくなっています',
  'out-of-range': '扱える範囲を超えています',
  'not-a-date': '日付は 2024-01-31、2024-01-31 18:00:00、today-30d の形で入力してください',
  'date-order': '開始日が終了日より後になっています',
  'not-a-month-day': '月日は 12-20 の形で入力してください',
  'empty-list': '一つ以上入力してください',
  'list-too-long': '多すぎます',
  'unknown-enum-value': '選べない値です',
  'unknown-channel': 'チャネルが正しくありません',
  'unknown-event': '履歴の種類が正しくありません',
  'unknown-mail-kind': '配信種別が正しくありません',
  'needs-a-figure': '回数・売上・日付・商品のどれかを指定してください',
  'empty-product-row': '商品コードかカテゴリを入力してください',
  'mails-or-filter': 'メールの選び方を一つにしてください',
  'unknown-segment': '保存済みセグメントがありません',
  'segment-cycle': 'セグメントが互いを参照しています',
  'invalid-saved-segment': '参照先のセグメントが正しくありません',
  'too-deep': '入れ子が深すぎます',
};

export function faultText(lang: Lang, code: string, message: string): string {
  const japanese = lang === 'ja' && Object.hasOwn(JAPANESE, code) ? JAPANESE[code] : undefined;
  return japanese ?? message;
}

/** The server's detail of a fault or warning, for a title (tooltip) where the text shown is Japanese; none where it is the text. */
export function detailTitle(lang: Lang, shown: string, message: string): string | undefined {
  return lang === 'ja' && shown !== message ? message : undefined;
}
