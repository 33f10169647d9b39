import { z } from 'zod';
import { describe, say } from '../faults.js';
import { addFault } from './context.js';
import { despiteFaults, dateRange, fixedObject, match, present, textList, type DateRange } from './parts.js';

export const MAIL_EVENTS = ['send', 'open', 'click', 'qr'] as const;
export type MailEvent = (typeof MAIL_EVENTS)[number];
export const MAIL_KINDS = ['manual', 'scheduled', 'scenario', 'auto', 'auto_scenario'] as const;

export interface MailFilter {
  readonly kinds?: ReadonlyArray<(typeof MAIL_KINDS)[number]>;
  readonly subjectContains?: string;
  readonly sent?: DateRange;
  readonly stores?: readonly string[];
  /** LTV-Lab's 自動メール種類 (フォロー, …), compared folded */
  readonly subkinds?: readonly string[];
}

/** The mails are listed by id, or chosen by a filter over the mail catalogue at the as-of date. */
export type MailSelection = { readonly mails: readonly string[]; readonly mailFilter?: undefined } | { readonly mails?: undefined; readonly mailFilter: MailFilter };

/** The customer has such an event, inside the window, for at least one (`any`) or every (`all`) selected mail. */
export type MailCondition = {
  readonly kind: 'mail';
  readonly event: MailEvent;
  readonly match: 'any' | 'all';
  readonly window?: DateRange;
} & MailSelection;

const isMailKind = (v: unknown): v is (typeof MAIL_KINDS)[number] => (MAIL_KINDS as readonly unknown[]).includes(v);

const mailFilter = fixedObject({
  kinds: textList(true, (kind, i, ctx) => {
    if (!isMailKind(kind)) addFault(ctx, 'unknown-mail-kind', `unknown mail kind ${describe(kind)} (expected manual, scheduled, scenario, auto or auto_scenario)`, i);
  }).meta({ items: { enum: MAIL_KINDS } }).optional(),
  subjectContains: z.string({ error: say('not-a-text', 'must be a text') }).optional(),
  stores: textList(true).optional(),
  sent: dateRange().optional(),
  subkinds: textList(true).optional(),
}, 'a mail filter', 'mailFilter is {"kinds": [...], "subkinds": [...], "subjectContains": "...", "sent": {...}, "stores": [...]}', ['kinds', 'subkinds', 'subjectContains', 'sent', 'stores'])
  .transform((filter): MailFilter => ({ ...filter, kinds: filter.kinds?.filter(isMailKind) }));

const event = z.enum(MAIL_EVENTS, { error: (issue) => say('unknown-event', `unknown event ${describe(issue.input)} (expected send, open, click or qr)`) });

export const mailCondition = fixedObject({
  kind: z.literal('mail'),
  event,
  match,
  mails: textList(false).optional(),
  mailFilter: mailFilter.optional(),
  window: dateRange('a window', 'a window is {"from": D, "to": D}').optional(),
}, 'a mail condition', 'a condition must be an object', ['kind', 'event', 'mails', 'mailFilter', 'match', 'window'])
  .superRefine((leaf, ctx) => {
    if ((leaf.mails === undefined) === (leaf.mailFilter === undefined)) addFault(ctx, 'mails-or-filter', 'choose the mails with either "mails" (ids) or "mailFilter"');
  }, despiteFaults)
  .transform((leaf): MailCondition => {
    const common = { kind: leaf.kind, event: leaf.event, match: leaf.match ?? 'any', ...(leaf.window ? { window: leaf.window } : {}) };
    return leaf.mails ? { ...common, mails: leaf.mails } : { ...common, mailFilter: present(leaf.mailFilter) };
  })
  .meta({ oneOf: [{ required: ['mails'] }, { required: ['mailFilter'] }] });
