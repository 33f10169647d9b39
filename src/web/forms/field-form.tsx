import { useEditor } from '../editor.js';
import { useT } from '../i18n.js';
import { Faults, ListInput, NumberInput, Row, Select, TextInput } from '../inputs.js';
import { ChoiceChecks } from './choice-checks.js';
import { getAt, isObject, jsonPath, type Json, type JsonObject, type Path } from '../tree.js';

const OPS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  text: ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'is_empty', 'is_not_empty'],
  enum: ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'is_empty', 'is_not_empty'],
  integer: ['eq', 'ne', 'in', 'not_in', 'between', 'is_empty', 'is_not_empty'],
  decimal: ['eq', 'ne', 'in', 'not_in', 'between', 'is_empty', 'is_not_empty'],
  date: ['eq', 'ne', 'in', 'not_in', 'between', 'is_empty', 'is_not_empty'],
  timestamp: ['eq', 'ne', 'in', 'not_in', 'between', 'is_empty', 'is_not_empty'],
  boolean: ['eq', 'ne', 'is_empty', 'is_not_empty'],
  tags: ['is_empty', 'is_not_empty'],
};
const SINGLE = new Set(['eq', 'ne', 'contains', 'starts_with', 'ends_with']);
/** The operators that compare text and so take `loose` (表記ゆれを無視). */
const LOOSE = new Set(['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'ends_with']);

/** The operators a field takes (segment-definition.md); customer_id alone adds a member-number range. */
function operatorsOf(field: string, type: string): readonly string[] {
  const ops = OPS_BY_TYPE[type] ?? OPS_BY_TYPE.text!;
  // customer_id as a member number, attr: values read as numbers or dates (segment-definition.md)
  return field === 'customer_id' || field.startsWith('attr:') ? [...ops.slice(0, 4), 'between', ...ops.slice(4)] : ops;
}

/** The operands kept when the operator changes: one value becomes a list of one, and back. */
function withOperator(leaf: JsonObject, op: string): JsonObject {
  const next: JsonObject = { kind: 'field', field: leaf.field ?? '', op };
  if (leaf.loose === true && LOOSE.has(op)) next.loose = true;
  const first = leaf.value ?? (Array.isArray(leaf.values) ? leaf.values[0] : undefined) ?? leaf.min;
  // No value yet is left out, never `""`: `eq ""` is "is empty", a real condition the parser accepts.
  if (SINGLE.has(op) && first !== undefined && first !== '') next.value = first;
  else if (op === 'in' || op === 'not_in') next.values = Array.isArray(leaf.values) ? leaf.values : first === undefined || first === '' ? [] : [first];
  else if (op === 'between') Object.assign(next, leaf.min !== undefined || leaf.max !== undefined ? { min: leaf.min ?? null, max: leaf.max ?? null } : {});
  for (const key of Object.keys(next)) if (next[key] === null) delete next[key];
  return next;
}

/** 属性: a customer field (or attr: group), an operator and its operands. */
export function FieldForm({ path }: { path: Path }) {
  const t = useT();
  const { definition, update, catalog } = useEditor();
  const leaf = getAt(definition, path);
  if (!isObject(leaf)) return null;
  const fieldName = typeof leaf.field === 'string' ? leaf.field : '';
  const info = catalog?.fields.find((f) => f.name === fieldName);
  const type = fieldName.startsWith('attr:') ? 'text' : info?.type ?? 'text';
  const op = typeof leaf.op === 'string' ? leaf.op : '';
  const fields: Array<readonly [string, string]> = [
    ...(catalog?.fields ?? []).map((f) => [f.name, f.label === f.name ? f.name : `${f.label} (${f.name})`] as const),
    ...(catalog?.attributes ?? []).map((a) => [a, a.slice('attr:'.length)] as const),
  ];
  if (fieldName !== '' && !fields.some(([name]) => name === fieldName)) fields.push([fieldName, fieldName]);
  const datalist = `values-${path.join('-')}`;
  const choices = info?.choices;
  const valueInput = (at: Path, labelText: string) => {
    if (choices) return <Select path={at} label={labelText} blank="" options={choices.map((c) => [c.value, c.label] as const)} />;
    if (type === 'boolean') return <Select path={at} label={labelText} blank="" options={[['true', t('yes')], ['false', t('no')]]} set={(v) => update(at, v === '' ? undefined : v === 'true')} />;
    if (type === 'integer' || type === 'decimal' || (fieldName === 'customer_id' && op === 'between')) return <NumberInput path={at} label={labelText} />;
    // an attribute's range: a number stays a number, a date stays text (the parser tells which)
    if (fieldName.startsWith('attr:') && op === 'between') return <NumberInput path={at} label={labelText} placeholder="10 / 2024-01-31" />;
    if (type === 'date' || type === 'timestamp') return <TextInput path={at} label={labelText} placeholder={t('datePlaceholder')} />;
    return <TextInput path={at} label={labelText} list={datalist} />;
  };
  return (
    <div class="form field-form">
      <Row label={t('field')} path={[...path, 'field']}>
        <Select path={[...path, 'field']} label={t('field')} blank={t('field')} options={fields}
          set={(name) => {
            const nextType = name.startsWith('attr:') ? 'text' : catalog?.fields.find((f) => f.name === name)?.type ?? 'text';
            const ops = operatorsOf(name, nextType);
            update(path, withOperator({ kind: 'field', field: name }, ops.includes(op) ? op : ops[0]!));
          }} />
        <Select path={[...path, 'op']} label={t('operator')} options={operatorsOf(fieldName, type).map((o) => [o, t(`op_${o}`)] as const)}
          set={(o) => update(path, withOperator(leaf, o))} />
      </Row>
      {SINGLE.has(op) && <Row label={t('value')} path={[...path, 'value']}>{valueInput([...path, 'value'], t('value'))}</Row>}
      {(op === 'in' || op === 'not_in') && (
        <Row label={t('values')} path={[...path, 'values']}>
          <ListInput path={[...path, 'values']} keepEmpty numbers={type === 'integer' || type === 'decimal'} label={t('values')} />
          <ChoiceChecks path={[...path, 'values']} choices={choices ?? (catalog?.values[fieldName] ?? []).map((v) => ({ value: v, label: v }))} />
        </Row>
      )}
      {op === 'between' && (
        <Row label={t('value')} path={[...path, 'min']}>
          {valueInput([...path, 'min'], `${t('value')} ${t('min')}`)}<span class="tilde">～</span>{valueInput([...path, 'max'], `${t('value')} ${t('max')}`)}
          <Faults path={[...path, 'max']} />
        </Row>
      )}
      {(type === 'text' || type === 'enum') && LOOSE.has(op) && (
        <Row label="" path={[...path, 'loose']}>
          <label class="check"><input type="checkbox" aria-label={t('loose')} data-path={jsonPath([...path, 'loose'])} checked={leaf.loose === true}
            onChange={(e) => update([...path, 'loose'], e.currentTarget.checked ? true : undefined)} /> {t('loose')}</label>
        </Row>
      )}
      <datalist id={datalist}>{(catalog?.values[fieldName] ?? []).map((v) => <option key={v} value={v} />)}</datalist>
    </div>
  );
}

/**
 * A new 属性 starts without a value: the parser's `missing-operand` shows beside the empty box and
 * the count shows "—", as for any half-typed condition. With `"value": ""` it meant "prefecture is
 * empty" and was counted (0 people; inside an OR, every customer without a prefecture).
 */
export const newFieldLeaf = (): Json => ({ kind: 'field', field: 'prefecture', op: 'eq' });
