import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

interface ActionSelectProps {
  readonly label: string;
  readonly title?: string;
  readonly class?: string;
  /** the JSON path of the condition it acts on (the move menu's) */
  readonly dataPath?: string;
  readonly onChoose: (value: string) => void;
  readonly children: ComponentChildren;
}

/**
 * A select whose choice is an action (＋条件を追加, 移動…), not a value kept. Chromium changes a
 * closed select's value on each arrow key (and on a typed letter) and fires `change` each time:
 * acting on every change added a condition per key press. So a choice reached with keys is only
 * shown, and Enter acts on it; one picked with the mouse (or set with no key pressed) acts at
 * once. Leaving the select drops a choice shown but not acted on. Its first option is the
 * empty value, the select's name.
 */
export function ActionSelect({ label, title, class: className, dataPath, onChoose, children }: ActionSelectProps) {
  const [shown, setShown] = useState('');
  const browsing = useRef(false);
  const act = (select: HTMLSelectElement, value: string) => {
    browsing.current = false;
    select.value = '';
    setShown('');
    if (value !== '') onChoose(value);
  };
  return (
    <select class={className} aria-label={label} title={title} data-path={dataPath} value={shown}
      onMouseDown={() => { browsing.current = false; }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          if (e.currentTarget.value !== '') { e.preventDefault(); act(e.currentTarget, e.currentTarget.value); }
        } else if (e.key === ' ') browsing.current = false; // opens the list: the choice made there is committed at once
        else if (e.key !== 'Tab' && e.key !== 'Shift' && e.key !== 'Escape') browsing.current = true;
      }}
      onChange={(e) => {
        const value = e.currentTarget.value;
        if (browsing.current) setShown(value);
        else act(e.currentTarget, value);
      }}
      onBlur={(e) => { browsing.current = false; e.currentTarget.value = ''; setShown(''); }}>
      {children}
    </select>
  );
}
