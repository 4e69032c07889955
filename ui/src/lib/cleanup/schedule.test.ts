import { describe, expect, it } from 'vitest';
import {
  describeRun, describeSchedule, formFromSchedule, intervalLabel, sameTerms, scheduleExplanation, termsFromForm,
} from './schedule';
import type { Schedule, ScheduledRun } from '../types';

const terms: Schedule = { enabled: true, max_bytes: 20e9, every_hours: 24, quarantine: false };
const run = (over: Partial<ScheduledRun>): ScheduledRun => ({
  at: 1, plan_id: 'p', removed: 2, skipped: 0, freed: 1_500_000, image_bytes: 25e9, max_bytes: 20e9, fits: true, error: null,
  ...over,
});

describe('schedule terms', () => {
  it('round-trips the form and refuses sizes that are not positive', () => {
    expect(formFromSchedule(terms)).toEqual({ limit: 20, unit: 'GB', every_hours: 24, quarantine: false });
    expect(formFromSchedule({ ...terms, max_bytes: 3_141_591 }).unit).toBe('MB');
    expect(termsFromForm({ limit: 3.141591, unit: 'MB', every_hours: 6, quarantine: true }, true))
      .toEqual({ enabled: true, max_bytes: 3_141_591, every_hours: 6, quarantine: true });
    for (const limit of [0, -1, NaN, Infinity]) {
      expect(termsFromForm({ limit, unit: 'GB', every_hours: 24, quarantine: false }, true)).toBeNull();
    }
  });

  it('compares agreements without the on switch', () => {
    expect(sameTerms(terms, { ...terms, enabled: false })).toBe(true);
    expect(sameTerms(terms, { ...terms, max_bytes: 1 })).toBe(false);
    expect(sameTerms(terms, null)).toBe(false);
  });

  it('says what the schedule does and what turning it on agrees to', () => {
    expect(describeSchedule({ ...terms, enabled: false })).toMatch(/^Off/);
    expect(describeSchedule(terms)).toBe('On: every day, keeps images under 20 GB.');
    expect(intervalLabel(5)).toBe('every 5 hours');
    const said = scheduleExplanation({ ...terms, every_hours: 168 });
    expect(said).toContain('every week');
    expect(said).toContain('without asking');
    expect(said).toContain('20 GB');
  });
});

describe('scheduled runs in words', () => {
  it('reports removals, skips, limits and absences', () => {
    expect(describeRun(run({}))).toBe('The scheduled clean-up removed 2 images and freed 1.5 MB.');
    expect(describeRun(run({ removed: 1, skipped: 1, fits: false }))).toBe(
      'The scheduled clean-up removed 1 image and freed 1.5 MB. 1 image skipped: in use or changed since planning. ' +
      'Images are still over 20 GB: what stays is in use, kept, or a base of those.',
    );
    expect(describeRun(run({ plan_id: null, removed: 0, image_bytes: 1e9 })))
      .toBe('Images take 1 GB, under the limit of 20 GB: nothing was removed.');
    expect(describeRun(run({ plan_id: null, error: 'the engine is not running.' })))
      .toBe('The scheduled clean-up could not run: the engine is not running. It tries again in 15 minutes.');
    expect(describeRun(run({ freed: null, error: 'engine went away' }))).toContain('Stopped early: engine went away.');
  });
});
