import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import type { LocalDate } from '../model/dates.js';
import { customerRecord, type CustomerRecord, type CustomerRecordOptions } from '../segments/customer-record.js';
import type { SegmentStore } from '../segments/store.js';
import { whyCustomer, type WhyResult } from '../segments/why.js';
import type { EvaluateOptions } from './types.js';

export type WhyOptions = Pick<EvaluateOptions, 'asOf' | 'names'>;

export interface CustomerOptions extends Pick<EvaluateOptions, 'asOf' | 'names'>, CustomerRecordOptions {}

function checkedId(customerId: unknown): string {
  if (typeof customerId !== 'string' || customerId === '') throw new KumiwakeError('bad-argument', 'name a customer: a customer id (as imported)');
  return customerId;
}

/** `Workspace.why`: the definition (already resolved from a saved name) explained for one customer. */
export function why(db: Engine, store: SegmentStore, customerId: unknown, definition: unknown, asOf: LocalDate): Promise<WhyResult> {
  return whyCustomer(db, definition, store, asOf, checkedId(customerId));
}

/** `Workspace.customer`: one customer's record, figures, orders, mail events and saved segments. */
export function customer(db: Engine, store: SegmentStore, customerId: unknown, asOf: LocalDate, options: CustomerRecordOptions): Promise<CustomerRecord> {
  return customerRecord(db, store, asOf, checkedId(customerId), options);
}
