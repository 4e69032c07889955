// The Schedule tab's pure parts: the form's terms, and how the schedule and its runs read as words.

import { humanBytes } from '../format';
import type { Schedule, ScheduledRun } from '../types';

/** The intervals offered, in hours (the shell accepts 1 to 168). */
export const INTERVALS: readonly [number, string][] = [
  [1, 'every hour'], [6, 'every 6 hours'], [12, 'every 12 hours'], [24, 'every day'], [168, 'every week'],
];

export function intervalLabel(hours: number): string {
  return INTERVALS.find(([h]) => h === hours)?.[1] ?? `every ${hours} hours`;
}

export type Unit = 'MB' | 'GB';
const FACTOR: Record<Unit, number> = { MB: 1e6, GB: 1e9 };

/** The form: the limit as the user types it, with its unit. */
export interface ScheduleForm { limit: number; unit: Unit; every_hours: number; quarantine: boolean }

export function formFromSchedule(s: Schedule): ScheduleForm {
  const unit: Unit = s.max_bytes >= 1e9 ? 'GB' : 'MB';
  return { limit: s.max_bytes / FACTOR[unit], unit, every_hours: s.every_hours, quarantine: s.quarantine };
}

/** The terms the form asks for, or null while the limit is not a positive size. */
export function termsFromForm(form: ScheduleForm, enabled: boolean): Schedule | null {
  const bytes = Math.round(Number(form.limit) * FACTOR[form.unit]);
  if (!Number.isFinite(bytes) || bytes <= 0) return null;
  return { enabled, max_bytes: bytes, every_hours: form.every_hours, quarantine: form.quarantine };
}

/** Whether two sets of terms are the same agreement (on or off aside). */
export function sameTerms(a: Schedule | null, b: Schedule | null): boolean {
  return !!a && !!b && a.max_bytes === b.max_bytes && a.every_hours === b.every_hours && a.quarantine === b.quarantine;
}

/** `On: every day, keeps images under 20 GB.` or `Off.` */
export function describeSchedule(s: Schedule): string {
  if (!s.enabled) return 'Off: nothing is removed unless you run a cleanup yourself.';
  return `On: ${intervalLabel(s.every_hours)}, keeps images under ${humanBytes(s.max_bytes)}` +
    `${s.quarantine ? ', saving them to quarantine first' : ''}.`;
}

const images = (n: number) => `${n} ${n === 1 ? 'image' : 'images'}`;

/** One or two sentences on a scheduled run, for the notice and the tab. */
export function describeRun(run: ScheduledRun): string {
  if (run.error && !run.plan_id) {
    return `The scheduled clean-up could not run: ${run.error.trim().replace(/\.$/, '')}. It tries again in 15 minutes.`;
  }
  if (!run.plan_id) {
    return `Images take ${humanBytes(run.image_bytes)}, under the limit of ${humanBytes(run.max_bytes)}: nothing was removed.`;
  }
  let text = `The scheduled clean-up removed ${images(run.removed)}`;
  text += run.freed === null ? ' (the space freed could not be measured).' : ` and freed ${humanBytes(run.freed)}.`;
  if (run.skipped) text += ` ${images(run.skipped)} skipped: in use or changed since planning.`;
  if (run.error) text += ` Stopped early: ${run.error.trim().replace(/\.$/, '')}.`;
  else if (!run.fits) text += ` Images are still over ${humanBytes(run.max_bytes)}: what stays is in use, kept, or a base of those.`;
  return text;
}

/** What turning the schedule on agrees to, said before the user agrees. */
export function scheduleExplanation(s: Schedule): string {
  return `From now on, ${intervalLabel(s.every_hours)} while Drydock runs (in its window or the tray), the images used longest ago are ` +
    `removed without asking whenever images take more than ${humanBytes(s.max_bytes)}. ` +
    'Images in use, on your keep list, or that other images are built on always stay; containers, volumes and ' +
    'build cache are never touched. Every run is journaled, and Drydock tells you what it removed.';
}
