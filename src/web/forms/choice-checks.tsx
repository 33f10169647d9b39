import { useEditor } from '../editor.js';
import { getAt, jsonPath, type Path } from '../tree.js';

/** More values than this are typed (with the field's datalist), not ticked. */
const MAX_CHECKS = 30;

/**
 * The seed forms' checkboxes for a field's values (LTV-Lab 性別 女性 男性 不明, 送信許可 携帯 PC
 * 送信拒否; Ripist and ecforce ステータス): for `in` / `not_in`, one checkbox per value the field
 * takes (an enumeration's choices, or the few values the shop's data holds). Ticking adds the
 * value to the list at `path`; the list box beside it still takes any value typed.
 */
export function ChoiceChecks({ path, choices }: { path: Path; choices: ReadonlyArray<{ value: string; label: string }> }) {
  const { definition, update } = useEditor();
  const list = getAt(definition, path);
  const ticked = Array.isArray(list) ? list.map(String) : [];
  if (choices.length === 0 || choices.length > MAX_CHECKS) return null;
  return (
    <span class="choice-checks">
      {choices.map((c) => (
        <label key={c.value} class="check">
          <input type="checkbox" data-path={jsonPath(path)} value={c.value} checked={ticked.includes(c.value)}
            onChange={(e) => update(path, e.currentTarget.checked ? [...ticked, c.value] : ticked.filter((v) => v !== c.value))} /> {c.label}
        </label>
      ))}
    </span>
  );
}
