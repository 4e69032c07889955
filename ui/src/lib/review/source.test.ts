import { describe, expect, it } from 'vitest';
import { barWidth, biggestLayer, hiddenNote, sourceRows } from './source';
import { instruction, reviewed } from './fixtures';

describe('size bars', () => {
  it('are proportional to the biggest layer, which fills the width', () => {
    expect(barWidth(3_000_000, 3_000_000)).toBe(100);
    expect(barWidth(1_500_000, 3_000_000)).toBe(50);
    expect(barWidth(1, 3_000_000)).toBe(1);
  });
  it('are empty for an unmeasured or empty layer, or when nothing was measured', () => {
    expect(barWidth(null, 100)).toBe(0);
    expect(barWidth(0, 100)).toBe(0);
    expect(barWidth(5, 0)).toBe(0);
  });
  it('never take the unmeasured for the biggest', () => {
    expect(biggestLayer([instruction(1, null), instruction(2, 7), instruction(3, 2)])).toBe(7);
    expect(biggestLayer([])).toBe(0);
  });
});

describe('hidden bytes', () => {
  it('say which later lines hide them', () => {
    expect(hiddenNote(instruction(2, 9, { hidden_bytes: 12_000_000, hidden_paths: [
      { path: '/a', bytes: 1, hidden_by_line: 9 }, { path: '/b', bytes: 1, hidden_by_line: 7 }, { path: '/c', bytes: 1, hidden_by_line: 7 },
    ] }))).toBe('12 MB hidden later by lines 7, 9');
    expect(hiddenNote(instruction(2, 9, { hidden_bytes: 2000, hidden_paths: [{ path: '/a', bytes: 1, hidden_by_line: null }] })))
      .toBe('2 kB hidden later');
  });
  it('say nothing when nothing is hidden or it was not measured', () => {
    expect(hiddenNote(instruction(2, 9, { hidden_bytes: 0 }))).toBeNull();
    expect(hiddenNote(instruction(2, 9))).toBeNull();
  });
});

describe('source rows', () => {
  it('are every line, each instruction with its bar and findings and the step to jump to', () => {
    const rows = sourceRows(reviewed());
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4]);
    expect(rows[1].text).toBe('RUN head -c 3000000 /dev/zero > /big');
    expect(rows.map((r) => r.bar)).toEqual([0, 100, 0, 0]);
    expect(rows[2].findings.map((f) => f.code)).toEqual(['DD102']);
    expect(rows[2].step).toBe('DD102@3:1');
    expect(rows[3].step).toBe('DD301@4:1');
    expect(rows[1].step).toBeNull();
  });
  it('keep continuation lines, with no instruction of their own', () => {
    const rows = sourceRows(reviewed({ source: 'RUN a \\\r\n  && b', instructions: [instruction(1, 5, { end_line: 2 })] }));
    expect(rows.map((r) => [r.text, r.instruction?.line ?? null])).toEqual([['RUN a \\', 1], ['  && b', null]]);
  });
  it('of an empty file are none', () => {
    expect(sourceRows(reviewed({ source: '', instructions: [] }))).toEqual([]);
  });
});
