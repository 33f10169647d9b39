import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { useT } from './i18n.js';
import type { Json } from './tree.js';

/**
 * The definition as a query (src/query/query-language.md), the third view beside the tree and the
 * JSON. The server reads and writes the text (POST /api/query/parse, /api/query/print), so the
 * page holds no second parser. A text that reads replaces the definition after a pause; one that
 * does not keeps the definition and shows the fault with its line:column and caret. A definition
 * changed elsewhere is printed back, unless it is the one this text just made.
 */
export function TextView({ definition, onChange }: { definition: Json | undefined; onChange: (definition: Json) => void }) {
  const t = useT();
  const [text, setText] = useState<string | undefined>(undefined);
  const [fault, setFault] = useState<ApiError | undefined>(undefined);
  const made = useRef<string | undefined>(undefined);
  const pending = useRef<{ cancel: () => void } | undefined>(undefined);
  const shown = JSON.stringify(definition);

  useEffect(() => {
    if (shown === made.current) return undefined;
    const controller = new AbortController();
    api<{ text: string }>('/api/query/print', { body: { definition }, signal: controller.signal }).then(
      (answer) => { made.current = shown; setText(answer.text); setFault(undefined); },
      (error: unknown) => { if (!controller.signal.aborted) setFault(asFault(error)); },
    );
    return () => controller.abort();
  }, [shown]);

  // The text typed last is read after a pause; a newer text aborts the older question. Leaving the
  // view does not: what was typed just before switching to the tree still reaches the definition.
  const read = (value: string) => {
    setText(value);
    pending.current?.cancel();
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<{ definition: Json }>('/api/query/parse', { body: { text: value }, signal: controller.signal }).then(
        (answer) => {
          made.current = JSON.stringify(answer.definition);
          setFault(undefined);
          onChange(answer.definition);
        },
        (error: unknown) => { if (!controller.signal.aborted) setFault(asFault(error)); },
      );
    }, 300);
    pending.current = { cancel: () => { clearTimeout(timer); controller.abort(); } };
  };

  return (
    <div class="text-view">
      <p class="hint">{t('textHint')}</p>
      <textarea class="json query" rows={12} spellcheck={false} aria-label={t('text')} data-testid="query-text" value={text ?? ''}
        onInput={(e) => read(e.currentTarget.value)} />
      {fault && (
        <div class="query-faults" data-code={fault.code}>
          <strong>{t('queryFault')}</strong>
          <pre class="fault">{fault.message}</pre>
        </div>
      )}
    </div>
  );
}

const asFault = (error: unknown): ApiError => (error instanceof ApiError ? error : new ApiError(0, 'network', String(error)));
