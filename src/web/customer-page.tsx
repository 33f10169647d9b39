import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Catalog } from './api.js';
import { LangContext, message, useT } from './i18n.js';
import type { Json } from './tree.js';
import { moneyText } from './money.js';
import { valueLabel } from './value-labels.js';

interface CustomerAnswer {
  readonly customer_id: string;
  readonly asOf: string;
  readonly record: ReadonlyArray<{ column: string; label: string; value: unknown }>;
  readonly lifetime: { orderCount: number; sales: number; firstOrderedAt: string | null; lastOrderedAt: string | null; averageOrderValue: number | null };
  readonly orders: ReadonlyArray<{
    orderId: string; orderedAt: string; storeId: string | null; amount: number; counted: boolean;
    lines: ReadonlyArray<{ lineNo: number; productCode: string; productName: string | null; quantity: number | null; amount: number | null; status: string | null; counted: boolean }>;
  }>;
  readonly events: ReadonlyArray<{ mailId: string; event: string; occurredAt: string; subject: string | null }>;
  readonly segments: ReadonlyArray<{ name: string; in: boolean | null; error?: { code: string; message: string } }>;
  /** the shop's names of remark_1 … remark_10, by number (`kumiwake settings set remark-label 1 FAX番号`) */
  readonly remarkLabels?: Readonly<Record<string, string>>;
}

interface WhyNode { readonly path: string; readonly kind: string; readonly label: string; readonly holds: boolean; readonly figures: Readonly<Record<string, unknown>> }
interface WhyAnswer { readonly in: boolean; readonly deleted: boolean; readonly nodes: readonly WhyNode[] }

const number = (n: number | null) => (n === null ? '' : n.toLocaleString('ja-JP'));
const text = (value: unknown) => (value === null || value === undefined ? '' : Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value));
/** `where.all[1].any[0]` is three deep: one step per group entered. */
const depthOf = (path: string) => (path.match(/\.(all|any)\[\d+\]|\.not/g) ?? []).length;

/**
 * 顧客詳細: one customer's record, lifetime figures, latest orders and mail events, the saved
 * segments they are in (Workspace.customer), and why they are in or out of the open definition
 * (Workspace.why: every node with ✓ or ✗ and the figures it looked at).
 */
