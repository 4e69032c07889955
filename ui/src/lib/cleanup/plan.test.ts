import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  debouncedLatest, defaultForm, defaultSpec, describeOutcome, describeSummary, formToSpec, kindCount, kindLabel, latestOnly,
  nothingChosen, parseList, progressPercent, relativeDays, specKey, stepLabel, summarise, unixTime,
} from './plan';
import type { PlanItem, PruneKind, RunReport } from '../types';

const item = (kind: PruneKind, name: string, bytes: number): PlanItem => ({ kind, id: `id-${name}`, name, bytes, reason: 'unused' });

const outcome = (over: Partial<RunReport> = {}): RunReport => {
  const plan = [item('container', 'a', 100), item('image', 'b', 1_200_000), item('image', 'c', 0)];
  return {
    plan_id: 'p1', planned_at: 1, items: plan, predicted_reclaim: 1_234_567, kept: [], gc: null, removed: plan.slice(0, 2), skipped: [],
    actual_reclaim: 1_200_000, quarantined: [], stopped: null, unsettled: [], ...over,
  };
};

describe('summarise', () => {
  it('counts and adds bytes per kind in the fixed order, leaving out absent kinds', () => {
    const s = summarise([
      item('buildcache', 'x', 10), item('image', 'i1', 1000), item('container', 'c1', 5),
      item('image', 'i2', 2000), item('network', 'n', 0),
    ]);
    expect(s.map((r) => r.kind)).toEqual(['container', 'image', 'network', 'buildcache']);
    expect(s.find((r) => r.kind === 'image')).toEqual({ kind: 'image', label: 'images', count: 2, bytes: 3000 });
    expect(s.map((r) => r.label)).toEqual(['stopped containers', 'images', 'networks', 'build cache records']);
  });
  it('is empty for an empty plan and ignores unknown bytes', () => {
    expect(summarise([])).toEqual([]);
    expect(summarise([item('volume', 'v', -1)])).toEqual([{ kind: 'volume', label: 'volumes', count: 1, bytes: 0 }]);
  });
  it('reads as words, singular and plural', () => {
    expect(describeSummary(summarise([item('container', 'a', 1), item('image', 'b', 1), item('image', 'c', 1)])))
      .toBe('1 stopped container, 2 images');
    expect(describeSummary([])).toBe('nothing');
    expect(kindCount('buildcache', 1)).toBe('1 build cache record');
    expect(kindLabel('buildcache')).toBe('build cache');
    expect(kindLabel('plugin')).toBe('plugin');
  });
});

describe('specs', () => {
  it('starts from the safe manual default', () => {
    expect(defaultSpec()).toEqual({
      one_click: false, images: 'dangling', containers: true, volumes: [], networks: false,
      build_cache: true, until: null, labels: [], keep: [],
    });
    // A fresh object each time: editing one never changes the next.
    const a = defaultSpec();
    a.volumes.push('data');
    expect(defaultSpec().volumes).toEqual([]);
  });
  it('keys equal specs equally, whatever the order or blanks in the lists', () => {
    const a = { ...defaultSpec(), volumes: ['b', 'a'], labels: ['x=1', ' !y '], until: ' 24h ' };
    const b = { ...defaultSpec(), volumes: ['a', 'b', 'a'], labels: ['!y', 'x=1', ''], until: '24h' };
    expect(specKey(a)).toBe(specKey(b));
    expect(specKey({ ...defaultSpec(), until: '' })).toBe(specKey(defaultSpec()));
  });
  it('keys differ when the plan would', () => {
    const base = specKey(defaultSpec());
    expect(specKey({ ...defaultSpec(), images: 'unused' })).not.toBe(base);
    expect(specKey({ ...defaultSpec(), images: null })).not.toBe(base);
    expect(specKey({ ...defaultSpec(), networks: true })).not.toBe(base);
    expect(specKey({ ...defaultSpec(), volumes: ['data'] })).not.toBe(base);
    expect(specKey({ ...defaultSpec(), keep: ['web:*'] })).not.toBe(base);
    expect(specKey({ ...defaultSpec(), until: '7d' })).not.toBe(specKey({ ...defaultSpec(), until: '24h' }));
  });
  it('keys one-click specs by their keep list only', () => {
    const one = { ...defaultSpec(), one_click: true };
    expect(specKey({ ...one, images: 'unused', volumes: ['db'] })).toBe(specKey(one));
    expect(specKey({ ...one, keep: ['a'] })).not.toBe(specKey(one));
    expect(specKey(one)).not.toBe(specKey(defaultSpec()));
  });
  it('knows when nothing is chosen', () => {
    const none = { ...defaultSpec(), images: null, containers: false, build_cache: false };
    expect(nothingChosen(none)).toBe(true);
    expect(nothingChosen({ ...none, volumes: ['db'] })).toBe(false);
    expect(nothingChosen({ ...none, networks: true })).toBe(false);
    expect(nothingChosen({ ...none, one_click: true })).toBe(false);
    expect(nothingChosen(defaultSpec())).toBe(false);
  });
  it('turns the form into a spec', () => {
    expect(formToSpec(defaultForm())).toEqual(defaultSpec());
    const spec = formToSpec({
      ...defaultForm(), images: 'none', until: '  ', labels: 'env=dev, !keep\nteam', keep: 'web:*,', volumes: ['v1'],
    });
    expect(spec.images).toBeNull();
    expect(spec.until).toBeNull();
    expect(spec.labels).toEqual(['env=dev', '!keep', 'team']);
    expect(spec.keep).toEqual(['web:*']);
    expect(spec.volumes).toEqual(['v1']);
  });
});

