/**
 * Segment definition, version 1 (segment-definition.md), as a user writes it: plain JSON data,
 * and what a saved segment stores. `parseDefinition` checks it and makes a `Segment` of it
 * (segment.ts), the form the planner takes.
 */
export type DateValue = string;

export interface DateRange {
  readonly from?: DateValue;
  readonly to?: DateValue;
}

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
}

export interface DefinitionInput {
  readonly version?: 1;
  readonly name?: string;
  readonly description?: string;
  readonly includeDeleted?: boolean;
  readonly where?: ConditionInput;
}

/** @deprecated the name of `DefinitionInput` before parsing gave a `Segment` */
export type SegmentDefinition = DefinitionInput;

export type ConditionInput = AllGroup | AnyGroup | NotGroup | LeafInput;

export interface AllGroup { readonly all: readonly ConditionInput[] }
export interface AnyGroup { readonly any: readonly ConditionInput[] }
export interface NotGroup { readonly not: ConditionInput }

export type LeafInput = FieldLeaf | BirthdayLeaf | AgeLeaf | TenureLeaf | TagsLeaf | PurchasesLeaf | MailLeaf | ReachableLeaf | SegmentLeaf | RfmLeaf | SubscriptionLeaf;
export type LeafKind = LeafInput['kind'];

export type FieldOp =
  | 'eq' | 'ne' | 'in' | 'not_in' | 'between' | 'contains' | 'starts_with' | 'ends_with' | 'is_empty' | 'is_not_empty';

export type Scalar = string | number | boolean;

export interface FieldLeaf {
  readonly kind: 'field';
  readonly field: string;
  readonly op: FieldOp;
  readonly value?: Scalar;
  readonly values?: readonly Scalar[];
  readonly min?: number | string;
  readonly max?: number | string;
  /** text operators: spaces, hyphens and dashes ignored, hiragana = katakana */
  readonly loose?: boolean;
}

/** `from` and `to` (`MM-DD` or `today±N…`), or a `month` ("this", "next", 1–12). */
export interface BirthdayLeaf { readonly kind: 'birthday'; readonly from?: string; readonly to?: string; readonly month?: 'this' | 'next' | number }
export interface AgeLeaf extends NumberRange { readonly kind: 'age' }
export interface TenureLeaf extends NumberRange { readonly kind: 'tenure' }
export interface TagsLeaf { readonly kind: 'tags'; readonly tags: readonly string[]; readonly match?: 'any' | 'all' }

export interface ProductRow {
  readonly products?: readonly string[];
  readonly categories?: readonly string[];
  readonly count: NumberRange;
  readonly unit?: 'orders' | 'quantity';
  readonly remarkContains?: string;
}

/** `lastOrder` / `firstOrder`: what the latest / first order in scope must hold. */
export interface OrderFilter {
  readonly stores?: readonly string[];
  readonly media?: readonly string[];
  readonly mediaEmpty?: boolean;
  readonly orderCodes?: { readonly min?: string; readonly max?: string };
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly statuses?: readonly string[];
  readonly products?: readonly string[];
  readonly remarkContains?: string;
}

export interface PurchasesLeaf {
  readonly kind: 'purchases';
  readonly window?: DateRange & { readonly on?: 'ordered' | 'shipped' };
  readonly shipWindow?: DateRange;
  readonly statuses?: readonly string[];
  readonly stores?: readonly string[];
  readonly media?: readonly string[];
  readonly orderCodes?: { readonly min?: string; readonly max?: string };
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly orderCount?: NumberRange;
  readonly sales?: NumberRange;
  readonly firstOrderedAt?: DateRange;
  readonly lastOrderedAt?: DateRange;
  readonly lastShippedAt?: DateRange;
  readonly firstOrderProducts?: readonly string[];
  readonly lastOrderProducts?: readonly string[];
  readonly lastOrder?: OrderFilter;
  readonly firstOrder?: OrderFilter;
  readonly products?: readonly ProductRow[];
}

export type MailEvent = 'send' | 'open' | 'click' | 'qr';

export interface MailFilter {
  readonly kinds?: ReadonlyArray<'manual' | 'scheduled' | 'scenario' | 'auto' | 'auto_scenario'>;
  /** LTV-Lab's 自動メール種類 (フォロー, …), folded */
  readonly subkinds?: readonly string[];
  readonly subjectContains?: string;
  readonly sent?: DateRange;
  readonly stores?: readonly string[];
}

export interface MailLeaf {
  readonly kind: 'mail';
  readonly event: MailEvent;
  readonly mails?: readonly string[];
  readonly mailFilter?: MailFilter;
  readonly match?: 'any' | 'all';
  readonly window?: DateRange;
}

export type Channel = 'email' | 'email_pc' | 'email_mobile' | 'line' | 'dm';
export interface ReachableLeaf { readonly kind: 'reachable'; readonly channel: Channel }
export interface SegmentLeaf { readonly kind: 'segment'; readonly name: string }
/** RFM scores (1–5) as inclusive ranges `[lo, hi]`, or a named cell (rfm-cells.ts); not both. */
export interface RfmLeaf {
  readonly kind: 'rfm';
  readonly r?: readonly [number, number];
  readonly f?: readonly [number, number];
  readonly m?: readonly [number, number];
  readonly cell?: string;
}

/** The customer's subscriptions passing every filter number `count` (default at least one). */
export interface SubscriptionLeaf {
  readonly kind: 'subscription';
  readonly status?: readonly string[];
  readonly products?: readonly string[];
  readonly deliveries?: NumberRange;
  readonly startedAt?: DateRange;
  readonly nextDeliveryAt?: DateRange;
  readonly cancelledAt?: DateRange;
  readonly cancelReasons?: readonly string[];
  readonly count?: NumberRange;
}

export const LEAF_KINDS: readonly LeafKind[] = ['field', 'birthday', 'age', 'tenure', 'tags', 'purchases', 'mail', 'reachable', 'segment', 'rfm', 'subscription'];
