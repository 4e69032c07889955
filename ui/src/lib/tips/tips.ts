// How a tip reads: its bytes ("12.3 MB", or "up to 12.3 MB" for an upper bound), where it is
// (layer and build step, the biggest paths), and how far the background reading has come.

import { humanBytes, shortId } from '../format';
import { stepText } from '../layers/tree';
import type { ImageRow, ImageTip, Tip, TipKind, TipsOverview } from '../types';

export const KIND_LABEL: Record<TipKind, string> = {
  package_cache: 'Package cache',
  build_tools: 'Build tools',
  hidden_bytes: 'Hidden bytes',
  duplicate_files: 'Duplicated files',
  build_leftovers: 'Build leftovers',
  base_image: 'Base image',
  runs_as_root: 'Runs as root',
  secret_in_file: 'Secret in a file',
  secret_in_config: 'Secret in the config',
};

/** `12.3 MB` when measured, `up to 12.3 MB` for an upper bound; nothing for a tip that saves no
 * bytes (root, secrets). */
export function tipBytes(tip: Pick<Tip, 'bytes' | 'exact'>): string {
  if (tip.bytes <= 0) return '';
  return tip.exact ? humanBytes(tip.bytes) : `up to ${humanBytes(tip.bytes)}`;
}

/** `layer 3 · RUN apt-get install gcc`, or the part of it the tip knows; empty for neither. */
export function tipWhere(tip: Pick<Tip, 'layer' | 'step'>): string {
  const parts: string[] = [];
  if (tip.layer !== null) parts.push(`layer ${tip.layer}`);
  if (tip.step) parts.push(stepText(tip.step));
  return parts.join(' · ');
}

/** `and 12 more` under the listed paths; empty when every path is listed. */
export function morePaths(tip: Pick<Tip, 'more_paths'>): string {
  return tip.more_paths > 0 ? `and ${tip.more_paths.toLocaleString('en-US')} more` : '';
}

/** The overview's line while the worker reads: `3 of 7 images read`; null once it is done. */
export function readingLine(o: TipsOverview): string | null {
  const all = o.done + o.failed + o.pending;
  if (o.pending === 0 && !o.computing) return null;
  return `${o.done} of ${all} ${all === 1 ? 'image' : 'images'} read`;
}

/** What the panel says when it lists no tip. */
export function emptyLine(o: TipsOverview): string {
  if (o.done + o.failed + o.pending === 0) return 'No images to read yet.';
  if (o.pending > 0 || o.computing) return 'Reading your images for what they could lose…';
  return 'Nothing to lose: no image read so far ships caches, leftovers or hidden bytes.';
}

/** The image row the detail opens with, from an overview entry (the detail reads the rest). */
export function tipImageRow(t: Pick<ImageTip, 'id' | 'tags'>): ImageRow {
  return {
    id: t.id, tags: t.tags, digests: [], created: '', size: -1, shared_size: -1, unique_size: -1,
    containers: 0, dangling: t.tags.length === 0,
  };
}

/** The image's name for the panel: its tag, or its short id. */
export function tipImageName(t: Pick<ImageTip, 'image' | 'id' | 'tags'>): string {
  return t.tags[0] ?? (t.image || shortId(t.id));
}