describe('parseList', () => {
  it('splits on commas and newlines and drops blanks', () => {
    expect(parseList(' a, b\n c,,\n\n , d ')).toEqual(['a', 'b', 'c', 'd']);
    expect(parseList('')).toEqual([]);
    expect(parseList('  ,  ')).toEqual([]);
    expect(parseList('registry:5000/web:*')).toEqual(['registry:5000/web:*']);
  });
});

describe('describeOutcome', () => {
  it('says what was removed and freed against the prediction', () => {
    expect(describeOutcome(outcome())).toBe('Removed 2 of 3 objects, freed 1.2 MB (predicted 1.23 MB).');
  });
  it('says when the space could not be measured', () => {
    expect(describeOutcome(outcome({ actual_reclaim: null })))
      .toBe('Removed 2 of 3 objects, freed space could not be measured (predicted 1.23 MB).');
  });
  it('tells when the run stopped early and what went to quarantine', () => {
    const text = describeOutcome(outcome({ stopped: 'cancelled', quarantined: ['sha256:b'] }));
    expect(text).toContain('1 image was saved to quarantine.');
    expect(text.endsWith('Stopped early: cancelled.')).toBe(true);
    expect(describeOutcome(outcome({ stopped: 'the engine went away.' }))).toContain('Stopped early: the engine went away.');
    expect(describeOutcome(outcome({ stopped: 'the engine went away.' }))).not.toContain('..');
  });
  it('says which removals are not known yet, and keeps only the first line of a stop', () => {
    const lost = item('image', 'c', 0);
    const text = describeOutcome(outcome({
      unsettled: [lost],
      stopped: 'lost the connection to the engine.\n  the outcome of removing image c is not known',
    }));
    expect(text).toContain('Whether 1 more was removed is not known yet');
    expect(text.endsWith('Stopped early: lost the connection to the engine.')).toBe(true);
  });
  it('uses the singular for one object and handles an empty plan', () => {
    const one = item('volume', 'v', 10);
    expect(describeOutcome(outcome({ items: [one], removed: [one], actual_reclaim: 10, predicted_reclaim: 10 })))
      .toBe('Removed 1 of 1 object, freed 10 B (predicted 10 B).');
    expect(describeOutcome(outcome({ items: [], removed: [], predicted_reclaim: 0, actual_reclaim: 0 })))
      .toBe('Nothing to remove: the plan was empty.');
  });
});

describe('progress', () => {
  it('gives whole percents, clamped', () => {
    expect(progressPercent({ done: 0, total: 6 })).toBe(0);
    expect(progressPercent({ done: 1, total: 3 })).toBe(33);
    expect(progressPercent({ done: 2, total: 3 })).toBe(67);
    expect(progressPercent({ done: 6, total: 6 })).toBe(100);
    expect(progressPercent({ done: 9, total: 6 })).toBe(100);
    expect(progressPercent({ done: 0, total: 0 })).toBe(100);
  });
  it('names the steps', () => {
    expect(stepLabel('saving')).toBe('Saving to quarantine');
    expect(stepLabel('removing')).toBe('Removing');
  });
});

