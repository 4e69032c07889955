import { describe, expect, it } from 'vitest';
import { compareRows, emptyLog, LINES_KEPT, record, signedBytes, trialImages } from './compare';
import type { Comparison, Measure } from '../types';

function measure(image: string, bytes: number, extra: Partial<Measure> = {}): Measure {
  return { image, tags: [], bytes, layers: 4, hidden_bytes: 3_000_000, findings: 3, vulnerabilities: null, ...extra };
}
function comparison(extra: Partial<Comparison> = {}): Comparison {
  return {
    before: measure('sha256:before', 300_000_000), after: measure('sha256:after', 116_000_000, { layers: 3, hidden_bytes: 0, findings: 1 }),
    trial_tag: 'drydock-trial/p:1', trial_image: 'sha256:after', before_trial_tag: null,
    saved_bytes: 184_000_000, saved_percent: 61.3, summary: '-184 MB, -61%', runs: null, ...extra,
  };
}

describe('the build log', () => {
  it('lists each step once, at its latest state', () => {
    let log = emptyLog();
    log = record(log, { kind: 'step', index: 1, of: 2, name: 'FROM base', state: 'started', error: null });
    log = record(log, { kind: 'step', index: 2, of: 2, name: 'RUN make', state: 'started', error: null });
    log = record(log, { kind: 'step', index: 1, of: 2, name: 'FROM base', state: 'done', error: null });
    log = record(log, { kind: 'step', index: null, of: null, name: '[internal] load .dockerignore', state: 'cached', error: null });
    expect(log.steps.map((s) => [s.label, s.state])).toEqual([
      ['[1/2] FROM base', 'done'], ['[2/2] RUN make', 'started'], ['[internal] load .dockerignore', 'cached'],
    ]);
  });
  it('keeps only the last lines of output', () => {
    let log = emptyLog();
    for (let i = 0; i < LINES_KEPT + 5; i += 1) log = record(log, { kind: 'log', text: `line ${i}\n` });
    expect(log.lines.length).toBe(LINES_KEPT);
    expect(log.lines[LINES_KEPT - 1]).toBe(`line ${LINES_KEPT + 4}`);
  });
});

describe('before and after', () => {
  it('put every measure side by side with its change, smaller being better', () => {
    const rows = compareRows(comparison());
    expect(rows.map((r) => [r.label, r.before, r.after, r.change, r.better])).toEqual([
      ['Size', '300 MB', '116 MB', '-184 MB', true],
      ['Layers', '4', '3', '-1', true],
      ['Hidden bytes', '3 MB', '0 B', '-3 MB', true],
      ['Findings', '3', '1', '-2', true],
      ['Vulnerabilities', 'not counted', 'not counted', '', null],
    ]);
  });
  it('say when a fix made things bigger, and when nothing changed', () => {
    const rows = compareRows(comparison({ after: measure('sha256:after', 303_000_000, { vulnerabilities: 2 }), before: measure('b', 300_000_000, { vulnerabilities: 2 }) }));
    expect(rows[0]).toMatchObject({ change: '+3 MB', better: false });
    expect(rows[1]).toMatchObject({ change: '±0', better: null });
    expect(rows[4]).toMatchObject({ before: '2', after: '2', change: '±0' });
  });
  it('sign bytes', () => {
    expect(signedBytes(-184_000_000)).toBe('-184 MB');
    expect(signedBytes(3000)).toBe('+3 kB');
    expect(signedBytes(0)).toBe('±0 B');
  });
  it('name the trial images to remove: the original too when it was built for the comparison', () => {
    expect(trialImages(comparison())).toEqual(['sha256:after']);
    expect(trialImages(comparison({ before_trial_tag: 'drydock-trial/p:1-before' }))).toEqual(['sha256:after', 'sha256:before']);
  });
});
