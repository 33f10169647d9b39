import type { ComponentChildren } from 'preact';
import { ActionSelect } from './action-select.js';
import { useEditor } from './editor.js';
import { FieldForm, newFieldLeaf } from './forms/field-form.js';
import { MailForm, newMailLeaf } from './forms/mail-form.js';
import { newPurchasesLeaf, PurchasesForm } from './forms/purchases-form.js';
import { BirthdayForm, OtherForm, RangeLeafForm, ReachableForm, SegmentForm, TagsForm } from './forms/simple-forms.js';
import { newRfmLeaf, RfmForm } from './forms/rfm-form.js';
import { newSubscriptionLeaf, SubscriptionForm } from './forms/subscription-form.js';
import { useT } from './i18n.js';
import { hasScope } from './leaf-titles.js';
import { Faults } from './inputs.js';
import { NodeCount } from './node-counts.js';
import { groupNumber, MoveMenu } from './move-menu.js';
import { changeGroup, getAt, groupKey, isObject, jsonPath, moveAt, type GroupKey, type Json, type JsonObject, type Path } from './tree.js';

/** What "add condition" offers, in the seed forms' order, with each kind's starting leaf. */
const NEW_LEAVES: ReadonlyArray<readonly [string, () => Json]> = [
  ['field', newFieldLeaf],
  ['purchases', () => newPurchasesLeaf(false)],
  ['period', () => newPurchasesLeaf(true)],
  ['mail', newMailLeaf],
  ['tags', () => ({ kind: 'tags', tags: [] })],
  ['reachable', () => ({ kind: 'reachable', channel: 'email' })],
  ['segment', () => ({ kind: 'segment', name: '' })],
  ['birthday', () => ({ kind: 'birthday', from: '01-01', to: '01-31' })],
  ['age', () => ({ kind: 'age', min: 20, max: 29 })],
  ['tenure', () => ({ kind: 'tenure', min: 0, max: 30 })],
  ['rfm', newRfmLeaf],
  ['subscription', newSubscriptionLeaf],
];

/** The buttons a condition has inside its group: up, down, move (into another group, out, wrapped), remove. */
interface Place {
  readonly path: Path;
  readonly up?: () => void;
  readonly down?: () => void;
  readonly remove: () => void;
}

function PlaceButtons({ place }: { place: Place }) {
  const t = useT();
  return (
    <span class="place">
      <MoveMenu path={place.path} />
      {place.up && <button type="button" class="small" title={t('moveUp')} aria-label={t('moveUp')} onClick={place.up}>↑</button>}
      {place.down && <button type="button" class="small" title={t('moveDown')} aria-label={t('moveDown')} onClick={place.down}>↓</button>}
      <button type="button" class="small remove" aria-label={t('remove')} onClick={place.remove}>×</button>
    </span>
  );
}

export function AddButtons({ onAdd }: { onAdd: (node: Json) => void }) {
  const t = useT();
  return (
    <span class="add">
      <ActionSelect label={t('addCondition')} onChoose={(value) => {
        const entry = NEW_LEAVES.find(([kind]) => kind === value);
        if (entry) onAdd(entry[1]());
      }}>
        <option value="">＋ {t('addCondition')}</option>
        {NEW_LEAVES.map(([kind]) => <option key={kind} value={kind}>{t(`kind_${kind}`)}</option>)}
      </ActionSelect>
      <button type="button" onClick={() => onAdd({ all: [] })}>＋ {t('addGroup')}</button>
    </span>
  );
}

function GroupNode({ path, node, kind, place }: { path: Path; node: JsonObject; kind: GroupKey; place: Place }) {
  const t = useT();
  const { definition, update, change } = useEditor();
  const children = kind === 'not' ? [node.not] : Array.isArray(node[kind]) ? (node[kind] as Json[]) : [];
  const add = (child: Json) => change(path, (current) => {
    if (!isObject(current)) return current;
    if (kind !== 'not') return { [kind]: [...(current[kind] as Json[]), child] };
    const inner = current.not;
    const innerKind = groupKey(inner);
    if (innerKind === 'all' || innerKind === 'any') return { not: { [innerKind]: [...((inner as JsonObject)[innerKind] as Json[]), child] } };
    return { not: inner === undefined ? child : { all: [inner, child] } };
  });
  return (
    <div class={`group group-${kind}`} data-path={jsonPath(path)}>
      <div class="group-head">
        <span class="group-number">{t('groupN')} {groupNumber(definition, path)}</span>
        <select aria-label={t('operator')} value={kind} onChange={(e) => update(path, changeGroup(node, e.currentTarget.value as GroupKey))}>
          {(['all', 'any', 'not'] as const).map((k) => <option key={k} value={k}>{t(k)}</option>)}
        </select>
        <AddButtons onAdd={add} />
        <NodeCount path={path} />
        <PlaceButtons place={place} />
      </div>
      <Faults path={path} within={false} />
      <Faults path={[...path, kind]} within={false} />
      <div class="children">
        {kind === 'not'
          ? <ConditionNode path={[...path, 'not']} place={{ path: [...path, 'not'], remove: place.remove }} />
          : children.map((_, i) => (
            <ConditionNode key={i} path={[...path, kind, i]} place={{
              path: [...path, kind, i],
              up: i > 0 ? () => change([], (d) => moveAt(d, [...path, kind], i, -1)) : undefined,
              down: i < children.length - 1 ? () => change([], (d) => moveAt(d, [...path, kind], i, 1)) : undefined,
              remove: () => change([...path, kind], (list) => (Array.isArray(list) ? list.filter((__, j) => j !== i) : list)),
            }} />
          ))}
        {kind !== 'not' && children.length === 0 && <p class="empty">{t(kind === 'all' ? 'noCondition' : 'addCondition')}</p>}
      </div>
    </div>
  );
}

