// Rule documentation is Markdown written by Drydock (four `##` sections with ```dockerfile
// examples). It is shown as text blocks, never as HTML: the view renders each block's text.

export type DocBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'para'; text: string }
  | { kind: 'code'; text: string };

export function docBlocks(markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  let para: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    if (para.length) blocks.push({ kind: 'para', text: para.join(' ') });
    para = [];
  };
  for (const line of markdown.split('\n')) {
    if (code !== null) {
      if (line.trim().startsWith('```')) {
        blocks.push({ kind: 'code', text: code.join('\n') });
        code = null;
      } else {
        code.push(line);
      }
    } else if (line.trim().startsWith('```')) {
      flush();
      code = [];
    } else if (line.startsWith('#')) {
      flush();
      blocks.push({ kind: 'heading', text: line.replace(/^#+\s*/, '') });
    } else if (line.trim() === '') {
      flush();
    } else {
      para.push(line.trim());
    }
  }
  flush();
  if (code !== null) blocks.push({ kind: 'code', text: code.join('\n') });
  return blocks;
}

export interface LevelCounts { error: number; warning: number; info: number; style: number }

export function countLevels(findings: { level: keyof LevelCounts }[]): LevelCounts {
  const counts: LevelCounts = { error: 0, warning: 0, info: 0, style: 0 };
  for (const f of findings) if (f.level in counts) counts[f.level] += 1;
  return counts;
}

/** "2 errors, 1 warning" — levels with no findings are left out; "no findings" when clean. */
export function describeCounts(c: LevelCounts): string {
  const parts = (Object.entries(c) as [string, number][])
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}${n === 1 ? '' : level === 'info' || level === 'style' ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** Splits `text` at backquotes: odd pieces are inline code. Rendered as text elements. */
export function inlineCode(text: string): { code: boolean; text: string }[] {
  return text
    .split('`')
    .map((piece, i) => ({ code: i % 2 === 1, text: piece }))
    .filter((p) => p.text !== '');
}
