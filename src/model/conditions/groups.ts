import { z } from 'zod';
import { LEAF_KINDS, type LeafKind } from '../definition.js';
import { describe, MAX_FAULTS, say } from '../faults.js';
import type { Condition, Leaf } from '../segment.js';
import { ageCondition } from './age.js';
import { birthdayCondition } from './birthday.js';
import { addFault, parseContext } from './context.js';
import { fieldCondition } from './field.js';
import { mailCondition } from './mail.js';
import { fixedObject, MAX_DEPTH, TOO_DEEP_MESSAGE } from './parts.js';
import { purchasesCondition } from './purchases.js';
import { reachableCondition } from './reachable.js';
import { rfmCondition } from './rfm.js';
import { segmentCondition } from './segment.js';
import { tagsCondition } from './tags.js';
import { tenureCondition } from './tenure.js';
import { subscriptionCondition } from './subscription.js';

/** Every child holds; an empty `all` holds for everyone. */
export interface AllGroup { readonly kind: 'all'; readonly conditions: readonly Condition[] }
/** At least one child holds; an empty `any` holds for no one. */
export interface AnyGroup { readonly kind: 'any'; readonly conditions: readonly Condition[] }
/** The child does not hold. */
export interface NotGroup { readonly kind: 'not'; readonly condition: Condition }

/** One schema per leaf kind: a kind without one does not type-check. */
export const leafSchemas: { readonly [K in LeafKind]: z.ZodType<Extract<Leaf, { kind: K }>> } = {
  field: fieldCondition,
  birthday: birthdayCondition,
  age: ageCondition,
  tenure: tenureCondition,
  tags: tagsCondition,
  purchases: purchasesCondition,
  mail: mailCondition,
  reachable: reachableCondition,
  segment: segmentCondition,
  rfm: rfmCondition,
  subscription: subscriptionCondition,
};

const NOT_A_CONDITION = 'a condition must be an object';

/** The groups over a schema of their children: the parsing one below, or the JSON Schema's. */
export function groupSchemas(child: z.ZodType<Condition>) {
  const list = (key: 'all' | 'any') => z.array(child, { error: say('not-a-list', `"${key}" takes a list of conditions`) });
  return {
    all: fixedObject({ all: list('all') }, 'a group', NOT_A_CONDITION).transform(({ all }): AllGroup => ({ kind: 'all', conditions: all })),
    any: fixedObject({ any: list('any') }, 'a group', NOT_A_CONDITION).transform(({ any }): AnyGroup => ({ kind: 'any', conditions: any })),
    not: fixedObject({ not: child }, 'a group', NOT_A_CONDITION).transform(({ not }): NotGroup => ({ kind: 'not', condition: not })),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLeafKind = (v: unknown): v is LeafKind => typeof v === 'string' && (LEAF_KINDS as readonly string[]).includes(v);

/**
 * A condition: picks the schema by the shape of the value (a group key, else `kind`) and parses
 * the value with it one level deeper. A value deeper than MAX_DEPTH is a fault and is not
 * looked into, so a document nested 10,000 levels deep never reaches zod's recursion.
 */
export const condition: z.ZodType<Condition> = z.unknown().transform((value, ctx): Condition => {
  const context = parseContext();
  if (context.depth + 1 > MAX_DEPTH) return fail(ctx, 'too-deep', TOO_DEEP_MESSAGE);
  if (!isObject(value)) return fail(ctx, 'not-an-object', `a condition must be an object, not ${describe(value)}`);
  const [groupKey, ...otherGroupKeys] = (['all', 'any', 'not'] as const).filter((k) => k in value);
  let schema: z.ZodType<Condition>;
  if (groupKey !== undefined) {
    if (otherGroupKeys.length > 0 || 'kind' in value || Object.keys(value).length > 1) {
      return fail(ctx, 'bad-group', 'a group has exactly one of "all", "any" or "not" and nothing else');
    }
    schema = groups[groupKey];
  } else if (value.kind === undefined) {
    return fail(ctx, 'missing-kind', 'a condition needs a "kind" (or is a group with "all", "any" or "not")');
  } else if (!isLeafKind(value.kind)) {
    addFault(ctx, 'unknown-kind', `unknown condition kind ${describe(value.kind)} (expected one of ${LEAF_KINDS.join(', ')})`, 'kind');
    return z.NEVER;
  } else {
    schema = leafSchemas[value.kind];
  }
  context.depth += 1;
  try {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    // Only the first MAX_FAULTS are ever told (faultsOf), and moving an object's fault before its
    // properties' never brings a later one forward: passing every issue up through every level
    // was issues × depth (400,000 leaves too deep under 99 groups took minutes).
    for (const issue of parsed.error.issues.slice(0, MAX_FAULTS)) ctx.addIssue({ ...issue });
    return z.NEVER;
  } finally {
    context.depth -= 1;
  }
});

const groups = groupSchemas(condition);

function fail(ctx: z.core.$RefinementCtx, code: Parameters<typeof addFault>[1], message: string): never {
  addFault(ctx, code, message);
  return z.NEVER;
}
