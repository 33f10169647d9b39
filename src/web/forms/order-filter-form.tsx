import { useEditor } from '../editor.js';
import { useT } from '../i18n.js';
import { Faults, ListInput, Row, TextInput, settingKey } from '../inputs.js';
import { getAt, isObject, jsonPath, type Path } from '../tree.js';

/** 受注コード: a text range (`A0001` ~ `A0999`), removed when both ends are empty. */
export function OrderCodes({ path }: { path: Path }) {
  const t = useT();
  const { change } = useEditor();
  return (
    <Row label={t('orderCodes')} path={path}>
      <TextInput path={[...path, 'min']} set={settingKey(change, path, 'min')} label={`${t('orderCodes')} ${t('from')}`} />
      <span class="tilde">～</span>
      <TextInput path={[...path, 'max']} set={settingKey(change, path, 'max')} label={`${t('orderCodes')} ${t('to')}`} />
    </Row>
  );
}

/** One list per order group of the catalog (a group the definition names but the catalog lacks too). */
export function OrderGroups({ path }: { path: Path }) {
  const t = useT();
  const { definition, change, catalog } = useEditor();
  const written = getAt(definition, path);
  const names = [...new Set([...(catalog?.orderGroups ?? []), ...(isObject(written) ? Object.keys(written) : [])])];
  return (
    <>
      {names.map((group) => (
        <Row key={group} label={`${t('groups')}: ${group}`} path={[...path, group]}>
          <ListInput path={[...path, group]} label={`${t('groups')} ${group}`} set={settingKey(change, path, group)} />
        </Row>
      ))}
    </>
  );
}

/**
 * `lastOrder` / `firstOrder` (LTV-Lab 最新購入店舗・最新の受注コード, Ripist 初回購入ADコード): filters
 * one order of the customer must pass. A checkbox starts it empty (the parser's fault asks for
 * one filter; an empty store list would stay and be refused beside a media list) and removes it.
 */
export function OrderFilterForm({ path, label }: { path: Path; label: string }) {
  const t = useT();
  const { definition, update } = useEditor();
  const filter = getAt(definition, path);
  const on = filter !== undefined;
  const mediaEmpty = isObject(filter) && filter.mediaEmpty === true;
  return (
    <fieldset class="order-filter" data-path={jsonPath(path)}>
      <legend>
        <label class="check"><input type="checkbox" aria-label={label} data-path={jsonPath(path)} checked={on} onChange={(e) => update(path, e.currentTarget.checked ? {} : undefined)} /> {label}</label>
      </legend>
      {on && (
        <>
          <Row label={t('stores')} path={[...path, 'stores']}><ListInput path={[...path, 'stores']} label={`${label} ${t('stores')}`} /></Row>
          <Row label={t('media')} path={[...path, 'media']}>
            <ListInput path={[...path, 'media']} label={`${label} ${t('media')}`} keepEmpty={mediaEmpty} />
            <label class="check"><input type="checkbox" aria-label={`${label} ${t('mediaEmpty')}`} data-path={jsonPath([...path, 'mediaEmpty'])} checked={mediaEmpty}
              onChange={(e) => {
                const checked = e.currentTarget.checked;
                update([...path, 'mediaEmpty'], checked ? true : undefined);
                const media = getAt(definition, [...path, 'media']);
                if (checked && media === undefined) update([...path, 'media'], []);
                // the empty list the tick wrote means nothing without it (the parser refuses it)
                if (!checked && Array.isArray(media) && media.length === 0) update([...path, 'media'], undefined);
              }} /> {t('mediaEmpty')}</label>
          </Row>
          <Faults path={[...path, 'mediaEmpty']} />
          <OrderCodes path={[...path, 'orderCodes']} />
          <OrderGroups path={[...path, 'groups']} />
          <Row label={t('orderStatuses')} path={[...path, 'statuses']}><ListInput path={[...path, 'statuses']} label={`${label} ${t('orderStatuses')}`} /></Row>
          <Row label={t('products')} path={[...path, 'products']}><ListInput path={[...path, 'products']} label={`${label} ${t('products')}`} /></Row>
          <Row label={t('remarkContains')} path={[...path, 'remarkContains']}><TextInput path={[...path, 'remarkContains']} label={`${label} ${t('remarkContains')}`} /></Row>
        </>
      )}
      <Faults path={path} within={false} />
    </fieldset>
  );
}