export function CustomerPage({ customerId, definition, catalog, onClose }: { customerId: string; definition: Json | undefined; catalog: Catalog | undefined; onClose: () => void }) {
  const t = useT();
  const lang = useContext(LangContext);
  const top = useRef<HTMLElement>(null);
  useEffect(() => top.current?.scrollIntoView({ block: 'start' }), [customerId]);
  // Coded values as the forms show them (female → 女性), yes/no for flags, lists joined.
  const shownValue = (column: string, value: unknown) => (typeof value === 'boolean' ? message(lang, value ? 'yes' : 'no') : Array.isArray(value) ? text(value) : valueLabel(lang, catalog, column, value));
  // Answers carry the request they answer: the page renders once with a new customer (or
  // definition) before its effect runs, and must not show the previous customer's answer then.
  const request = JSON.stringify([customerId, definition ?? null]);
  const [answers, setAnswers] = useState<{ request: string; customer?: CustomerAnswer; why?: WhyAnswer; fault?: string }>({ request });
  const { customer, why, fault } = answers.request === request ? answers : { customer: undefined, why: undefined, fault: undefined };
  useEffect(() => {
    const controller = new AbortController();
    const answered = (part: { customer?: CustomerAnswer; why?: WhyAnswer; fault?: string }) => {
      if (!controller.signal.aborted) setAnswers((a) => ({ ...(a.request === request ? a : { request }), ...part }));
    };
    const failed = (error: unknown) => answered({ fault: error instanceof ApiError ? error.message : String(error) });
    api<CustomerAnswer>(`/api/customers/${encodeURIComponent(customerId)}`, { signal: controller.signal }).then((c) => answered({ customer: c }), failed);
    api<WhyAnswer>('/api/why', { body: { customerId, definition }, signal: controller.signal }).then((w) => answered({ why: w }), failed);
    return () => controller.abort();
  }, [request]);
  const shown = customer?.record.filter((f) => f.value !== null && f.value !== '') ?? [];
  // remark_N under the shop's own name when it set one (FAX番号 rather than 備考1)
  const labelOf = (column: string, label: string) => {
    const n = /^remark_(10|[1-9])$/.exec(column)?.[1];
    return n !== undefined && customer?.remarkLabels && Object.hasOwn(customer.remarkLabels, n) ? customer.remarkLabels[n]! : label;
  };
  return (
    <section class="customer-page" ref={top} data-testid="customer-page" data-customer={customerId}>
      <div class="members-head">
        <h2>{t('customerPage')}: {customerId}</h2>
        <button type="button" class="close" onClick={onClose}>{t('close')}</button>
      </div>
      {fault && <p class="fault">{fault}</p>}
      {why && (
        <div class="why" data-testid="why" data-in={String(why.in)}>
          <h3>{why.in ? t('whyIn') : t('whyOut')}{why.deleted && ` (${t('deletedCustomer')})`}</h3>
          <WhyNodes nodes={why.nodes} />
        </div>
      )}
      {customer && (
        <div class="customer-grid">
          <div>
            <h3>{t('record')}</h3>
            <table class="record" data-testid="customer-record"><tbody>
              {shown.map((f) => <tr key={f.column} data-column={f.column}><th>{labelOf(f.column, f.label)}</th><td>{shownValue(f.column, f.value)}</td></tr>)}
            </tbody></table>
          </div>
          <div>
            <h3>{t('lifetime')}</h3>
            <table class="record" data-testid="customer-lifetime"><tbody>
              <tr data-figure="orderCount"><th>{t('orderCount')}</th><td>{number(customer.lifetime.orderCount)}</td></tr>
              <tr data-figure="sales"><th>{t('sales')}</th><td>{moneyText(lang, customer.lifetime.sales)}</td></tr>
              <tr data-figure="averageOrderValue"><th>{t('averageOrderValue')}</th><td>{moneyText(lang, customer.lifetime.averageOrderValue)}</td></tr>
              <tr><th>{t('firstOrderedAt')}</th><td>{customer.lifetime.firstOrderedAt ?? ''}</td></tr>
              <tr><th>{t('lastOrderedAt')}</th><td>{customer.lifetime.lastOrderedAt ?? ''}</td></tr>
            </tbody></table>
            <h3>{t('savedSegmentsIn')}</h3>
            <ul class="memberships" data-testid="customer-segments">
              {customer.segments.length === 0 && <li class="empty">{t('noSegments')}</li>}
              {customer.segments.map((s) => (
                <li key={s.name} data-segment={s.name} data-in={String(s.in)} title={s.error?.message}>
                  <span class={s.in ? 'holds' : 'fails'}>{s.in === null ? '?' : s.in ? '✓' : '✗'}</span> {s.name}
                </li>
              ))}
            </ul>
          </div>
          <div class="wide">
            <h3>{t('latestOrders')}</h3>
            <table data-testid="customer-orders">
              <thead><tr><th>{t('orderId')}</th><th>{t('orderedAt')}</th><th>{t('store')}</th><th class="num">{t('amount')}</th><th>{t('orderLines')}</th></tr></thead>
              <tbody>{customer.orders.map((o) => (
                <tr key={o.orderId} class={o.counted ? '' : 'not-counted'} data-order={o.orderId}>
                  <td>{o.orderId}</td><td>{o.orderedAt}</td><td>{o.storeId ?? ''}</td><td class="num">{moneyText(lang, o.amount)}</td>
                  <td class="lines">{o.lines.map((l) => `${l.productName ?? l.productCode} ×${l.quantity ?? ''}${l.status ? ` (${l.status})` : ''}`).join(' / ')}</td>
                </tr>
              ))}</tbody>
            </table>
            <h3>{t('mailEvents')}</h3>
            <table data-testid="customer-events">
              <thead><tr><th>{t('occurredAt')}</th><th>{t('eventKind')}</th><th>{t('mail')}</th></tr></thead>
              <tbody>{customer.events.map((e, i) => (
                <tr key={i}><td>{e.occurredAt}</td><td>{message(lang, `event_${e.event}`)}</td><td>{e.subject ?? e.mailId}</td></tr>
              ))}</tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

/** Every node with ✓ or ✗, indented by depth; a saved segment's own nodes under it, the same way. */
function WhyNodes({ nodes, within }: { nodes: readonly WhyNode[]; within?: string }) {
  return (
    <ul class={within ? 'why-nodes within' : 'why-nodes'} data-segment={within}>
      {nodes.map((node) => {
        const inner = Array.isArray(node.figures.nodes) ? (node.figures.nodes as WhyNode[]) : undefined;
        return (
          <li key={node.path} class={`why-node depth-${Math.min(depthOf(node.path), 6)}`} data-path={within ? undefined : node.path} data-holds={String(node.holds)}>
            <span class={node.holds ? 'holds' : 'fails'}>{node.holds ? '✓' : '✗'}</span> <code>{node.path}</code> {node.label}
            <Figures figures={node.figures} />
            {inner && <WhyNodes nodes={inner} within={String(node.figures.segment ?? '')} />}
          </li>
        );
      })}
    </ul>
  );
}

/** A node's figures as short `name: value` pairs (a saved segment's own nodes are listed under it). */
function Figures({ figures }: { figures: Readonly<Record<string, unknown>> }) {
  const entries = Object.entries(figures).filter(([name]) => name !== 'nodes');
  if (entries.length === 0) return null;
  return <span class="figures-list">{entries.map(([name, value]) => <span key={name} class="figure-pair">{name}: {text(value)}</span>)}</span>;
}

/** 顧客IDで表示: opens any customer's page, a member of the open segment or not. */
export function CustomerLookup({ onOpen }: { onOpen: (id: string) => void }) {
  const t = useT();
  const [id, setId] = useState('');
  return (
    <form class="customer-lookup" onSubmit={(e) => { e.preventDefault(); if (id.trim() !== '') onOpen(id.trim()); }}>
      <input type="search" value={id} aria-label={t('customerId')} placeholder={t('customerId')} onInput={(e) => setId(e.currentTarget.value)} />
      <button type="submit">{t('showCustomer')}</button>
    </form>
  );
}
