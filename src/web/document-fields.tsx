import { useEditor } from './editor.js';
import { useT } from './i18n.js';
import { Row, TextInput } from './inputs.js';

/**
 * The definition's own properties above its tree: 説明 (description, shown in the segment list)
 * and 削除済みの顧客を含む (includeDeleted). `name` is the saved segment's (the save box) and
 * `version` the format's, so neither has a box here. includeDeleted adds the deleted customers
 * (ecforce's 削除), not the withdrawn (退会), who are always counted: it was labelled 退会者を含む,
 * and a marketer leaving it unticked believed the withdrawn were out of the list.
 */
export function DocumentFields() {
  const t = useT();
  const { definition, update } = useEditor();
  const includeDeleted = definition !== null && typeof definition === 'object' && !Array.isArray(definition) && definition.includeDeleted === true;
  return (
    <div class="form document-fields">
      <Row label={t('description')} path={['description']}><TextInput path={['description']} label={t('description')} /></Row>
      <Row label="" path={['includeDeleted']}>
        <label class="check"><input type="checkbox" data-path="includeDeleted" aria-label={t('includeDeleted')} checked={includeDeleted}
          onChange={(e) => update(['includeDeleted'], e.currentTarget.checked ? true : undefined)} /> {t('includeDeleted')}</label>
        <span class="hint" data-testid="include-deleted-hint">{t('includeDeletedHint')}</span>
      </Row>
    </div>
  );
}
