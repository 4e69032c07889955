// A unified diff as lines to colour. The hunk headers' counts say which lines belong to a hunk,
// so a removed line that itself starts with `--` is never taken for a file header.

export type DiffKind = 'file' | 'hunk' | 'add' | 'del' | 'context';
export type DiffLine = { text: string; kind: DiffKind };

const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

export function diffLines(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
  for (const text of diff.length === 0 ? [] : lines) {
    if (oldLeft > 0 || newLeft > 0) {
      const kind: DiffKind = text.startsWith('+') ? 'add' : text.startsWith('-') ? 'del' : 'context';
      if (kind !== 'add') oldLeft -= 1;
      if (kind !== 'del') newLeft -= 1;
      // `\ No newline at end of file` belongs to the line before it and counts for neither side.
      if (text.startsWith('\\')) { oldLeft += 1; newLeft += 1; }
      out.push({ text, kind });
      continue;
    }
    const hunk = HUNK.exec(text);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      out.push({ text, kind: 'hunk' });
    } else if (text.startsWith('\\')) {
      out.push({ text, kind: 'context' });
    } else {
      out.push({ text, kind: text.startsWith('---') || text.startsWith('+++') ? 'file' : 'context' });
    }
  }
  return out;
}
