// The walkthrough's steps as the view offers them: which can be applied, which are chosen, and
// how each one's stake is put in words.

import { humanBytes } from '../format';
import type { Impact, WalkStep } from '../types';

/** A step can be chosen when its fix is mechanical (it carries a diff). */
export function fixable(step: WalkStep): boolean {
  return step.diff !== null;
}

/** `chosen` with `id` added or taken out; unknown or unfixable ids are never chosen. */
export function toggle(steps: WalkStep[], chosen: string[], id: string): string[] {
  if (chosen.includes(id)) return chosen.filter((c) => c !== id);
  const step = steps.find((s) => s.id === id);
  return step && fixable(step) ? [...chosen, id] : chosen;
}

/** The chosen ids in the walkthrough's order (the order fixes are applied in and shown). */
export function inOrder(steps: WalkStep[], chosen: string[]): string[] {
  return steps.filter((s) => chosen.includes(s.id) && fixable(s)).map((s) => s.id);
}

/** The chosen ids whose fix changes the Dockerfile itself (what a trial rebuild builds); the
 * ignore file's step changes another file. */
export function dockerfileFixes(steps: WalkStep[], chosen: string[], dockerfile: string): string[] {
  const changes = new Set(steps.filter((s) => s.file === dockerfile).map((s) => s.id));
  return inOrder(steps, chosen).filter((id) => changes.has(id));
}

/** Every fixable step, or none when they are all chosen already. */
export function chooseAll(steps: WalkStep[], chosen: string[]): string[] {
  const all = steps.filter(fixable).map((s) => s.id);
  return all.every((id) => chosen.includes(id)) ? [] : all;
}

export function applyLabel(count: number): string {
  if (count === 0) return 'Apply fixes…';
  return count === 1 ? 'Apply 1 fix…' : `Apply ${count} fixes…`;
}

/** `saves ~12 MB` when the fix's saving is known, else `12 MB at stake`, else nothing. */
export function stake(step: WalkStep): string | null {
  if (step.saves_bytes !== null && step.saves_bytes > 0) return `saves ~${humanBytes(step.saves_bytes)}`;
  if (step.at_stake_bytes !== null && step.at_stake_bytes > 0) return `${humanBytes(step.at_stake_bytes)} at stake`;
  return null;
}

const IMPACT: Record<Impact, string> = {
  image: 'Image size',
  context: 'Build context',
  cache: 'Build cache',
  security: 'Security',
  other: 'Other',
};

export function impactLabel(impact: Impact): string {
  return IMPACT[impact];
}

/** The file name of a path, for short labels (`/p/Dockerfile` → `Dockerfile`). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? path;
}
