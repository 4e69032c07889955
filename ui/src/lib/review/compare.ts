// Rebuild and compare, as the view shows it: the build's steps as a list that keeps up with the
// builder, and before → after for each measure.

import { humanBytes } from '../format';
import type { BuildProgress, Comparison, StepState } from '../types';

export type BuildStep = { key: string; label: string; state: StepState; error: string | null };
/** What the view keeps of a build: its steps, and its last lines of output. */
export type BuildLog = { steps: BuildStep[]; lines: string[] };

/** Lines of build output kept: a chatty build must not grow the page without bound. */
export const LINES_KEPT = 200;

export function emptyLog(): BuildLog {
  return { steps: [], lines: [] };
}

/** `log` with one more piece of progress: a step's new state replaces its old one in place. */
export function record(log: BuildLog, p: BuildProgress): BuildLog {
  if (p.kind === 'log') {
    const lines = [...log.lines, ...p.text.split('\n').filter((l) => l.length > 0)];
    return { steps: log.steps, lines: lines.slice(-LINES_KEPT) };
  }
  const label = p.index !== null && p.of !== null ? `[${p.index}/${p.of}] ${p.name}` : p.name;
  const step: BuildStep = { key: p.name, label, state: p.state, error: p.error };
  const at = log.steps.findIndex((s) => s.key === p.name);
  const steps = at < 0 ? [...log.steps, step] : log.steps.map((s, i) => (i === at ? step : s));
  return { steps, lines: log.lines };
}

/** `-184 MB` / `+3 MB` / `±0 B`: a change in bytes. */
export function signedBytes(delta: number): string {
  if (delta === 0) return '±0 B';
  return `${delta < 0 ? '-' : '+'}${humanBytes(Math.abs(delta))}`;
}

function signed(delta: number): string {
  return delta === 0 ? '±0' : delta < 0 ? `${delta}` : `+${delta}`;
}

export type CompareRow = { label: string; before: string; after: string; change: string; better: boolean | null };

function row(label: string, before: number, after: number, show: (n: number) => string, change: (d: number) => string): CompareRow {
  const d = after - before;
  return { label, before: show(before), after: show(after), change: change(d), better: d === 0 ? null : d < 0 };
}

/** Before → after for every measure; fewer is better for all of them. */
export function compareRows(c: Comparison): CompareRow[] {
  const rows = [
    row('Size', c.before.bytes, c.after.bytes, humanBytes, signedBytes),
    row('Layers', c.before.layers, c.after.layers, String, signed),
    row('Hidden bytes', c.before.hidden_bytes, c.after.hidden_bytes, humanBytes, signedBytes),
    row('Findings', c.before.findings, c.after.findings, String, signed),
  ];
  const [vb, va] = [c.before.vulnerabilities, c.after.vulnerabilities];
  rows.push(vb === null || va === null
    ? { label: 'Vulnerabilities', before: vb === null ? 'not counted' : String(vb), after: va === null ? 'not counted' : String(va), change: '', better: null }
    : row('Vulnerabilities', vb, va, String, signed));
  return rows;
}

/** The trial images a comparison made: the fixed build, and the original's when it was built too. */
export function trialImages(c: Comparison): string[] {
  return c.before_trial_tag ? [c.trial_image, c.before.image] : [c.trial_image];
}