describe('dates', () => {
  it('shows unix seconds as local minutes', () => {
    const at = new Date(2026, 0, 2, 3, 4, 59).getTime() / 1000;
    expect(unixTime(at)).toBe('2026-01-02 03:04');
    expect(unixTime(null)).toBe('–');
    expect(unixTime(0)).toBe('–');
  });
  it('says how far away a time is in days', () => {
    const now = 1_800_000_000;
    expect(relativeDays(now + 3 * 86_400 + 5, now)).toBe('in 3 days');
    expect(relativeDays(now + 86_400, now)).toBe('in 1 day');
    expect(relativeDays(now + 60, now)).toBe('within a day');
    expect(relativeDays(now + 14 * 86_400 - 300, now)).toBe('in 14 days');
    expect(relativeDays(now - 2 * 86_400, now)).toBe('2 days ago');
  });
});

describe('latestOnly', () => {
  it('lets only the newest request show its answer', () => {
    const latest = latestOnly();
    const first = latest.next();
    expect(first()).toBe(true);
    const second = latest.next();
    expect(first()).toBe(false);
    expect(second()).toBe(true);
    latest.cancel();
    expect(second()).toBe(false);
  });
  it('drops a slow first answer that arrives after a fast second one', async () => {
    const latest = latestOnly();
    const shown: string[] = [];
    const ask = async (answer: string, ms: number) => {
      const current = latest.next();
      await new Promise((r) => setTimeout(r, ms));
      if (current()) shown.push(answer);
    };
    await Promise.all([ask('old', 30), ask('new', 5)]);
    expect(shown).toEqual(['new']);
  });
});

describe('debouncedLatest', () => {
  afterEach(() => { vi.useRealTimers(); });
  const deferred = () => {
    let resolve!: (v: string) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<string>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };

  it('asks once, with the last question, after the form stops changing', async () => {
    vi.useFakeTimers();
    const asked: string[] = [];
    const shown: unknown[] = [];
    const planner = debouncedLatest(async (q: string) => { asked.push(q); return q.toUpperCase(); }, 300, (a) => shown.push(a));
    planner.schedule('a');
    await vi.advanceTimersByTimeAsync(200);
    planner.schedule('ab');
    await vi.advanceTimersByTimeAsync(200);
    planner.schedule('abc');
    await vi.advanceTimersByTimeAsync(299);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toEqual(['abc']);
    expect(shown).toEqual([{ ok: true, value: 'ABC' }]);
  });

  it('drops a slow answer to an older question, and answers after cancel', async () => {
    vi.useFakeTimers();
    const pending = new Map<string, ReturnType<typeof deferred>>();
    const shown: unknown[] = [];
    const planner = debouncedLatest((q: string) => { const d = deferred(); pending.set(q, d); return d.promise; }, 300, (a) => shown.push(a));
    planner.schedule('old');
    await vi.advanceTimersByTimeAsync(300);
    planner.schedule('new');
    await vi.advanceTimersByTimeAsync(300);
    expect([...pending.keys()]).toEqual(['old', 'new']);
    pending.get('new')!.resolve('NEW');
    await vi.advanceTimersByTimeAsync(0);
    pending.get('old')!.resolve('OLD');
    await vi.advanceTimersByTimeAsync(0);
    expect(shown).toEqual([{ ok: true, value: 'NEW' }]);

    planner.schedule('gone');
    await vi.advanceTimersByTimeAsync(300);
    planner.cancel();
    pending.get('gone')!.reject(new Error('late'));
    await vi.advanceTimersByTimeAsync(0);
    expect(shown).toHaveLength(1);
  });

  it('passes errors of the newest question on', async () => {
    vi.useFakeTimers();
    const shown: { ok: boolean }[] = [];
    const planner = debouncedLatest(async (q: string) => { throw { code: 'invalid', message: q }; }, 300, (a) => shown.push(a));
    planner.schedule('bad until');
    await vi.advanceTimersByTimeAsync(300);
    expect(shown).toEqual([{ ok: false, error: { code: 'invalid', message: 'bad until' } }]);
  });
});
