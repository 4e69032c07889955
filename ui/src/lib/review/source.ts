// The annotated source: every line of the Dockerfile as reviewed, with what the instruction that
// starts on it wrote (a bar against the biggest layer), what later lines hide of it, and the
// findings on it. Pure: the review comes in, rows go out.

import { humanBytes } from '../format';
import type { Finding, ReviewInstruction, Reviewed, WalkStep } from '../types';

export type SourceRow = {
  /** 1-based line number. */
  n: number;
  text: string;
  /** The instruction that starts on this line, if one does. */
  instruction: ReviewInstruction | null;
  /** Width of its size bar, 0–100 (% of the biggest layer). */
  bar: number;
  /** Findings whose first line is this one. */
  findings: Finding[];
  /** The walkthrough step to jump to from this line's marker, if any. */
  step: string | null;
};

/** The biggest layer of the review (0 when none was measured). */
export function biggestLayer(instructions: ReviewInstruction[]): number {
  return instructions.reduce((max, i) => Math.max(max, i.layer_bytes ?? 0), 0);
}

/** A bar's width in % of `max`: nothing for an unmeasured or empty layer, else at least a sliver
 * so a small layer still shows it wrote something. */
export function barWidth(bytes: number | null, max: number): number {
  if (bytes === null || bytes <= 0 || max <= 0) return 0;
  return Math.max(1, Math.min(100, Math.round((bytes * 1000) / max) / 10));
}

/** `12 MB hidden later by line 7`: what a later line hides of this instruction's layer. */
export function hiddenNote(ins: ReviewInstruction): string | null {
  if (!ins.hidden_bytes) return null;
  const lines = [...new Set(ins.hidden_paths.map((p) => p.hidden_by_line).filter((l): l is number => l !== null))]
    .sort((a, b) => a - b);
  const by = lines.length === 0 ? '' : lines.length === 1 ? ` by line ${lines[0]}` : ` by lines ${lines.join(', ')}`;
  return `${humanBytes(ins.hidden_bytes)} hidden later${by}`;
}

/** Rows for every line of the source. A final newline makes no empty last row. */
export function sourceRows(reviewed: Reviewed): SourceRow[] {
  const text = reviewed.source.endsWith('\n') ? reviewed.source.slice(0, -1) : reviewed.source;
  const lines = text.length === 0 ? [] : text.split('\n');
  const starts = new Map(reviewed.instructions.map((i) => [i.line, i]));
  const findings = new Map<number, Finding[]>();
  for (const f of [...reviewed.instructions.flatMap((i) => i.findings), ...reviewed.other_findings]) {
    findings.set(f.line, [...(findings.get(f.line) ?? []), f]);
  }
  const max = biggestLayer(reviewed.instructions);
  return lines.map((line, i) => {
    const n = i + 1;
    const instruction = starts.get(n) ?? null;
    return {
      n,
      text: line.replace(/\r$/, ''),
      instruction,
      bar: instruction ? barWidth(instruction.layer_bytes, max) : 0,
      findings: findings.get(n) ?? [],
      step: stepAt(reviewed.walkthrough, n),
    };
  });
}

/** The first walkthrough step about line `n` (the walkthrough's order: most impact first). */
export function stepAt(steps: WalkStep[], n: number): string | null {
  return steps.find((s) => s.line === n)?.id ?? null;
}
