import { describe, expect, it } from 'vitest';
import type { BuildRecord, RepositoryHistory } from '../types';
import { build } from './fixtures';
import {
  buildLabel, comparePair, deltaText, forecastSentence, recentRecords, repositoryOf, repositoryRows, sizeBars, togglePick, unixTime,
} from './history';

const myapp: RepositoryHistory = {
  repository: 'myapp',
  builds: [build('sha256:1', [], 100, null, false), build('sha256:2', ['myapp:2'], 300, 200), build('sha256:3', ['other:x', 'myapp:3'], 200, -100)],
};

describe('repository names', () => {
  it('drops the tag and digest, not a registry port', () => {
    expect(repositoryOf('myapp:3')).toBe('myapp');
    expect(repositoryOf('localhost:5000/team/app:1')).toBe('localhost:5000/team/app');
    expect(repositoryOf('localhost:5000/app')).toBe('localhost:5000/app');
    expect(repositoryOf('app@sha256:abc')).toBe('app');
    expect(repositoryOf('<none>:<none>')).toBeNull();
    expect(repositoryOf(undefined)).toBeNull();
  });
  it("names a build by its tag in the repository, else its short id", () => {
    expect(buildLabel(myapp.builds[2], 'myapp')).toBe('3');
    expect(buildLabel(myapp.builds[0], 'myapp')).toBe('1');
    expect(buildLabel(build('sha256:abcdef0123456789', [], 1, null), 'myapp')).toBe('abcdef012345');
  });
});

describe('sizes and times', () => {
  it('words a change with its sign', () => {
    expect(deltaText(null)).toBe('—');
    expect(deltaText(0)).toBe('no change');
    expect(deltaText(1_200_000)).toBe('+1.2 MB');
    expect(deltaText(-300_000)).toBe('−300 kB');
  });
  it('writes unix seconds in UTC', () => {
    expect(unixTime(0)).toBe('1970-01-01 00:00');
    expect(unixTime(null)).toBe('—');
  });
});

describe('the chart of size over builds', () => {
  it('draws the biggest build full height, in build order', () => {
    const bars = sizeBars(myapp, 300, 100);
    expect(bars.map((b) => b.label)).toEqual(['1', '2', '3']);
    expect(bars[1].height).toBe(100);
    expect(bars[0].height).toBeCloseTo(100 / 3);
    expect(bars[2].y).toBeCloseTo(100 - 200 / 3);
    expect(bars[0].present).toBe(false);
    expect(bars.every((b) => b.x >= 0 && b.x + b.width <= 300)).toBe(true);
  });
  it('draws nothing for no builds and flat bars for empty images', () => {
    expect(sizeBars({ repository: 'x', builds: [] }, 100, 100)).toEqual([]);
    expect(sizeBars({ repository: 'x', builds: [build('a', [], 0, null)] }, 100, 100)[0].height).toBe(1);
  });
});

describe('picking two builds to compare', () => {
  it('keeps the last two picked and lets go of one picked again', () => {
    expect(togglePick([], 'a')).toEqual(['a']);
    expect(togglePick(['a', 'b'], 'c')).toEqual(['b', 'c']);
    expect(togglePick(['a', 'b'], 'a')).toEqual(['b']);
  });
  it('makes the older build A, whichever was picked first', () => {
    const pair = comparePair(myapp, ['sha256:3', 'sha256:1']);
    expect(pair?.a.image.id).toBe('sha256:1');
    expect(pair?.b.image.id).toBe('sha256:3');
    expect(comparePair(myapp, ['sha256:3'])).toBeNull();
    expect(comparePair(myapp, ['sha256:3', 'sha256:gone'])).toBeNull();
  });
});

describe('the Builds view', () => {
  it('lists repositories biggest latest build first, with counts and the last change', () => {
    const small: RepositoryHistory = { repository: 'small', builds: [build('s', ['small:1'], 10, null)] };
    const rows = repositoryRows([small, myapp, { repository: 'none', builds: [] }]);
    expect(rows).toEqual([
      { repository: 'myapp', builds: 3, present: 2, latest: 200, change: -100 },
      { repository: 'small', builds: 1, present: 1, latest: 10, change: null },
    ]);
  });
  it('lists build records most recently used first', () => {
    const r = (id: string, created: number | null, last_used: number | null): BuildRecord => ({
      id, description: id, kind: 'regular', size: 1, in_use: false, shared: false, created, last_used, usage_count: 1, image: null,
    });
    expect(recentRecords([r('a', 5, null), r('b', 1, 9), r('c', null, null)]).map((x) => x.id)).toEqual(['b', 'a', 'c']);
  });
});

describe('the forecast', () => {
  it('says when the disk fills, only when there is a forecast', () => {
    expect(forecastSentence(null, 0)).toBeNull();
    const text = forecastSentence({ full_at: 30 * 86400, bytes_per_day: 2e9, basis: 'the last 14 days: 38 samples' }, 0);
    expect(text).toBe('At the recent rate (+2 GB a day; the last 14 days: 38 samples), the host disk fills in about 30 days, around 1970-01-31.');
  });
});
