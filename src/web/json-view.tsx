import { useEffect, useState } from 'preact/hooks';
import { useT } from './i18n.js';
import type { Json } from './tree.js';

/** The definition as JSON text: edits that parse replace the definition the tree shows. */
export function JsonView({ definition, onChange }: { definition: Json | undefined; onChange: (definition: Json) => void }) {
  const t = useT();
  const [text, setText] = useState(JSON.stringify(definition, null, 2));
  const [bad, setBad] = useState<string | undefined>(undefined);
  useEffect(() => {
    try {
      if (JSON.stringify(JSON.parse(text)) === JSON.stringify(definition)) return;
    } catch {
      // the text being typed is not JSON yet: a definition changed elsewhere replaces it
    }
    setText(JSON.stringify(definition, null, 2));
    setBad(undefined);
  }, [JSON.stringify(definition)]);
  return (
    <div class="json-view">
      <textarea class="json" rows={24} spellcheck={false} aria-label="JSON" data-testid="json-text" value={text}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          try {
            onChange(JSON.parse(value) as Json);
            setBad(undefined);
          } catch (error) {
            setBad((error as Error).message);
          }
        }} />
      {bad && <p class="fault">{t('invalidJson')}: {bad}</p>}
    </div>
  );
}
