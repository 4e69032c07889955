import { describe, expect, it } from 'vitest';
import { defaultQuery, nextSort, queryImages, visibleWindow } from './table';
import type { ImageRow } from '../types';

const row = (id: string, tags: string[], unique: number, containers = 0, created = '2026-01-01T00:00:00Z'): ImageRow => ({
  id: `sha256:${id}`, tags, digests: [], created, size: unique + 10, shared_size: 10, unique_size: unique, containers, dangling: tags.length === 0,
});

const rows = [row('aaa', ['web:1'], 300, 1), row('bbb', [], 100), row('ccc', ['api:2', 'api:latest'], 200, 0, '2026-02-01T00:00:00Z')];

describe('queryImages', () => {
  it('sorts by unique size, largest first, by default', () => {
    expect(queryImages(rows, defaultQuery).map((r) => r.id)).toEqual(['sha256:aaa', 'sha256:ccc', 'sha256:bbb']);
  });
  it('filters by state and by text in any tag or the id', () => {
    expect(queryImages(rows, { ...defaultQuery, state: 'dangling' }).map((r) => r.id)).toEqual(['sha256:bbb']);
    expect(queryImages(rows, { ...defaultQuery, state: 'in-use' }).map((r) => r.id)).toEqual(['sha256:aaa']);
    expect(queryImages(rows, { ...defaultQuery, state: 'unused' })).toHaveLength(2);
    expect(queryImages(rows, { ...defaultQuery, text: 'LATEST' }).map((r) => r.id)).toEqual(['sha256:ccc']);
    expect(queryImages(rows, { ...defaultQuery, text: 'sha256:bb' }).map((r) => r.id)).toEqual(['sha256:bbb']);
  });
  it('sorts names ascending on first click and flips on the second', () => {
    const byName = nextSort(defaultQuery, 'name');
    expect(byName.descending).toBe(false);
    expect(queryImages(rows, byName).map((r) => r.tags[0] ?? '-')).toEqual(['-', 'api:2', 'web:1']);
    expect(nextSort(byName, 'name').descending).toBe(true);
    expect(nextSort(defaultQuery, 'created')).toMatchObject({ sort: 'created', descending: true });
  });
});

describe('visibleWindow', () => {
  it('draws only the rows in view plus a margin', () => {
    expect(visibleWindow(0, 400, 40, 2000)).toEqual({ first: 0, last: 18, offset: 0, height: 80000 });
    const w = visibleWindow(40_000, 400, 40, 2000);
    expect(w.first).toBe(992);
    expect(w.last).toBe(1018);
    expect(visibleWindow(79_900, 400, 40, 2000).last).toBe(2000);
  });
});
