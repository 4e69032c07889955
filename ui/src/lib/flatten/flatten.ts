// How a flatten reads: its progress in words, the digests short, whether the flat image has
// the same filesystem, and what is wrong with a tag before the shell is asked.

import { humanBytes } from '../format';
import { progressFraction } from '../layers/tree';
import type { Flattened, FlattenProgress } from '../types';

/** The stage in words, with the bytes read so far where there are some. */
export function progressText(p: FlattenProgress | null): string {
  if (!p) return 'Starting…';
  const of = (read: number, total: number) => (total > 0 ? `: ${humanBytes(read)} of about ${humanBytes(total)}` : '');
  switch (p.stage) {
    case 'reading': return `Reading the image${of(p.read, p.total)}`;
    case 'loading': return 'Handing the flat image to the engine…';
    case 'verifying': return `Reading the flat image back to check it${of(p.read, p.total)}`;
  }
}

/** How far, from 0 to 1; null while there is no measure (an indeterminate bar). */
export function progressValue(p: FlattenProgress | null): number | null {
  if (!p || p.stage === 'loading' || p.total <= 0) return null;
  return progressFraction(p.read, p.total);
}

/** `sha256:0123…` → `sha256:0123456789ab`: enough to compare by eye. */
export function shortDigest(digest: string): string {
  const [algo, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  const short = hex.slice(0, 12);
  return algo ? `${algo}:${short}` : short;
}

/** Whether the flat image is proved the same, as the result says it. */
export function sameTree(r: Pick<Flattened, 'same_tree' | 'original_digest' | 'flattened_digest'>): { ok: boolean; text: string } {
  return r.same_tree && r.original_digest === r.flattened_digest
    ? { ok: true, text: 'Same filesystem' }
    : { ok: false, text: 'The filesystems differ: keep the original, and do not use the flat image in its place' };
}

/** `+1.2 MB` or `-3 MB`: measured against predicted. */
export function delta(measured: number, predicted: number): string {
  const d = measured - predicted;
  if (d === 0) return 'as predicted';
  return `${d > 0 ? '+' : '-'}${humanBytes(Math.abs(d))} against the prediction`;
}

/** Why a tag cannot be used, or null. The engine has the last word (and refuses one in use). */
export function tagProblem(tag: string): string | null {
  const t = tag.trim();
  if (!t) return 'The flat image needs a tag, such as name:flat.';
  if (/\s/.test(t)) return 'A tag has no spaces.';
  if (/[A-Z]/.test(t.split(':')[0] ?? '')) return 'An image name is lowercase.';
  if (t.length > 255) return 'A tag is at most 255 characters.';
  return null;
}
