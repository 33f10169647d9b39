import { useEditor } from '../editor.js';
import { useT } from '../i18n.js';
import { DateRange, ListInput, NumberRange, Row } from '../inputs.js';
import { getAt, isObject, jsonPath, type Json, type Path } from '../tree.js';

const STATUSES = ['active', 'paused', 'cancelled'] as const;

/**
 * 定期受注 (ecforce): how many of the customer's subscriptions pass the filters; 0 ~ 0 is "none
 * such" (a customer who never subscribed, or whose every subscription is cancelled).
 */
export function SubscriptionForm({ path }: { path: Path }) {
  const t = useT();
  const { definition, update } = useEditor();
  const leaf = getAt(definition, path);
  if (!isObject(leaf)) return null;
  const statuses = Array.isArray(leaf.status) ? leaf.status.map(String) : [];
  return (
    <div class="form subscription-form">
      <Row label={t('subStatus')} path={[...path, 'status']}>
        {STATUSES.map((s) => (
          <label key={s} class="check">
            <input type="checkbox" data-path={jsonPath([...path, 'status'])} value={s} checked={statuses.includes(s)}
              onChange={(e) => {
                const next = e.currentTarget.checked ? [...statuses, s] : statuses.filter((x) => x !== s);
                update([...path, 'status'], next.length === 0 ? undefined : next);
              }} /> {t(`sub_${s}`)}
          </label>
        ))}
      </Row>
      <Row label={t('subProducts')} path={[...path, 'products']}><ListInput path={[...path, 'products']} label={t('subProducts')} placeholder="P001, P002" /></Row>
      <NumberRange path={[...path, 'deliveries']} label={t('deliveries')} />
      <DateRange path={[...path, 'startedAt']} label={t('startedAt')} />
      <DateRange path={[...path, 'nextDeliveryAt']} label={t('nextDeliveryAt')} />
      <DateRange path={[...path, 'cancelledAt']} label={t('cancelledAt')} />
      <Row label={t('cancelReasons')} path={[...path, 'cancelReasons']}><ListInput path={[...path, 'cancelReasons']} label={t('cancelReasons')} /></Row>
      <NumberRange path={[...path, 'count']} label={t('subCount')} />
      <p class="hint">{t('subZeroHint')}</p>
    </div>
  );
}

export const newSubscriptionLeaf = (): Json => ({ kind: 'subscription', status: ['active'] });
