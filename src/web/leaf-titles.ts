import { groupKey, isMailExclusion, isObject, type Json, type JsonObject } from './tree.js';

export const SCOPE_KEYS = ['window', 'shipWindow', 'statuses', 'stores', 'media', 'orderCodes', 'groups'] as const;

/** A purchases leaf limited to a period, stores, … is the seed products' 期間設定; without, 最新購入情報. */
export const hasScope = (leaf: JsonObject): boolean => SCOPE_KEYS.some((k) => Object.hasOwn(leaf, k));

/**
 * The message key of a leaf's title (`kind_period`, `kind_mail`, …), as its box heads it in the
 * tree and as a fault's place names it (place-labels.ts); undefined for a group. A kind the page
 * has no title for has `kind_other` and is named by its kind.
 */
export function leafTitleKey(node: Json | undefined): string | undefined {
  if (isMailExclusion(node)) return 'kind_mail';
  if (groupKey(node) || !isObject(node)) return undefined;
  if (node.kind === 'purchases') return hasScope(node) ? 'kind_period' : 'kind_purchases';
  return typeof node.kind === 'string' ? `kind_${node.kind}` : 'kind_other';
}
