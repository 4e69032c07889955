// How a scan reads in the Security view: counts by severity, the fix in words, the build step
// shortened, the filters of the findings table, the database's age. Plain data in, plain data out.

import type { ImageRow } from '../types';
import type { DbSource, DbStatus, ScanFinding, ScanReport, Severity } from '../types';

/** Worst first, as the table and the chart list them. */
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];
/** The badges every image shows, even at zero; `none` only shows when a finding has it. */
export const BADGES: Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

/** A week, as `drydock db status` counts it. */
export const STALE_AFTER_SECS = 7 * 24 * 3600;

/** Higher is worse; `unknown` sits below `none`, as in the Rust order. */
const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1, unknown: 0 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

export type Counts = Record<Severity, number>;

export function countBySeverity(findings: ScanFinding[]): Counts {
  const counts: Counts = { critical: 0, high: 0, medium: 0, low: 0, none: 0, unknown: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

/** The badges to show for these counts. */
export function badges(counts: Counts): [Severity, number][] {
  const shown = counts.none > 0 ? SEVERITIES : BADGES;
  return shown.map((s) => [s, counts[s]]);
}

export function severityLabel(s: Severity): string {
  return s === 'none' ? 'None' : s[0].toUpperCase() + s.slice(1);
}

/** Docker's history wraps steps in shell noise; BuildKit appends a marker and build args. */
export function cleanStep(step: string): string {
  return step
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/^\|\d+(\s+\S+=\S*)*\s+\/bin\/sh -c /, 'RUN ')
    .replace(/\s*# buildkit$/, '')
    // The classic builder names copied content by digest: the destination is what says something.
    .replace(/^(COPY|ADD) (?:file|dir|multi):[0-9a-f]+ in /, '$1 … to ')
    .trim();
}

/** The step as the table's cell shows it; the full text goes on its title. */
export function shortStep(step: string, max = 48): string {
  const clean = cleanStep(step);
  if (!clean) return '(unknown step)';
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** What the "Fixed" column says when there is no fixed version. */
export function fixedCell(f: Pick<ScanFinding, 'fixed' | 'status'>): string {
  if (f.fixed) return f.fixed;
  switch (f.status) {
    case 'will_not_fix': return 'will not fix';
    case 'deferred': return 'deferred';
    case 'end_of_life': return 'end of life';
    default: return 'no fix yet';
  }
}

/** The fix in words. */
export function fixWords(f: ScanFinding): string {
  // The shell decides what came with the base image (drydock_scan::from_base_image).
  if (f.base_image) {
    const fix = f.fixed ? ` (fixed in ${f.fixed})` : '';
    return `rebuild on a newer base image: the base image brings it${fix}`;
  }
  if (f.fixed) return `upgrade ${f.package} to ${f.fixed}`;
  switch (f.status) {
    case 'will_not_fix': return 'the distribution will not fix it: remove the package if the image does not need it';
    case 'deferred': return 'the distribution deferred the fix: remove the package if the image does not need it';
    case 'end_of_life': return 'the release is past its support: move to a supported release';
    default: return 'no fix yet: remove the package if the image does not need it';
  }
}

export interface FindingFilter {
  /** Show findings at or above this severity; null shows all. */
  atLeast: Severity | null;
  hideUnfixed: boolean;
}

export const noFilter: FindingFilter = { atLeast: null, hideUnfixed: false };

export function filterFindings(findings: ScanFinding[], filter: FindingFilter): ScanFinding[] {
  return findings.filter((f) =>
    (filter.atLeast === null || atLeast(f.severity, filter.atLeast)) && (!filter.hideUnfixed || !!f.fixed));
}

/** When the scan ran (Unix seconds): the database ages are measured at scan time. */
export function scannedAt(report: ScanReport): number | null {
  const first = report.db[0];
  return first ? first.imported_at + first.age : null;
}

/** `3 days`, `5 hours`, `12 minutes`, `just now`. */
export function ageWords(seconds: number): string {
  const units: [number, string][] = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'}`;
  }
  return 'just now';
}

/** `3 days ago`; `just now` stays as it is. */
export function ago(seconds: number): string {
  const words = ageWords(seconds);
  return words === 'just now' ? words : `${words} ago`;
}

/** The age of a source now, from its import time. */
export function sourceAge(source: DbSource, now: number): number {
  return Math.max(0, now - source.imported_at);
}

export function isStale(source: DbSource, now: number): boolean {
  return sourceAge(source, now) > STALE_AFTER_SECS;
}

/** Images no container uses whose last scan found something critical: worth a cleanup. */
export function unusedCritical(images: ImageRow[], reportOf: (id: string) => ScanReport | null): ImageRow[] {
  return images.filter((i) => i.containers === 0 && (reportOf(i.id)?.findings.some((f) => f.severity === 'critical') ?? false));
}

/** Bytes read of the export as a whole percentage (the export runs a little over the size). */
export function readPercent(read: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((read * 100) / total)) : 0;
}

export interface Bar { severity: Severity; count: number; x: number; y: number; width: number; height: number }

/** The severity chart's bars: one per severity, heights scaled to the largest count. */
export function severityBars(counts: Counts, width: number, height: number, gap = 8): Bar[] {
  const shown = badges(counts).map(([s]) => s);
  const max = Math.max(1, ...shown.map((s) => counts[s]));
  const w = (width - gap * (shown.length - 1)) / shown.length;
  return shown.map((severity, i) => {
    const h = Math.round((counts[severity] / max) * height);
    return { severity, count: counts[severity], x: Math.round(i * (w + gap)), y: height - h, width: Math.round(w), height: h };
  });
}

/** Whether the database has sources imported after this report was made: scan again to see
 * what they know. */
export function olderDatabase(report: ScanReport, db: DbStatus | null): boolean {
  if (!db?.present) return false;
  const used = new Map(report.db.map((s) => [s.name, s.imported_at]));
  return db.sources.some((s) => (used.get(s.name) ?? -Infinity) < s.imported_at);
}
