import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { faultsAt, useEditor, type Editor } from './editor.js';
import { LangContext, useT } from './i18n.js';
import { detailTitle, faultText } from './fault-texts.js';
import { warningText } from './warning-texts.js';
import { readNumber } from './number-text.js';
import { useContext } from 'preact/hooks';
import { getAt, isObject, jsonPath, splitList, type Json, type Path } from './tree.js';

/**
 * The faults of a field, shown beside it (the parser's JSON path names the field), and the
 * count's warnings about it (a mail id, a product code the data does not hold), with their
 * suggestions. In Japanese the server's English detail is the title.
 */
export function Faults({ path, within = true }: { path: Path; within?: boolean }) {
  const { faults, warnings, definition } = useEditor();
  const t = useT();
  const lang = useContext(LangContext);
  const here = faultsAt(faults, path, within);
  const warned = faultsAt(warnings, path, within);
  if (here.length === 0 && warned.length === 0) return null;
  return (
    <>
      {here.length > 0 && <ul class="faults" data-fault-path={jsonPath(path)}>
        {here.map((f) => {
          const text = faultText(lang, f.code, f.message);
          return <li key={`${f.path}${f.code}`} class="fault" data-code={f.code} title={detailTitle(lang, text, f.message)}>{text}</li>;
        })}
      </ul>}
      {warned.length > 0 && <ul class="field-warnings" data-warning-path={jsonPath(path)}>
        {warned.map((w) => {
          const text = warningText(lang, w, definition);
          return (
            <li key={`${w.path}${w.code}${w.message}`} class="warning" data-code={w.code} title={detailTitle(lang, text, w.message)}>
              {t('warnings')}: {text}{w.suggestions.length > 0 && ` (${t('didYouMean')}: ${w.suggestions.join(', ')})`}
            </li>
          );
        })}
      </ul>}
    </>
  );
}

export function Row({ label, children, path }: { label: string; children: ComponentChildren; path?: Path }) {
  return (
    <div class="row">
      <span class="label">{label}</span>
      <span class="inputs">{children}</span>
      {path && <Faults path={path} />}
    </div>
  );
}

/**
 * A text box over a value of the definition whose typed text is kept while it is typed (`1.`,
 * `P001,`), and replaced only when the definition changes from elsewhere (the JSON view, a load).
 */
