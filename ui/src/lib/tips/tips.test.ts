import { describe, expect, it } from 'vitest';
import { emptyLine, morePaths, readingLine, tipBytes, tipImageRow, tipWhere } from './tips';

const overview = (done: number, pending: number, computing = false, failed = 0) =>
  ({ tips: [], done, failed, pending, computing });

describe('a tip', () => {
  it('says its bytes as measured or as an upper bound', () => {
    expect(tipBytes({ bytes: 12_300_000, exact: true })).toBe('12.3 MB');
    expect(tipBytes({ bytes: 12_300_000, exact: false })).toBe('up to 12.3 MB');
    expect(tipBytes({ bytes: 0, exact: true })).toBe('');
  });
  it('says where it is: the layer and the step as written', () => {
    expect(tipWhere({ layer: 2, step: '/bin/sh -c apt-get update' })).toBe('layer 2 · RUN apt-get update');
    expect(tipWhere({ layer: 0, step: null })).toBe('layer 0');
    expect(tipWhere({ layer: null, step: null })).toBe('');
  });
  it('counts the paths it does not list', () => {
    expect(morePaths({ more_paths: 1234 })).toBe('and 1,234 more');
    expect(morePaths({ more_paths: 0 })).toBe('');
  });
});

describe('the overview panel', () => {
  it('says how many images are read while the worker runs, and nothing after', () => {
    expect(readingLine(overview(3, 4, true))).toBe('3 of 7 images read');
    expect(readingLine(overview(0, 1))).toBe('0 of 1 image read');
    expect(readingLine(overview(5, 0, false, 2))).toBeNull();
  });
  it('words an empty list by what is left to read', () => {
    expect(emptyLine(overview(0, 0))).toContain('No images');
    expect(emptyLine(overview(1, 2, true))).toContain('Reading');
    expect(emptyLine(overview(3, 0))).toContain('Nothing to lose');
  });
  it('opens a dangling image by its id', () => {
    const row = tipImageRow({ id: 'sha256:abc', tags: [] });
    expect([row.id, row.dangling]).toEqual(['sha256:abc', true]);
  });
});
