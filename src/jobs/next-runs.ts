import cron from 'node-cron';
import { wallClock } from './local-time.js';

/**
 * The next `count` occurrences of a cron schedule from now, as wall-clock text in the zone
 * (`YYYY-MM-DD HH:MM`, as `scheduled_for` records them): node-cron's own matcher, the one the
 * scheduler waits on, so the times shown are the times it runs.
 */
export function nextOccurrences(schedule: string, timeZone: string, count: number): string[] {
  const task = cron.createTask(schedule, () => {}, { timezone: timeZone });
  try {
    return task.getNextRuns(count).map((moment) => wallClock(moment, timeZone));
  } finally {
    void task.destroy();
  }
}
