/**
 * Every property of every leaf kind, set: the definitions whose forms must show a control for
 * each property (builder-forms.test.ts checks these cover the JSON Schema; new-forms.test.ts
 * loads them into the page and finds a control at each property's JSON path). Properties that
 * exclude each other (a field's value / values / min, a birthday's month / window, an rfm cell /
 * scores, a mail list / filter) are in separate leaves of the same kind.
 */
export const FULL_LEAVES: readonly Record<string, unknown>[] = [
  { kind: 'field', field: 'prefecture', op: 'eq', value: 'とうきょう', loose: true },
  { kind: 'field', field: 'prefecture', op: 'in', values: ['東京都', '大阪府'] },
  { kind: 'field', field: 'attr:会員ランク', op: 'between', min: 1, max: 3 },
  { kind: 'birthday', from: 'today', to: 'today+14d' },
  { kind: 'birthday', month: 'next' },
  { kind: 'age', min: 20, max: 29 },
  { kind: 'tenure', min: 0, max: 365 },
  { kind: 'tags', tags: ['VIP'], match: 'all' },
  {
    kind: 'purchases',
    window: { from: 'today-90d', to: 'today', on: 'shipped' },
    shipWindow: { from: 'today-60d', to: 'today' },
    statuses: ['完了'],
    stores: ['100'],
    media: ['google'],
    firstOrderProducts: ['P001'],
    lastOrderProducts: ['P002'],
    orderCodes: { min: 'A0001', max: 'A9999' },
    groups: { '管理ステイタス': ['通常'] },
    orderCount: { min: 1, max: 9 },
    sales: { min: 1000, max: 90000 },
    firstOrderedAt: { from: '2024-01-01', to: 'today' },
    lastOrderedAt: { from: 'today-365d', to: 'today' },
    lastShippedAt: { from: 'today-365d', to: 'today' },
    lastOrder: { stores: ['100'], media: [], mediaEmpty: true, orderCodes: { min: 'A0001', max: 'A9999' }, groups: { '管理ステイタス': ['通常'] }, statuses: ['完了'], products: ['P001'], remarkContains: 'のし' },
    firstOrder: { stores: ['200'], media: ['google'], mediaEmpty: true, orderCodes: { min: 'A0001', max: 'A5000' }, groups: { '管理ステイタス': ['通常'] }, statuses: ['完了'], products: ['P002'], remarkContains: 'ギフト' },
    products: [{ products: ['P001'], categories: ['食品'], count: { min: 1, max: 5 }, unit: 'quantity', remarkContains: '定期' }],
  },
  { kind: 'mail', event: 'open', mails: ['M1'], match: 'all', window: { from: 'today-30d', to: 'today' } },
  { kind: 'mail', event: 'click', mailFilter: { kinds: ['auto', 'auto_scenario'], subkinds: ['birthday'], subjectContains: 'セール', sent: { from: 'today-30d', to: 'today' }, stores: ['100'] } },
  { kind: 'reachable', channel: 'line' },
  { kind: 'segment', name: 'vip' },
  { kind: 'rfm', r: [4, 5], f: [3, 5], m: [2, 5] },
  { kind: 'rfm', cell: 'champions' },
  {
    kind: 'subscription', status: ['active', 'paused'], products: ['P001'], deliveries: { min: 2, max: 10 },
    startedAt: { from: '2024-01-01', to: 'today' }, nextDeliveryAt: { from: 'today', to: 'today+14d' },
    cancelledAt: { from: '2024-01-01', to: 'today' }, cancelReasons: ['高い'], count: { min: 0, max: 0 },
  },
];

/** The document's own properties with a control above the tree (`name` is the save box's, `version` the format's). */
export const FULL_DOCUMENT = { description: 'すべての項目', includeDeleted: true };
export const DOCUMENT_WITHOUT_CONTROL: readonly string[] = ['name', 'version', 'where'];

/** Property paths of a JSON value's objects (`lastOrder.orderCodes.min`), list items and group names unnamed. */
export function valuePaths(value: unknown, prefix = '', opaque: ReadonlySet<string> = new Set(['groups'])): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuePaths(item, prefix, opaque));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, sub]) => [`${prefix}${key}`, ...(opaque.has(key) ? [] : valuePaths(sub, `${prefix}${key}.`, opaque))]);
}
