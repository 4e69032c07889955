import { describe, expect, it } from 'vitest';
import {
  ago, atLeast, badges, cleanStep, countBySeverity, filterFindings, fixedCell, fixWords, isStale,
  olderDatabase, readPercent, scannedAt, severityBars, shortStep, unusedCritical,
} from './findings';
import { finding, report } from './fixtures';
import type { ImageRow } from '../types';

describe('severity', () => {
  it('orders unknown below none, as the scanner does', () => {
    expect(atLeast('critical', 'high')).toBe(true);
    expect(atLeast('medium', 'high')).toBe(false);
    expect(atLeast('unknown', 'none')).toBe(false);
    expect(atLeast('none', 'unknown')).toBe(true);
  });
  it('counts findings and shows five badges, none only when present', () => {
    const counts = countBySeverity([finding({ severity: 'critical' }), finding({ severity: 'critical' }), finding({ severity: 'low' })]);
    expect(counts).toEqual({ critical: 2, high: 0, medium: 0, low: 1, none: 0, unknown: 0 });
    expect(badges(counts).map(([s]) => s)).toEqual(['critical', 'high', 'medium', 'low', 'unknown']);
    expect(badges({ ...counts, none: 1 })).toContainEqual(['none', 1]);
  });
  it('scales the chart to the largest count', () => {
    const bars = severityBars({ critical: 4, high: 2, medium: 0, low: 1, none: 0, unknown: 0 }, 200, 100, 0);
    expect(bars.map((b) => b.height)).toEqual([100, 50, 0, 25, 0]);
    expect(bars[1].y).toBe(50);
    expect(bars[4].x).toBe(160);
    expect(severityBars(countBySeverity([]), 200, 100).every((b) => b.height === 0)).toBe(true);
  });
});

describe('the fix in words', () => {
  it('says which version to upgrade to', () => {
    expect(fixWords(finding())).toBe('upgrade openssl to 3.0.13-1');
  });
  it('sends base-image packages to a rebuild', () => {
    expect(fixWords(finding({ layer: 0, base_image: true }))).toBe('rebuild on a newer base image: the base image brings it (fixed in 3.0.13-1)');
  });
  it('names the status when there is no fixed version', () => {
    expect(fixedCell(finding({ fixed: null, status: 'affected' }))).toBe('no fix yet');
    expect(fixedCell(finding({ fixed: null, status: 'will_not_fix' }))).toBe('will not fix');
    expect(fixedCell(finding({ fixed: null, status: 'deferred' }))).toBe('deferred');
    expect(fixWords(finding({ fixed: null, status: 'affected' }))).toMatch(/^no fix yet/);
  });
});

describe('build steps', () => {
  it('drops the shell noise and shortens', () => {
    expect(cleanStep('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
    expect(cleanStep('/bin/sh -c apk add curl')).toBe('RUN apk add curl');
    expect(cleanStep('|1 VERSION=2 /bin/sh -c make # buildkit')).toBe('RUN make');
    // The classic builder's digest says nothing to people; the destination does.
    expect(cleanStep('/bin/sh -c #(nop) COPY file:db48517860ee28133f391a80f34113138a836 in /lib/apk/db/installed '))
      .toBe('COPY … to /lib/apk/db/installed');
    expect(shortStep('RUN ' + 'x'.repeat(100), 20)).toHaveLength(20);
    expect(shortStep('')).toBe('(unknown step)');
  });
});

describe('the findings table filters', () => {
  const all = [finding({ severity: 'critical' }), finding({ severity: 'low', fixed: null, status: 'affected' }), finding({ severity: 'medium' })];
  it('shows at least a severity, and hides what has no fix', () => {
    expect(filterFindings(all, { atLeast: 'medium', hideUnfixed: false })).toHaveLength(2);
    expect(filterFindings(all, { atLeast: null, hideUnfixed: true })).toHaveLength(2);
    expect(filterFindings(all, { atLeast: 'critical', hideUnfixed: true })).toHaveLength(1);
  });
});

describe('ages and progress', () => {
  it('reads when the scan ran from the database ages it carries', () => {
    expect(scannedAt(report('sha256:aaaa'))).toBe(1_700_003_600);
    expect(scannedAt({ ...report('sha256:aaaa'), db: [] })).toBeNull();
  });
  it('words ages and warns after a week', () => {
    expect(ago(30)).toBe('just now');
    expect(ago(3 * 86400 + 5)).toBe('3 days ago');
    expect(ago(3600)).toBe('1 hour ago');
    const src = { name: 'osv', records: 1, imported_at: 0, age: 0 };
    expect(isStale(src, 7 * 86400)).toBe(false);
    expect(isStale(src, 7 * 86400 + 1)).toBe(true);
  });
  it('caps the export at 100%', () => {
    expect(readPercent(50, 200)).toBe(25);
    expect(readPercent(210, 200)).toBe(100);
    expect(readPercent(5, 0)).toBe(0);
  });
});

describe('reports made with an older database', () => {
  it('asks for a new scan when a source was imported since', () => {
    const r = report('sha256:a');
    const db = (imported_at: number, name = 'debian-tracker') =>
      ({ present: true, path: '/d', stale: false, sources: [{ name, records: 1, imported_at, age: 0 }] });
    expect(olderDatabase(r, db(1_700_000_000))).toBe(false);
    expect(olderDatabase(r, db(1_700_000_001))).toBe(true);
    expect(olderDatabase(r, db(1, 'osv-PyPI'))).toBe(true);
    expect(olderDatabase(r, null)).toBe(false);
  });
});

describe('unused images with critical findings', () => {
  const row = (id: string, containers: number) => ({ id, tags: [], containers }) as unknown as ImageRow;
  it('offers only images no container uses', () => {
    const reports: Record<string, ReturnType<typeof report>> = {
      'sha256:a': report('sha256:a', [finding({ severity: 'critical' })]),
      'sha256:b': report('sha256:b', [finding({ severity: 'critical' })]),
      'sha256:c': report('sha256:c', [finding({ severity: 'high' })]),
    };
    const found = unusedCritical([row('sha256:a', 0), row('sha256:b', 1), row('sha256:c', 0), row('sha256:d', 0)], (id) => reports[id] ?? null);
    expect(found.map((i) => i.id)).toEqual(['sha256:a']);
  });
});
