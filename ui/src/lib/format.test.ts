import { describe, expect, it } from 'vitest';
import { exactBytes, humanBytes, percent, shortId, shortTime, svgUrl } from './format';

describe('humanBytes', () => {
  it('matches the CLI', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(999)).toBe('999 B');
    expect(humanBytes(1000)).toBe('1 kB');
    expect(humanBytes(1_234_567)).toBe('1.23 MB');
    expect(humanBytes(1_200_000_000)).toBe('1.2 GB');
    expect(humanBytes(999_999_999)).toBe('1 GB');
    expect(humanBytes(-1)).toBe('–');
  });
  it('keeps the zeros of whole numbers (700 kB read as 7 kB once)', () => {
    expect(humanBytes(700_000)).toBe('700 kB');
    expect(humanBytes(10_000)).toBe('10 kB');
    expect(humanBytes(100_000_000)).toBe('100 MB');
    expect(humanBytes(1_000_000)).toBe('1 MB');
  });
});

describe('helpers', () => {
  it('formats ids, times, exact bytes and shares', () => {
    expect(shortId('sha256:0123456789abcdef')).toBe('0123456789ab');
    expect(shortTime('2026-11-22T08:39:34Z')).toBe('2026-11-22 08:39');
    expect(exactBytes(1234567)).toBe('1,234,567 bytes');
    expect(percent(1, 4)).toBe('25%');
    expect(percent(1, 0)).toBe('0%');
  });
  it('keeps SVG out of the page markup', () => {
    const url = svgUrl('<svg><text>&lt;img&gt;</text></svg>');
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,%3Csvg')).toBe(true);
    expect(url).not.toContain('<');
  });
});
