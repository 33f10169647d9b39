import type { Argv } from 'yargs';
import type { WhyNode, WhyResult } from '../index.js';
import { withWorkspace } from './context.js';
import { readSegmentInput } from './definition-input.js';
import { emit, type GlobalArgs } from './output.js';

type Figures = Readonly<Record<string, unknown>>;

const number = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en') : String(v));
const shown = (v: unknown) => (v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : Array.isArray(v) ? (v.length === 0 ? '(none)' : v.join(', ')) : JSON.stringify(v));
const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** Depth of a node below `where`: one step per group it sits in. */
const depth = (path: string) => (path.match(/\.(all|any)\[\d+\]|\.not\b/g) ?? []).length;

function purchaseLines(f: Figures): string[] {
  const lines = [`${f.scope === 'scoped' ? 'in scope' : 'lifetime'}: ${plural(Number(f.orderCount), 'order')}, sales ${number(f.sales)}, first order ${shown(f.firstOrderedAt)}, last order ${shown(f.lastOrderedAt)}, last shipped ${shown(f.lastShippedAt)}`];
  for (const key of ['firstOrder', 'lastOrder'] as const) {
    if (!(key in f)) continue;
    const order = f[key] as { orderId: string; products: string[] } | null;
    lines.push(`${key === 'firstOrder' ? 'first' : 'last'} order: ${order ? `${order.orderId} (${shown(order.products)})` : '(none)'}`);
  }
  const rows = (f.products ?? []) as Array<{ unit: string; count: number; matches: Array<{ product: string; category: string | null; orders: number; quantity: number }> }>;
  rows.forEach((row, i) => {
    const matches = row.matches.map((m) => `${m.product}${m.category ? ` (${m.category})` : ''} ${plural(m.orders, 'order')}, quantity ${number(m.quantity)}`);
    lines.push(`products[${i}]: ${row.unit === 'quantity' ? `quantity ${number(row.count)}` : plural(row.count, 'order')}${matches.length ? ` — ${matches.join('; ')}` : ' — no matching line'}`);
  });
  return lines;
}

function mailLines(f: Figures): string[] {
  const events = (f.events ?? []) as Array<{ mailId: string; event: string; occurredAt: string; counts: boolean }>;
  return [
    `${number(f.matchedMails)} of ${plural(Number(f.selectedMails), 'selected mail')} with ${/^[aeiou]/.test(String(f.event)) ? 'an' : 'a'} ${String(f.event)} event (match ${String(f.match)})`,
    ...events.map((e) => `${e.counts ? '*' : ' '} ${e.occurredAt}  ${e.mailId}  ${e.event}`),
  ];
}

/** What a node looked at, as lines under it. */
function figureLines(node: WhyNode): string[] {
  const f = node.figures;
  switch (node.kind) {
    case 'all': case 'any': case 'not': case 'segment': return [];
    case 'purchases': return purchaseLines(f);
    case 'mail': return mailLines(f);
    case 'field': return [`${String(f.field)}: ${shown(f.value)}`];
    default: return Object.keys(f).length === 0 ? [] : [Object.entries(f).map(([k, v]) => `${k}: ${shown(v)}`).join(', ')];
  }
}

/** Nodes as indented lines (✓ holds, ✗ does not) with their figures under them; a saved segment's own nodes under it, their paths prefixed with its name. */
function nodeLines(nodes: readonly WhyNode[], base: string, prefix: string): string[] {
  const lines: string[] = [];
  for (const node of nodes) {
    const indent = `${base}${'  '.repeat(depth(node.path))}`;
    const tally = node.kind === 'all' || node.kind === 'any' ? ` (${node.figures.holding} of ${node.figures.children} hold)` : '';
    lines.push(`${indent}${node.holds ? '✓' : '✗'} ${node.label}${tally}  [${prefix}${node.path}]`);
    for (const line of figureLines(node)) lines.push(`${indent}    ${line}`);
    if (node.kind === 'segment') lines.push(...nodeLines((node.figures.nodes ?? []) as WhyNode[], `${indent}    `, `${String(node.figures.segment)}: `));
  }
  return lines;
}

/** The tree, one line per node, under a line saying in or out. */
export function whyText(result: WhyResult): string {
  const lines = [`customer ${result.customer_id} is ${result.in ? 'IN' : 'NOT in'} the segment as of ${result.asOf}`];
  if (result.deleted) {
    lines.push(result.includeDeleted ? 'the customer is deleted; the definition includes deleted customers'
      : 'the customer is deleted: out of the segment whatever its conditions (the definition does not set includeDeleted)');
  }
  return [...lines, ...nodeLines(result.nodes, '', '')].join('\n');
}

export function whyCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('why <customer> [definition]', 'why a customer is in a segment or not: each condition with its truth value and the figures behind it', (y) => y
    .positional('customer', { type: 'string', demandOption: true, describe: 'the customer id, as imported' })
    .positional('definition', { type: 'string', describe: 'segment definition JSON file, a .kwq query file, or - for standard input' })
    .option('segment', { type: 'string', describe: 'a saved segment instead of a file' })
    .option('query', { alias: 'q', type: 'string', describe: 'a query instead of a file' })
    .option('as-of', { type: 'string', describe: 'evaluate at this date, YYYY-MM-DD (default: today)' }),
  async (argv) => withWorkspace(argv, { readOnly: true }, async (workspace) => {
    const result = await workspace.why(String(argv.customer), readSegmentInput(argv.definition, argv.segment, argv.query), { asOf: argv['as-of'] });
    emit(argv, result, () => whyText(result));
  }));
}
