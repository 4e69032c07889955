import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import DbStatus from './DbStatus.svelte';
import FindingsTable from './FindingsTable.svelte';
import ImageScanRow from './ImageScanRow.svelte';
import SeverityChart from './SeverityChart.svelte';
import { finding, report } from '../../lib/security/fixtures';
import type { ImageRow } from '../../lib/types';

const HOSTILE = '<img src=x onerror=alert(1)>';
const noop = () => {};
const image = { id: 'sha256:aaaa1111bbbb2222', tags: ['web:1.2'], containers: 0 } as unknown as ImageRow;
const row = (scan: object) => render(ImageScanRow, {
  props: { image, scan: scan as never, now: 1_700_003_600 + 7200, open: false, canScan: true, ontoggle: noop, onscan: noop, oncancel: noop },
}).body;

describe('the advisory database', () => {
  it('tells how to get one when there is none (the app does not download)', () => {
    const { body } = render(DbStatus, { props: { db: { present: false, path: '/data/advisories.db', sources: [], stale: false }, error: null, now: 0 } });
    expect(body).toContain('data-testid="db-empty"');
    expect(body).toContain('drydock db update');
    expect(body).toContain('drydock db import FILE');
  });
  it('shows sources with their ages and warns after a week', () => {
    const db = { present: true, path: '/d', sources: [{ name: 'osv-PyPI', records: 10, imported_at: 0, age: 0 }], stale: true };
    const fresh = render(DbStatus, { props: { db, error: null, now: 3 * 86400 } }).body;
    expect(fresh).toContain('3 days ago');
    expect(fresh).not.toContain('db-stale');
    expect(render(DbStatus, { props: { db, error: null, now: 8 * 86400 } }).body).toContain('data-testid="db-stale"');
  });
});

describe('an image row', () => {
  it('shows badges and when it was scanned', () => {
    const body = row({ name: 'done', report: report(image.id, [finding({ severity: 'critical' })]) });
    expect(body).toContain('data-testid="badge-critical"');
    expect(body).toContain('2 hours ago');
    expect(body).toContain('Scan again');
  });
  it('shows the export read so far and a way to cancel', () => {
    const body = row({ name: 'scanning', progress: { read: 50e6, total: 200e6 } });
    expect(body).toContain('50 MB of 200 MB');
    expect(body).toContain('aria-valuenow="25"');
    expect(body).toContain('data-testid="scan-cancel"');
  });
  it('shows a failure with the shell error', () => {
    const body = row({ name: 'failed', error: { code: 'invalid_input', message: 'no advisory database\n  fix: drydock db update' } });
    expect(body).toContain('data-testid="scan-error"');
    expect(body).toContain('fix: drydock db update');
  });
});

describe('the findings table', () => {
  it('shows each finding as text, with the fix in words and the step on its title', () => {
    const f = finding({ package: HOSTILE, summary: HOSTILE, step: `RUN /bin/sh -c echo ${'x'.repeat(80)}` });
    const { body } = render(FindingsTable, { props: { report: report(image.id, [f, finding({ layer: 0, base_image: true, fixed: null, status: 'affected', severity: 'low' })]) } });
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;img');
    expect(body).toContain('CVE-2024-0001\nGHSA-aaaa-bbbb-cccc');
    expect(body).toContain('rebuild on a newer base image: the base image brings it');
    expect(body).toContain('no fix yet');
    expect(body).toContain('…');
    expect(body).toContain('data-testid="severity-chart"');
    expect(body.match(/data-testid="finding-row"/g)).toHaveLength(2);
  });
  it('filters by severity and hides unfixed', () => {
    const r = report(image.id, [finding({ severity: 'critical' }), finding({ severity: 'low', fixed: null, status: 'affected' })]);
    const body = render(FindingsTable, { props: { report: r, filter: { atLeast: 'high', hideUnfixed: true } } }).body;
    expect(body.match(/data-testid="finding-row"/g)).toHaveLength(1);
  });
  it('says so when nothing was found', () => {
    expect(render(FindingsTable, { props: { report: report(image.id, []) } }).body).toContain('No known vulnerabilities in these 120 packages');
  });
});

describe('the severity chart', () => {
  it('draws one bar per severity with the counts as text', () => {
    const { body } = render(SeverityChart, { props: { counts: { critical: 3, high: 1, medium: 0, low: 0, none: 0, unknown: 2 } } });
    expect(body.match(/<rect/g)).toHaveLength(5);
    expect(body).toContain('>3</text>');
    expect(body).toContain('Critical');
  });
});
