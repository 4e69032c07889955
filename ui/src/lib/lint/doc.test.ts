import { describe, expect, it } from 'vitest';
import { countLevels, describeCounts, docBlocks } from './doc';

describe('docBlocks', () => {
  it('splits headings, paragraphs and code', () => {
    const md = '## What it does\nFlags a thing\nacross lines.\n\n## Example\n```dockerfile\nFROM x:latest\n```';
    expect(docBlocks(md)).toEqual([
      { kind: 'heading', text: 'What it does' },
      { kind: 'para', text: 'Flags a thing across lines.' },
      { kind: 'heading', text: 'Example' },
      { kind: 'code', text: 'FROM x:latest' },
    ]);
  });

  it('keeps markup as text and closes an unterminated fence', () => {
    expect(docBlocks('<img src=x onerror=alert(1)>\n```\nRUN x')).toEqual([
      { kind: 'para', text: '<img src=x onerror=alert(1)>' },
      { kind: 'code', text: 'RUN x' },
    ]);
  });
});

describe('counts', () => {
  it('describes only the levels present', () => {
    const c = countLevels([{ level: 'error' }, { level: 'warning' }, { level: 'warning' }, { level: 'info' }]);
    expect(describeCounts(c)).toBe('1 error, 2 warnings, 1 info');
    expect(describeCounts(countLevels([]))).toBe('no findings');
  });
});

import { inlineCode } from './doc';

describe('inlineCode', () => {
  it('marks backquoted pieces as code', () => {
    expect(inlineCode('use `COPY --chmod` here')).toEqual([
      { code: false, text: 'use ' }, { code: true, text: 'COPY --chmod' }, { code: false, text: ' here' },
    ]);
    expect(inlineCode('odd ` quote')).toEqual([{ code: false, text: 'odd ' }, { code: true, text: ' quote' }]);
  });
});
