import { UNREACHABLE, type CountAnswer } from './api.js';
import { LangContext, useT } from './i18n.js';
import { detailTitle, faultText } from './fault-texts.js';
import { placeLabel } from './place-labels.js';
import type { Json } from './tree.js';
import { warningText } from './warning-texts.js';
import { useContext, useEffect } from 'preact/hooks';
import type { Live } from './live.js';

const number = (n: number) => n.toLocaleString('ja-JP');

/**
 * The live count: selected customers and how many each channel reaches, with faults and warnings,
 * each at its place named by the boxes' labels (place-labels.ts), the raw path in the title.
 */
export function CountBar({ live, definition }: { live: Live<CountAnswer>; definition: Json | undefined }) {
  const t = useT();
  const lang = useContext(LangContext);
  const { data, error, pending } = live;
  const shown = error ? undefined : data;
  // A network failure is no input error: a plain sentence, and live.ts asks again by itself.
  const unreachable = error?.code === UNREACHABLE;
  // The benchmark (src/bench/run-browser.ts) times a count from its request to this mark.
  useEffect(() => {
    if (shown && !pending) performance.mark('kumiwake:count-rendered', { detail: { count: shown.count, reachable: shown.reachable, asOf: shown.asOf, elapsedMs: shown.elapsedMs } });
  }, [data, error, pending]);
  return (
    <section class="count-bar" data-state={pending ? 'pending' : unreachable ? 'unreachable' : error ? 'fault' : 'done'} aria-live="polite">
      <div class="figures">
        <span class="figure total"><span class="figure-label">{t('total')}</span> <b data-testid="count-total">{shown ? number(shown.count) : '—'}</b> {t('people')}</span>
        <span class="figure"><span class="figure-label">{t('email')}</span> <b data-testid="count-email">{shown ? number(shown.reachable.email) : '—'}</b></span>
        <span class="figure"><span class="figure-label">{t('line')}</span> <b data-testid="count-line">{shown ? number(shown.reachable.line) : '—'}</b></span>
        <span class="figure"><span class="figure-label">{t('dm')}</span> <b data-testid="count-dm">{shown ? number(shown.reachable.dm) : '—'}</b></span>
        {shown && <span class="as-of">{t('asOf')} {shown.asOf} · {Math.round(shown.elapsedMs)} ms</span>}
        {pending && <span class="pending">{t('counting')}</span>}
      </div>
      {unreachable && (
        <div class="count-faults" data-testid="count-unreachable">
          <p>{t('serverUnreachable')}</p>
          <p class="hint">{t('retrying')}</p>
        </div>
      )}
      {error && !unreachable && (
        <div class="count-faults" data-testid="count-faults">
          <b>{t('faults')}</b>
          {error.faults.length > 0
            ? <ul>{error.faults.map((f) => {
              const text = faultText(lang, f.code, f.message);
              return (
                <li key={f.path + f.code} data-code={f.code} title={detailTitle(lang, text, f.message)}>
                  <span class="place" title={f.path}>{placeLabel(lang, definition, f.path)}</span>: {text}
                </li>
              );
            })}</ul>
            : <p>{error.message}</p>}
        </div>
      )}
      {shown && shown.warnings.length > 0 && (
        <div class="warnings">
          <b>{t('warnings')}</b>
          <ul>{shown.warnings.map((w) => {
            const text = warningText(lang, w, definition);
            return (
              <li key={w.path + w.code + w.message} data-code={w.code} title={detailTitle(lang, text, w.message)}>
                <span class="place" title={w.path}>{placeLabel(lang, definition, w.path)}</span>: {text}
                {w.suggestions.length > 0 && ` (${t('didYouMean')}: ${w.suggestions.join(', ')})`}
              </li>
            );
          })}</ul>
        </div>
      )}
    </section>
  );
}
