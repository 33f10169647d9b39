import { useEditor } from '../editor.js';
import { useT } from '../i18n.js';
import { DateRange, Faults, ListInput, NumberRange, Row, Select, TextInput } from '../inputs.js';
import { hasScope, SCOPE_KEYS } from '../leaf-titles.js';
import { OrderCodes, OrderFilterForm, OrderGroups } from './order-filter-form.js';
import { getAt, isObject, type Json, type Path } from '../tree.js';

/** One 購入商品 row: products and/or categories, a count range (0 ~ 0: never bought), the unit. */
function ProductRow({ path, onRemove }: { path: Path; onRemove: () => void }) {
  const t = useT();
  return (
    <div class="product-row" data-path={path.join('.')}>
      <Row label={t('products')} path={[...path, 'products']}><ListInput path={[...path, 'products']} label={t('products')} placeholder="P001, P002" /></Row>
      <Row label={t('categories')} path={[...path, 'categories']}><ListInput path={[...path, 'categories']} label={t('categories')} /></Row>
      <Row label={t('remarkContains')} path={[...path, 'remarkContains']}><TextInput path={[...path, 'remarkContains']} label={t('remarkContains')} /></Row>
      <NumberRange path={[...path, 'count']} label={t('count')} keepEmpty />
      <Row label={t('unit')} path={[...path, 'unit']}>
        <Select path={[...path, 'unit']} label={t('unit')} fallback="orders" options={[['orders', t('unit_orders')], ['quantity', t('unit_quantity')]]} />
        <button type="button" class="small" onClick={onRemove}>{t('remove')}</button>
      </Row>
      <Faults path={path} within={false} />
    </div>
  );
}

/**
 * 最新購入情報 (lifetime figures, RFM) and 期間設定 (figures within a period, stores, media, order
 * codes, order groups): one purchases condition, laid out as LTV-Lab's two search forms.
 */
export function PurchasesForm({ path }: { path: Path }) {
  const t = useT();
  const { definition, update, change } = useEditor();
  const leaf = getAt(definition, path);
  if (!isObject(leaf)) return null;
  const scoped = hasScope(leaf);
  const rows = Array.isArray(leaf.products) ? leaf.products : [];
  const toggleScope = (on: boolean) => change(path, (current) => {
    if (!isObject(current)) return current;
    const next = { ...current };
    if (on) next.window = { from: 'today-90d', to: 'today' };
    else for (const key of SCOPE_KEYS) delete next[key];
    return next;
  });
  return (
    <div class="form purchases-form">
      <label class="check"><input type="checkbox" checked={scoped} onChange={(e) => toggleScope(e.currentTarget.checked)} /> {t('usePeriod')}</label>
      {scoped && (
        <fieldset class="scope">
          <legend>{t('periodSettings')}</legend>
          <DateRange path={[...path, 'window']} label={t('window')}>
            <Select path={[...path, 'window', 'on']} label={t('windowOn')} fallback="ordered" options={[['ordered', t('on_ordered')], ['shipped', t('on_shipped')]]} />
          </DateRange>
          <DateRange path={[...path, 'shipWindow']} label={t('shipWindow')} />
          <Row label={t('orderStatuses')} path={[...path, 'statuses']}><ListInput path={[...path, 'statuses']} label={t('orderStatuses')} /></Row>
          <Row label={t('stores')} path={[...path, 'stores']}><ListInput path={[...path, 'stores']} label={t('stores')} /></Row>
          <Row label={t('media')} path={[...path, 'media']}><ListInput path={[...path, 'media']} label={t('media')} /></Row>
          <OrderCodes path={[...path, 'orderCodes']} />
          <OrderGroups path={[...path, 'groups']} />
        </fieldset>
      )}
      <DateRange path={[...path, 'firstOrderedAt']} label={t('firstOrderedAt')} />
      <DateRange path={[...path, 'lastOrderedAt']} label={t('lastOrderedAt')} />
      <DateRange path={[...path, 'lastShippedAt']} label={t('lastShippedAt')} />
      <NumberRange path={[...path, 'orderCount']} label={t(scoped ? 'orderCountPeriod' : 'orderCount')} />
      <NumberRange path={[...path, 'sales']} label={t(scoped ? 'salesPeriod' : 'sales')} yen />
      <Row label={t('firstOrderProducts')} path={[...path, 'firstOrderProducts']}><ListInput path={[...path, 'firstOrderProducts']} label={t('firstOrderProducts')} /></Row>
      <Row label={t('lastOrderProducts')} path={[...path, 'lastOrderProducts']}><ListInput path={[...path, 'lastOrderProducts']} label={t('lastOrderProducts')} /></Row>
      <OrderFilterForm path={[...path, 'lastOrder']} label={t('lastOrder')} />
      <OrderFilterForm path={[...path, 'firstOrder']} label={t('firstOrder')} />
      <fieldset class="product-rows">
        <legend>{t('productRows')}</legend>
        {rows.map((_, i) => (
          <ProductRow key={i} path={[...path, 'products', i]}
            onRemove={() => change([...path, 'products'], (list) => {
              const next = Array.isArray(list) ? list.filter((__, j) => j !== i) : [];
              return next.length === 0 ? undefined : next;
            })} />
        ))}
        {/* A new row names nothing yet (no `"products": []`, which the parser refuses even beside
            a category): its empty-product-row fault says what to fill in. */}
        <button type="button" class="add-row" onClick={() => update([...path, 'products', rows.length], { count: { min: 1 } })}>{t('addRow')}</button>
        <p class="hint">{t('zeroHint')}</p>
        <Faults path={[...path, 'products']} within={false} />
      </fieldset>
    </div>
  );
}

export const newPurchasesLeaf = (period: boolean): Json =>
  period ? { kind: 'purchases', window: { from: 'today-90d', to: 'today' }, orderCount: { min: 1 } } : { kind: 'purchases', orderCount: { min: 1 } };