function LeafBox({ path, title, place, children }: { path: Path; title: string; place: Place; children: ComponentChildren }) {
  return (
    <div class="leaf" data-path={jsonPath(path)}>
      <div class="leaf-head"><span class="leaf-title">{title}</span><NodeCount path={path} /><PlaceButtons place={place} /></div>
      <Faults path={path} within={false} />
      <Faults path={[...path, 'kind']} />
      {children}
    </div>
  );
}

const isMailLeaf = (node: Json | undefined) => isObject(node) && node.kind === 'mail';

/** One node of the condition tree: a group, a leaf with its kind's form, or JSON for the rest. */
export function ConditionNode({ path, place }: { path: Path; place: Place }) {
  const t = useT();
  const { definition } = useEditor();
  const node = getAt(definition, path);
  const kind = groupKey(node);
  if (kind === 'not' && isMailLeaf((node as JsonObject).not)) {
    return <LeafBox path={path} title={`${t('kind_mail')} (${t('exclude')})`} place={place}><MailForm path={[...path, 'not']} excludedAt={path} /></LeafBox>;
  }
  if (kind) return <GroupNode path={path} node={node as JsonObject} kind={kind} place={place} />;
  const leafKind = isObject(node) && typeof node.kind === 'string' ? node.kind : '';
  switch (leafKind) {
    case 'field': return <LeafBox path={path} title={t('kind_field')} place={place}><FieldForm path={path} /></LeafBox>;
    case 'purchases': return <LeafBox path={path} title={t(hasScope(node as JsonObject) ? 'kind_period' : 'kind_purchases')} place={place}><PurchasesForm path={path} /></LeafBox>;
    case 'mail': return <LeafBox path={path} title={t('kind_mail')} place={place}><MailForm path={path} /></LeafBox>;
    case 'tags': return <LeafBox path={path} title={t('kind_tags')} place={place}><TagsForm path={path} /></LeafBox>;
    case 'reachable': return <LeafBox path={path} title={t('kind_reachable')} place={place}><ReachableForm path={path} /></LeafBox>;
    case 'segment': return <LeafBox path={path} title={t('kind_segment')} place={place}><SegmentForm path={path} /></LeafBox>;
    case 'birthday': return <LeafBox path={path} title={t('kind_birthday')} place={place}><BirthdayForm path={path} /></LeafBox>;
    case 'age': return <LeafBox path={path} title={t('kind_age')} place={place}><RangeLeafForm path={path} label={t('kind_age')} /></LeafBox>;
    case 'tenure': return <LeafBox path={path} title={t('kind_tenure')} place={place}><RangeLeafForm path={path} label={t('kind_tenure')} /></LeafBox>;
    case 'rfm': return <LeafBox path={path} title={t('kind_rfm')} place={place}><RfmForm path={path} /></LeafBox>;
    case 'subscription': return <LeafBox path={path} title={t('kind_subscription')} place={place}><SubscriptionForm path={path} /></LeafBox>;
    default: return <LeafBox path={path} title={leafKind || t('kind_other')} place={place}><OtherForm key={jsonPath(path)} path={path} /></LeafBox>;
  }
}

/** The definition's `where`: its tree, or (without one) the buttons that start it. */
export function ConditionTree() {
  const { definition, update } = useEditor();
  const where = getAt(definition, ['where']);
  if (where === undefined) return <div class="tree"><AddButtons onAdd={(node) => update(['where'], groupKey(node) ? node : { all: [node] })} /></div>;
  // A single condition at the top: adding another puts both in an AND group.
  const single = groupKey(where) === undefined;
  return (
    <div class="tree">
      {single && <AddButtons onAdd={(node) => update(['where'], { all: [where, node] })} />}
      <ConditionNode path={['where']} place={{ path: ['where'], remove: () => update(['where'], undefined) }} />
    </div>
  );
}