function useTypedText(value: Json | undefined, show: (v: Json | undefined) => string, read: (text: string) => Json | undefined) {
  const [text, setText] = useState(show(value));
  useEffect(() => {
    if (JSON.stringify(read(text)) !== JSON.stringify(value)) setText(show(value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value)]);
  return [text, setText] as const;
}

interface FieldProps {
  path: Path;
  placeholder?: string;
  /** called instead of setting the path (a range that disappears when empty) */
  set?: (value: Json | undefined) => void;
  list?: string;
  label?: string;
}

const showText = (v: Json | undefined) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function TextInput({ path, placeholder, set, list, label }: FieldProps) {
  const { definition, update } = useEditor();
  const read = (text: string) => (text === '' ? undefined : text);
  const [text, setText] = useTypedText(getAt(definition, path), showText, read);
  return (
    <input type="text" value={text} placeholder={placeholder} list={list} aria-label={label} data-path={jsonPath(path)}
      onInput={(e) => { const t = e.currentTarget.value; setText(t); (set ?? ((v) => update(path, v)))(read(t)); }} />
  );
}

/**
 * A number: what is not a plain decimal number (number-text.ts) is passed on as text, so the
 * parser's fault says so beside it. `yen`: an amount, whose text may end with 円.
 */
export function NumberInput({ path, placeholder, set, label, yen = false }: FieldProps & { yen?: boolean }) {
  const { definition, update } = useEditor();
  const read = (text: string): Json | undefined => (text.trim() === '' ? undefined : readNumber(text, { yen }));
  const [text, setText] = useTypedText(getAt(definition, path), showText, read);
  return (
    <input type="text" inputMode="decimal" class="number" value={text} placeholder={placeholder} aria-label={label} data-path={jsonPath(path)}
      onInput={(e) => { const t = e.currentTarget.value; setText(t); (set ?? ((v) => update(path, v)))(read(t)); }} />
  );
}

/** A list typed as text: commas (、 too), tabs or new lines between entries. */
export function ListInput({ path, placeholder, numbers = false, keepEmpty = false, label, set }: FieldProps & { numbers?: boolean; keepEmpty?: boolean }) {
  const { definition, update } = useEditor();
  const show = (v: Json | undefined) => (Array.isArray(v) ? v.map(String).join(', ') : showText(v));
  const read = (text: string): Json | undefined => {
    const items = splitList(text).map((s) => (numbers ? readNumber(s) : s));
    return items.length === 0 && !keepEmpty ? undefined : items;
  };
  const [text, setText] = useTypedText(getAt(definition, path), show, read);
  return (
    <input type="text" class="list" value={text} placeholder={placeholder} aria-label={label} data-path={jsonPath(path)}
      onInput={(e) => { const t = e.currentTarget.value; setText(t); (set ?? ((v) => update(path, v)))(read(t)); }} />
  );
}

/** A choice; `fallback` is what a missing value means (the default `any`, `orders`, …), shown as chosen. */
export function Select({ path, options, set, label, blank, fallback }: { path: Path; options: ReadonlyArray<readonly [string, string]>; set?: (value: string) => void; label?: string; blank?: string; fallback?: string }) {
  const { definition, update } = useEditor();
  const value = getAt(definition, path) ?? fallback;
  return (
    <select value={value === undefined || value === null ? '' : String(value)} aria-label={label} data-path={jsonPath(path)}
      onChange={(e) => { const v = e.currentTarget.value; (set ?? ((x: string) => update(path, x === '' ? undefined : x)))(v); }}>
      {blank !== undefined && <option value="">{blank}</option>}
      {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
    </select>
  );
}

/** Sets one end (key) of an object such as a range, removing the object when it becomes empty. */
export function settingKey(change: Editor['change'], path: Path, end: string, keepEmpty = false) {
  return (value: Json | undefined) => change(path, (current) => {
    const next: Record<string, Json> = isObject(current) ? { ...current } : {};
    if (value === undefined) delete next[end];
    else next[end] = value;
    return Object.keys(next).length === 0 && !keepEmpty ? undefined : next;
  });
}

function useRangeSetter(path: Path, end: string, keepEmpty: boolean) {
  return settingKey(useEditor().change, path, end, keepEmpty);
}

/** `min` ~ `max` (both inclusive); with neither the range goes (unless it is the leaf itself). */
export function NumberRange({ path, label, keepEmpty = false, isLeaf = false, yen = false }: { path: Path; label: string; keepEmpty?: boolean; isLeaf?: boolean; yen?: boolean }) {
  const t = useT();
  // A leaf that is a range (age, tenure) has its own faults shown by its box: only its ends' here.
  return (
    <Row label={label} path={isLeaf ? undefined : path}>
      <NumberInput path={[...path, 'min']} set={useRangeSetter(path, 'min', keepEmpty)} label={`${label} ${t('min')}`} yen={yen} />
      {yen && <span class="unit" data-unit-for={jsonPath([...path, 'min'])}>{t('yen')}</span>}
      <span class="tilde">～</span>
      <NumberInput path={[...path, 'max']} set={useRangeSetter(path, 'max', keepEmpty)} label={`${label} ${t('max')}`} yen={yen} />
      {yen && <span class="unit" data-unit-for={jsonPath([...path, 'max'])}>{t('yen')}</span>}
      {isLeaf && <><Faults path={[...path, 'min']} /><Faults path={[...path, 'max']} /></>}
    </Row>
  );
}

/** `from` ~ `to`: dates (`2024-01-31`, `2024-01-31 18:00:00`) or relative (`today-30d`). */
export function DateRange({ path, label, children }: { path: Path; label: string; children?: ComponentChildren }) {
  const t = useT();
  return (
    <Row label={label} path={path}>
      <TextInput path={[...path, 'from']} placeholder={t('datePlaceholder')} set={useRangeSetter(path, 'from', false)} label={`${label} ${t('from')}`} />
      <span class="tilde">～</span>
      <TextInput path={[...path, 'to']} placeholder={t('datePlaceholder')} set={useRangeSetter(path, 'to', false)} label={`${label} ${t('to')}`} />
      {children}
    </Row>
  );
}
