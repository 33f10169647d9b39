/**
 * A parsed segment definition: what `parseDefinition` makes of a definition that passed every
 * rule, and what the planner compiles. Unlike the definition as written (`definition.ts`),
 * every choice is made (defaults filled in, the field resolved, enum spellings canonical, the
 * saved segments referred to parsed), so the planner needs no lookups and no casts.
 */
import type { AgeCondition } from './conditions/age.js';
import type { BirthdayCondition } from './conditions/birthday.js';
import type { FieldCondition } from './conditions/field.js';
import type { AllGroup, AnyGroup, NotGroup } from './conditions/groups.js';
import type { MailCondition } from './conditions/mail.js';
import type { PurchasesCondition } from './conditions/purchases.js';
import type { ReachableCondition } from './conditions/reachable.js';
import type { RfmCondition } from './conditions/rfm.js';
import type { SegmentCondition } from './conditions/segment.js';
import type { TagsCondition } from './conditions/tags.js';
import type { TenureCondition } from './conditions/tenure.js';
import type { SubscriptionCondition } from './conditions/subscription.js';

export type { AgeCondition, AllGroup, AnyGroup, BirthdayCondition, FieldCondition, MailCondition, NotGroup, PurchasesCondition, ReachableCondition, SegmentCondition, TagsCondition, TenureCondition };
export type { RfmCondition };
export type { SubscriptionCondition };
export type { ScoreRange } from './conditions/rfm.js';
export type { BooleanTest, DateTest, EmptinessTest, NumberTest, TextTest } from './conditions/field.js';
export type { MonthDay } from './conditions/birthday.js';
export type { MailEvent, MailFilter } from './conditions/mail.js';
export type { ProductRow, PurchaseWindow } from './conditions/purchases.js';
export type { OrderFilter } from './conditions/order-filter.js';
export type { Channel } from './conditions/reachable.js';
export type { DateRange, DateValue, NumberRange } from './conditions/parts.js';

export interface Segment {
  readonly version: 1;
  readonly name?: string;
  readonly description?: string;
  readonly includeDeleted: boolean;
  /** every customer when the definition has no `where` (an empty `all`) */
  readonly where: Condition;
}

export type Leaf =
  | FieldCondition | BirthdayCondition | AgeCondition | TenureCondition | TagsCondition
  | PurchasesCondition | MailCondition | ReachableCondition | SegmentCondition | RfmCondition
  | SubscriptionCondition;

export type Group = AllGroup | AnyGroup | NotGroup;

export type Condition = Group | Leaf;
