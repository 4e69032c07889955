// The layer explorer's file tree: filters over the merged tree the shell sends, keeping the
// directories above each match so a filtered list still reads as a tree.
import type { TreeEntry } from '../types';

export interface TreeFilter {
  /** Only what this layer changed: paths it last wrote, files it wrote that were hidden, and files it hid. */
  layer: number | null;
  hiddenOnly: boolean;
  /** Case-insensitive substring of the path. */
  text: string;
}

export const noFilter: TreeFilter = { layer: null, hiddenOnly: false, text: '' };

export interface TreeRow {
  entry: TreeEntry;
  /** 0 for entries at the root. */
  depth: number;
  /** The last component of the path. */
  name: string;
  /** Shown only as the parent of a match. */
  context: boolean;
}

export function isFiltered(f: TreeFilter): boolean {
  return f.layer !== null || f.hiddenOnly || f.text.trim() !== '';
}

export function matches(e: TreeEntry, f: TreeFilter): boolean {
  if (f.hiddenOnly && !e.hidden) return false;
  if (f.layer !== null && e.layer !== f.layer && e.hidden?.layer !== f.layer) return false;
  const text = f.text.trim().toLowerCase();
  return text === '' || e.path.toLowerCase().includes(text);
}

function row(entry: TreeEntry, context: boolean): TreeRow {
  const parts = entry.path.split('/');
  return { entry, depth: Math.max(0, parts.length - 2), name: parts[parts.length - 1] || '/', context };
}

/**
 * The rows to draw, in tree order. Entries arrive parents first (the shell sorts them), so the
 * directories above the current entry are a stack: each match brings along the ones not yet shown.
 */
export function treeRows(entries: TreeEntry[], f: TreeFilter): TreeRow[] {
  if (!isFiltered(f)) return entries.map((e) => row(e, false));
  const out: TreeRow[] = [];
  const above: { entry: TreeEntry; shown: boolean }[] = [];
  for (const entry of entries) {
    while (above.length > 0 && !entry.path.startsWith(above[above.length - 1].entry.path + '/')) above.pop();
    const hit = matches(entry, f);
    if (hit) {
      for (const dir of above) {
        if (!dir.shown) {
          out.push(row(dir.entry, true));
          dir.shown = true;
        }
      }
    }
    if (entry.kind === 'dir' && !entry.hidden) above.push({ entry, shown: hit });
    if (hit) out.push(row(entry, false));
  }
  return out;
}

/** Width of a layer's bar and of its hidden part, as percentages of the largest layer. */
export function layerBar(size: number, hidden: number, largest: number): { size: number; hidden: number } {
  if (largest <= 0) return { size: 0, hidden: 0 };
  const width = (100 * size) / largest;
  return { size: width, hidden: size > 0 ? (width * Math.min(hidden, size)) / size : 0 };
}

/** Export progress as a fraction; the export is slightly larger than the image (tar headers). */
export function progressFraction(read: number, total: number): number {
  return total > 0 ? Math.min(1, read / total) : 0;
}

/**
 * A build step as it was written: `/bin/sh -c #(nop) ENV A=b` → `ENV A=b`, `/bin/sh -c rm x` and
 * BuildKit's `RUN /bin/sh -c rm x # buildkit` → `RUN rm x`.
 */
export function stepText(createdBy: string): string {
  const step = createdBy.replace(/ # buildkit$/, '');
  const nop = step.match(/^\/bin\/sh -c #\(nop\)\s*(.*)$/s);
  if (nop) return nop[1];
  const run = step.match(/^(?:RUN )?\/bin\/sh -c\s+(.*)$/s);
  return run ? `RUN ${run[1]}` : step;
}
