import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type CountAnswer, type SavedSegment, type SchemaAnswer } from './api.js';
import { ConditionTree } from './condition-tree.js';
import { CountBar } from './count-bar.js';
import { EditorContext, type Editor } from './editor.js';
import { LangContext, message, type Lang } from './i18n.js';
import { ImportScreen } from './import-screen.js';
import { JobsScreen } from './jobs-screen.js';
import { DocumentFields } from './document-fields.js';
import { JsonView } from './json-view.js';
import { TextView } from './text-view.js';
import { useLive } from './live.js';
import { CustomerLookup, CustomerPage } from './customer-page.js';
import { DownloadPanel } from './download-panel.js';
import { DEFAULT_MEMBER_COLUMNS, MembersTable } from './members-table.js';
import { ResultsPanel } from './results-panel.js';
import { NodeCountsContext, nodeCountsByPath } from './node-counts.js';
import { SegmentsPanel } from './segments-panel.js';
import { getAt, setAt, type Json, type Path } from './tree.js';
import { segmentOfHash, showSegmentInUrl } from './url-state.js';

const EMPTY: Json = { where: { all: [] } };

/**
 * The builder: saved segments on the side; the condition tree (or its JSON) in the middle, with
 * the live count above and the member preview below. One definition is the state; every view
 * reads and edits it. Later panels (per-condition counts, breakdowns, jobs, downloads, imports)
 * read the same definition.
 */
