import type { ImageRow } from '../types';

export type SortKey = 'name' | 'id' | 'created' | 'size' | 'shared_size' | 'unique_size' | 'containers';
export type StateFilter = 'all' | 'dangling' | 'unused' | 'in-use';

export interface ImageQuery {
  text: string;
  state: StateFilter;
  sort: SortKey;
  descending: boolean;
}

export const defaultQuery: ImageQuery = { text: '', state: 'all', sort: 'unique_size', descending: true };

/** The images view's query, kept for the session so leaving the view and coming back keeps it. */
export const savedQuery: ImageQuery = { ...defaultQuery };

/** The name shown for an image: its first tag, or `<dangling>`. */
export function imageName(row: ImageRow): string {
  return row.tags[0] ?? '<dangling>';
}

function matchesState(row: ImageRow, state: StateFilter): boolean {
  switch (state) {
    case 'dangling': return row.dangling;
    case 'unused': return row.containers === 0;
    case 'in-use': return row.containers > 0;
    default: return true;
  }
}

function matchesText(row: ImageRow, text: string): boolean {
  if (!text) return true;
  const needle = text.toLowerCase();
  return row.tags.some((t) => t.toLowerCase().includes(needle)) || row.id.toLowerCase().includes(needle.replace(/^sha256:/, ''));
}

function compare(a: ImageRow, b: ImageRow, key: SortKey): number {
  switch (key) {
    case 'name': return imageName(a).localeCompare(imageName(b));
    case 'id': return a.id.localeCompare(b.id);
    case 'created': return a.created.localeCompare(b.created);
    default: return (a[key] as number) - (b[key] as number);
  }
}

/** Filters and sorts; ties fall back to the id so the order is stable. */
export function queryImages(rows: ImageRow[], q: ImageQuery): ImageRow[] {
  const out = rows.filter((r) => matchesState(r, q.state) && matchesText(r, q.text.trim()));
  const sign = q.descending ? -1 : 1;
  out.sort((a, b) => sign * compare(a, b, q.sort) || a.id.localeCompare(b.id));
  return out;
}

/** Clicking a column: the same column flips direction; a new one starts descending for
 * numbers and ascending for text. */
export function nextSort(q: ImageQuery, key: SortKey): ImageQuery {
  if (q.sort === key) return { ...q, descending: !q.descending };
  return { ...q, sort: key, descending: !(key === 'name' || key === 'id') };
}

/** Which rows a virtualised list draws: the visible ones plus a margin. */
export function visibleWindow(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last, offset: first * rowHeight, height: total * rowHeight };
}
