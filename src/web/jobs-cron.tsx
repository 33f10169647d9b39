import { api, ApiError } from './api.js';
import { useContext } from 'preact/hooks';
import { LangContext, useT } from './i18n.js';
import { cronOf, plainOf, type Plain } from './jobs-api.js';
import { useLive } from './live.js';

const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

interface Props {
  readonly schedule: string;
  readonly timezone: string;
  readonly onChange: (schedule: string) => void;
}

/**
 * 実行頻度: 毎日 / 毎週 (曜日) / 毎月 (日) and a time build the cron; the cron field shows it and takes
 * any other cron (then the words say カスタム). The next five run times come from the server, from
 * node-cron as the scheduler computes them; a schedule the server refuses shows its fault instead.
 */
export function CronEditor({ schedule, timezone, onChange }: Props) {
  const t = useT();
  const plain = plainOf(schedule);
  const time = plain.every === 'custom' ? { hour: 9, minute: 0 } : { hour: plain.hour, minute: plain.minute };
  const set = (next: Plain) => onChange(cronOf(next) ?? schedule);
  const japanese = useContext(LangContext) === 'ja';
  const weekdays = japanese ? WEEKDAYS_JA : WEEKDAYS_EN;
  const next = useLive<{ next: string[] }>(schedule.trim() === '' ? undefined : `${schedule}\u0000${timezone}`,
    (signal) => api(`/api/next-runs?schedule=${encodeURIComponent(schedule)}&timezone=${encodeURIComponent(timezone)}`, { signal }), 200);
  return (
    <div class="cron-editor">
      <div class="inputs">
        <select aria-label={t('job_frequency')} data-path="frequency" value={plain.every} onChange={(e) => {
          const every = e.currentTarget.value as Plain['every'];
          if (every === 'day') set({ every, ...time });
          if (every === 'week') set({ every, weekday: 1, ...time });
          if (every === 'month') set({ every, day: 1, ...time });
        }}>
          <option value="day">{t('job_daily')}</option>
          <option value="week">{t('job_weekly')}</option>
          <option value="month">{t('job_monthly')}</option>
          <option value="custom" disabled={plain.every !== 'custom'}>{t('job_custom')}</option>
        </select>
        {plain.every === 'week' && (
          <select aria-label={t('job_weekday')} data-path="weekday" value={String(plain.weekday)} onChange={(e) => set({ ...plain, weekday: Number(e.currentTarget.value) })}>
            {weekdays.map((w, i) => <option key={w} value={String(i)}>{w}{japanese ? '曜日' : ''}</option>)}
          </select>
        )}
        {plain.every === 'month' && (
          <select aria-label={t('job_day')} data-path="day" value={String(plain.day)} onChange={(e) => set({ ...plain, day: Number(e.currentTarget.value) })}>
            {Array.from({ length: 31 }, (_, i) => <option key={i} value={String(i + 1)}>{i + 1}{t('job_daySuffix')}</option>)}
          </select>
        )}
        {plain.every !== 'custom' && (
          <input type="time" aria-label={t('job_time')} data-path="time" value={`${pad(time.hour)}:${pad(time.minute)}`} onChange={(e) => {
            const [h, m] = e.currentTarget.value.split(':').map(Number);
            if (h !== undefined && m !== undefined && Number.isInteger(h) && Number.isInteger(m)) set({ ...plain, hour: h, minute: m });
          }} />
        )}
        <label class="cron-raw">cron <input type="text" aria-label="cron" data-path="schedule" value={schedule} onInput={(e) => onChange(e.currentTarget.value)} /></label>
      </div>
      <div class="next-runs" data-testid="next-runs" data-state={next.pending ? 'pending' : next.error ? 'fault' : 'done'}>
        <span class="label">{t('job_nextRuns')} ({timezone})</span>
        {next.error
          ? <span class="fault">{next.error instanceof ApiError && next.error.faults[0] ? next.error.faults[0].message : next.error.message}</span>
          : <ol>{(next.pending ? [] : next.data?.next ?? []).map((time) => <li key={time}>{time}</li>)}</ol>}
      </div>
    </div>
  );
}
