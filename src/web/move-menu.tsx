import { ActionSelect } from './action-select.js';
import { useEditor } from './editor.js';
import { useT } from './i18n.js';
import { getAt, groupKey, groupPaths, isWithin, jsonPath, moveInto, moveOut, parentGroup, wrapIn, type GroupKey, type Moved, type Path } from './tree.js';

/** The number a group shows in its head (グループ 2), which the move menu names it by: its place in page order. */
export function groupNumber(definition: ReturnType<typeof useEditor>['definition'], path: Path): number {
  return groupPaths(definition).findIndex((p) => p.length === path.length && isWithin(p, path)) + 1;
}

/**
 * 移動: one select per condition (keyboard reachable as any select) that moves it into another
 * group, out of its group, or wraps it in a new AND / OR / NOT group (arrow keys only browse the
 * moves; Enter or a click makes one: action-select.tsx). Only the moves tree.ts
 * allows are offered (never into the condition itself or its own groups). After a move the
 * moved condition's menu takes the focus, so a keyboard user can go on moving it.
 */
export function MoveMenu({ path }: { path: Path }) {
  const t = useT();
  const { definition, update } = useEditor();
  const parent = parentGroup(path);
  const into = parent === undefined ? [] : groupPaths(definition).filter((g) => moveInto(definition, path, g).ok);
  const canOut = parent !== undefined && moveOut(definition, path).ok;
  const apply = (moved: Moved) => {
    if (!moved.ok) return;
    update([], moved.root);
    const at = jsonPath(moved.path);
    setTimeout(() => document.querySelector<HTMLSelectElement>(`select.move[data-path="${CSS.escape(at)}"]`)?.focus(), 0);
  };
  const choose = (value: string) => {
    if (value === 'out') apply(moveOut(definition, path));
    else if (value.startsWith('wrap-')) apply(wrapIn(definition, path, value.slice(5) as GroupKey));
    else if (value.startsWith('into:')) {
      const target = into.find((g) => jsonPath(g) === value.slice(5));
      if (target) apply(moveInto(definition, path, target));
    }
  };
  return (
    <ActionSelect class="move" label={t('move')} title={t('move')} dataPath={jsonPath(path)} onChoose={choose}>
      <option value="">{t('moveMenu')}</option>
      {canOut && <option value="out">{t('moveOut')}</option>}
      {into.length > 0 && (
        <optgroup label={t('moveInto')}>
          {into.map((g) => {
            const kind = groupKey(getAt(definition, g))!;
            return <option key={jsonPath(g)} value={`into:${jsonPath(g)}`}>{`${t('groupN')} ${groupNumber(definition, g)}: ${t(kind)}`}</option>;
          })}
        </optgroup>
      )}
      <optgroup label={t('wrapIn')}>
        {(['all', 'any', 'not'] as const).map((k) => <option key={k} value={`wrap-${k}`}>{t(k)}</option>)}
      </optgroup>
    </ActionSelect>
  );
}