export function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('kumiwake.lang') === 'en' ? 'en' : 'ja'));
  const [definition, setDefinition] = useState<Json | undefined>(EMPTY);
  const [view, setView] = useState<'tree' | 'json' | 'text'>('tree');
  const [schema, setSchema] = useState<SchemaAnswer | undefined>(undefined);
  const [segments, setSegments] = useState<readonly SavedSegment[]>([]);
  const [current, setCurrent] = useState<string | undefined>(undefined);
  const [results, setResults] = useState<'members' | 'breakdown'>('members');
  const [customer, setCustomer] = useState<string | undefined>(undefined);
  const [screen, setScreen] = useState<'builder' | 'jobs' | 'imports'>('builder');
  const [memberColumns, setMemberColumns] = useState<readonly string[]>(DEFAULT_MEMBER_COLUMNS);

  // The definition as last opened or saved: the edits since are unsaved, and leaving asks first.
  const [savedText, setSavedText] = useState(JSON.stringify(EMPTY));
  const unsaved = JSON.stringify(definition) !== savedText;

  const loadSegments = useCallback(() => api<{ segments: SavedSegment[] }>('/api/segments').then((r) => { setSegments(r.segments); return r.segments; }), []);
  /** Opens a saved segment (or a new definition) as the editor's; `url`: also as a new entry of the browser's history. */
  const open = (segment: SavedSegment | undefined, url: boolean) => {
    const opened = segment ? (segment.definition as Json) : EMPTY;
    setCurrent(segment?.name);
    setDefinition(opened);
    setSavedText(JSON.stringify(opened));
    if (url) showSegmentInUrl(segment?.name);
  };
  /** Opens the segment the URL names (a reload, back, forward); a name no segment has opens nothing. */
  const openFromUrl = (list: readonly SavedSegment[]) => {
    const name = segmentOfHash(window.location.hash);
    const segment = list.find((s) => s.name === name);
    if (name === undefined || segment) open(segment, false);
  };
  useEffect(() => {
    api<SchemaAnswer>('/api/schema').then(setSchema, () => {});
    // A reload opens the segment the URL names; without one, the new definition stays (it may be edited already).
    loadSegments().then((list) => { if (segmentOfHash(window.location.hash) !== undefined) openFromUrl(list); }, () => {});
  }, []);
  // The handlers below read the state of the latest render: an effect re-registering them runs
  // after the render, and a back or reload right after an edit met the handler of before it.
  const latest = useRef({ unsaved, segments, current, lang });
  latest.current = { unsaved, segments, current, lang };
  useEffect(() => {
    // Back / forward open the segment of that entry, once the marketer agrees to drop unsaved edits.
    const onPop = () => {
      const now = latest.current;
      if (now.unsaved && !window.confirm(message(now.lang, 'leaveUnsaved'))) {
        showSegmentInUrl(now.current); // stays on this entry's segment
        return;
      }
      openFromUrl(now.segments);
    };
    // A reload or a closed tab asks first when there are unsaved edits (the browser's own question).
    const onLeave = (event: BeforeUnloadEvent) => {
      if (!latest.current.unsaved) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('popstate', onPop);
    window.addEventListener('beforeunload', onLeave);
    return () => { window.removeEventListener('popstate', onPop); window.removeEventListener('beforeunload', onLeave); };
  }, []);
  useEffect(() => {
    localStorage.setItem('kumiwake.lang', lang);
    document.documentElement.lang = lang;
  }, [lang]);

  // One question per edit: the total, its reachable figures and every node's counts come from the
  // interactive workspace's customer sets, so the nodes cost nothing once the total's leaf sets
  // are known (Workspace.conditionCounts). The performance marks time a live count from its
  // request to its rendering (src/bench/run-browser.ts).
  const count = useLive<CountAnswer>(JSON.stringify(definition), (signal) => {
    performance.mark('kumiwake:count-requested');
    performance.mark('kumiwake:node-counts-requested');
    return api<CountAnswer>('/api/count', { body: { definition, conditions: true }, signal });
  });
  const nodeCounts = count.pending || count.error || !count.data?.conditions ? undefined : nodeCountsByPath(count.data.conditions);
  useEffect(() => { if (nodeCounts) performance.mark('kumiwake:node-counts-rendered', { detail: { count: count.data?.count, elapsedMs: count.data?.elapsedMs } }); }, [count.data, count.pending]);
  const editor: Editor = {
    definition,
    update: (path: Path, value: Json | undefined) => setDefinition((d) => setAt(d, path, value)),
    change: (path: Path, f: (current: Json | undefined) => Json | undefined) => setDefinition((d) => setAt(d, path, f(getAt(d, path)))),
    faults: count.error?.faults ?? [],
    warnings: count.pending || count.error ? [] : count.data?.warnings ?? [],
    catalog: schema?.catalog,
    savedNames: segments.map((s) => s.name).filter((n) => n !== current),
  };
  const t = (key: string) => message(lang, key);
  return (
    <LangContext.Provider value={lang}>
      <EditorContext.Provider value={editor}>
        <header class="top">
          <h1>Kumiwake <span>{t('title')}</span>{current && <span class="current-name"> — {current}</span>}</h1>
          <nav class="screens">
            {(['builder', 'jobs', 'imports'] as const).map((s) => (
              <button type="button" key={s} data-screen={s} class={screen === s ? 'active' : ''} onClick={() => setScreen(s)}>{t(`screen_${s}`)}</button>
            ))}
          </nav>
          <button type="button" class="lang" onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}>{t('language')}</button>
        </header>
        {/* The builder stays mounted (hidden) on the other screens: its definition and live count are kept. */}
        <main class="layout" hidden={screen !== 'builder'}>
          <SegmentsPanel segments={segments} current={current} definition={definition}
            onOpen={(s) => open(s, true)}
            onSaved={(name) => {
              if (name === undefined) open(undefined, true);
              else { setCurrent(name); setSavedText(JSON.stringify(definition)); showSegmentInUrl(name); }
              void loadSegments();
            }} />
          <div class="builder">
            <CountBar live={count} definition={definition} />
            <nav class="tabs">
              <button type="button" class={view === 'tree' ? 'active' : ''} onClick={() => setView('tree')}>{t('tree')}</button>
              <button type="button" class={view === 'json' ? 'active' : ''} onClick={() => setView('json')}>{t('json')}</button>
              <button type="button" class={view === 'text' ? 'active' : ''} onClick={() => setView('text')}>{t('text')}</button>
            </nav>
            {view === 'tree' && <NodeCountsContext.Provider value={nodeCounts}><DocumentFields /><ConditionTree /></NodeCountsContext.Provider>}
            {view === 'json' && <JsonView definition={definition} onChange={setDefinition} />}
            {view === 'text' && <TextView definition={definition} onChange={setDefinition} />}
            <DownloadPanel definition={definition} current={current} shownColumns={memberColumns} />
            <nav class="tabs results-tabs">
              <button type="button" class={results === 'members' ? 'active' : ''} onClick={() => setResults('members')}>{t('members')}</button>
              <button type="button" class={results === 'breakdown' ? 'active' : ''} onClick={() => setResults('breakdown')}>{t('breakdown')}</button>
              <CustomerLookup onOpen={setCustomer} />
            </nav>
            {results === 'members'
              ? <MembersTable definition={definition} catalog={schema?.catalog} columns={memberColumns} onColumns={setMemberColumns} onCustomer={setCustomer} />
              : <ResultsPanel definition={definition} catalog={schema?.catalog} />}
            {customer !== undefined && <CustomerPage customerId={customer} definition={definition} catalog={schema?.catalog} onClose={() => setCustomer(undefined)} />}
          </div>
        </main>
        {screen === 'jobs' && <JobsScreen segments={segments} current={current} />}
        {screen === 'imports' && <ImportScreen />}
      </EditorContext.Provider>
    </LangContext.Provider>
  );
}
