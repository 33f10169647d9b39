import { message, type Lang } from './i18n.js';
import { hasScope, leafTitleKey } from './leaf-titles.js';
import { groupKey, groupPaths, isObject, isWithin, type Json, type Path, type Step } from './tree.js';

/**
 * A place of the definition named as the page labels it (「期間設定 › 購入回数（以上）」), for the
 * faults and warnings listed under the count: a marketer does not read `where.all[0].orderCount.min`.
 * Each step is the label of the box at that step (the forms' message keys); a step the page has
 * no label for is shown as written, so a place is never lost.
 */

/** A property's label where it is the same in every leaf (the forms' Row labels). */
const PROPERTY_LABELS: Readonly<Record<string, string>> = {
  window: 'window', shipWindow: 'shipWindow', statuses: 'orderStatuses', stores: 'stores', media: 'media',
  orderCodes: 'orderCodes', groups: 'groups', firstOrderedAt: 'firstOrderedAt', lastOrderedAt: 'lastOrderedAt',
  lastShippedAt: 'lastShippedAt', firstOrderProducts: 'firstOrderProducts', lastOrderProducts: 'lastOrderProducts',
  lastOrder: 'lastOrder', firstOrder: 'firstOrder', categories: 'categories', remarkContains: 'remarkContains',
  unit: 'unit', event: 'event', match: 'match', mails: 'mails', mailFilter: 'pickMails', kinds: 'mailKind',
  subkinds: 'subkinds', subjectContains: 'subject', sent: 'sent', tags: 'tags', channel: 'channel', field: 'field',
  op: 'operator', value: 'value', values: 'values', cell: 'rfmCell', r: 'rfm_r', f: 'rfm_f', m: 'rfm_m',
  status: 'subStatus', deliveries: 'deliveries', startedAt: 'startedAt', nextDeliveryAt: 'nextDeliveryAt',
  cancelledAt: 'cancelledAt', cancelReasons: 'cancelReasons', description: 'description', includeDeleted: 'includeDeleted',
};

/** The ends of a range, shown after the range's label: 購入回数（以上）. */
const ENDS: Readonly<Record<string, string>> = { min: 'min', max: 'max', from: 'from', to: 'to' };

/** A property whose label depends on the leaf: a period's 購入回数 is not the lifetime 累計購入回数. */
function leafProperty(leaf: Json | undefined, key: string): string | undefined {
  const kind = isObject(leaf) ? leaf.kind : undefined;
  const scoped = isObject(leaf) && kind === 'purchases' && hasScope(leaf);
  if (kind === 'purchases' && key === 'orderCount') return scoped ? 'orderCountPeriod' : 'orderCount';
  if (kind === 'purchases' && key === 'sales') return scoped ? 'salesPeriod' : 'sales';
  if (kind === 'purchases' && key === 'products') return 'productRows';
  if (kind === 'subscription' && key === 'products') return 'subProducts';
  if (kind === 'subscription' && key === 'count') return 'subCount';
  if (kind === 'segment' && key === 'name') return 'kind_segment';
  if (key === 'count') return 'count';
  if (key === 'products') return 'products';
  return PROPERTY_LABELS[key];
}

/** Reads a path as the parser writes it (`where.all[0].products[1].count`, `a["b c"]`); undefined for `(top level)` and the like. */
export function pathSteps(text: string): Step[] | undefined {
  const steps: Step[] = [];
  const pattern = /^(?:\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;
  let rest = text;
  while (rest !== '') {
    const found = pattern.exec(rest);
    if (!found) return undefined;
    steps.push(found[1] ?? (found[2] !== undefined ? Number(found[2]) : JSON.parse(found[3]!) as string));
    rest = rest.slice(found[0].length);
  }
  return steps.length === 0 ? undefined : steps;
}

/** The labels of the steps of a path through the definition, each step's box as the page heads it. */
export function placeLabels(lang: Lang, definition: Json | undefined, path: Path): string[] {
  const t = (key: string) => message(lang, key);
  const labels: string[] = [];
  let node: Json | undefined = definition;
  let leaf: Json | undefined;
  const groups = groupPaths(definition);
  let inGroup = false; // the last label names a group: a group inside it replaces it
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    const next: Json | undefined = isObject(node) && typeof step === 'string' ? node[step]
      : Array.isArray(node) && typeof step === 'number' ? node[step] : undefined;
    if (leaf === undefined && (step === 'all' || step === 'any' || step === 'not') && groupKey(node)) {
      // A group: its place is the condition inside it; a nested group is named as its box (グループ N).
      if (step !== 'not' && typeof path[i + 1] === 'number') i++;
      node = step === 'not' ? next : Array.isArray(next) ? next[path[i] as number] : undefined;
      const title = leafTitleKey(node);
      if (title) {
        leaf = node;
        // A kind the page has no title for is named by its kind (as its box heads it).
        labels.push(t(title) === title && isObject(node) && typeof node.kind === 'string' ? node.kind : t(title));
        // A mail exclusion (NOT of a mail leaf) is one leaf on the page.
        if (isObject(node) && groupKey(node) === 'not') { node = node.not; leaf = node; if (path[i + 1] === 'not') i++; }
      } else if (node !== undefined) {
        // A group inside a group: named as its head names it (グループ N, in page order); only the innermost.
        const here = path.slice(0, i + 1);
        const number = groups.findIndex((p) => p.length === here.length && isWithin(here, p)) + 1;
        if (inGroup) labels.pop();
        labels.push(`${t('groupN')} ${number}`);
        inGroup = true;
      }
      continue;
    }
    if (step === 'where' && i === 0) { node = next; continue; }
    if (typeof step === 'number') {
      const rows = isObject(leaf) && leaf.kind === 'purchases' && node === leaf.products;
      labels.push(lang === 'ja' ? (rows ? `${step + 1}行目` : `${step + 1}番目`) : (rows ? `row ${step + 1}` : `item ${step + 1}`));
    } else if (Object.hasOwn(ENDS, step) && labels.length > 0) {
      labels[labels.length - 1] += lang === 'ja' ? `（${t(ENDS[step]!)}）` : ` (${t(ENDS[step]!)})`;
    } else {
      // A leaf's own property may be labelled by its kind; one deeper (a product row, lastOrder) by its name.
      const key = leafProperty(node === leaf ? leaf : undefined, step);
      labels.push(key ? t(key) : step);
    }
    node = next;
  }
  return labels;
}

/** A path named for a marketer: 「期間設定 › 購入回数（以上）」; the path as written when it is no path of the tree. */
export function placeLabel(lang: Lang, definition: Json | undefined, pathText: string): string {
  const steps = pathSteps(pathText);
  const labels = steps ? placeLabels(lang, definition, steps) : [];
  return labels.length > 0 ? labels.join(' › ') : pathText;
}
