import cron from 'node-cron';
import { wallClock } from './local-time.js';

/** How far back a missed occurrence is looked for (minutes are checked one by one). */
export const MISSED_LOOKBACK_DAYS = 31;

/**
 * The latest occurrence of a cron schedule after `since` (exclusive) and at or before `now`,
 * as wall-clock text in the zone (`YYYY-MM-DD HH:MM`), within the lookback; undefined if none.
 */
export function latestMissedOccurrence(schedule: string, timeZone: string, since: string, now: Date): string | undefined {
  const task = cron.createTask(schedule, () => {}, { timezone: timeZone });
  try {
    const minute = 60_000;
    let t = Math.floor(now.getTime() / minute) * minute;
    const stop = t - MISSED_LOOKBACK_DAYS * 24 * 60 * minute;
    // Backwards from now, the first occurrence is the latest: missed if it is after `since`.
    for (; t > stop; t -= minute) {
      const moment = new Date(t);
      if (!task.match(moment)) continue;
      const local = wallClock(moment, timeZone);
      return local > since ? local : undefined;
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}
