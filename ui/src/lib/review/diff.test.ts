import { describe, expect, it } from 'vitest';
import { diffLines } from './diff';

describe('diff lines', () => {
  it('colour headers, hunks, additions, removals and context', () => {
    const kinds = diffLines('--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,2 @@\n FROM x\n-RUN a\n-RUN rm a\n+RUN a && rm a\n')
      .map((l) => l.kind);
    expect(kinds).toEqual(['file', 'file', 'hunk', 'context', 'del', 'del', 'add']);
  });
  it('take a removed line that starts with dashes for a removal, not a header', () => {
    const lines = diffLines('--- a/x\n+++ b/x\n@@ -1 +1 @@\n---- old\n++++ new\n');
    expect(lines.map((l) => l.kind)).toEqual(['file', 'file', 'hunk', 'del', 'add']);
    expect(lines[3].text).toBe('---- old');
  });
  it('read several files one after the other', () => {
    const kinds = diffLines('--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1 +1 @@\n-a\n+b\n--- a/.dockerignore\n+++ b/.dockerignore\n@@ -0,0 +1,1 @@\n+.git\n')
      .map((l) => l.kind);
    expect(kinds).toEqual(['file', 'file', 'hunk', 'del', 'add', 'file', 'file', 'hunk', 'add']);
  });
  it('keep a no-newline marker inside its hunk', () => {
    const kinds = diffLines('@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n').map((l) => l.kind);
    expect(kinds).toEqual(['hunk', 'del', 'context', 'add']);
  });
  it('of nothing are none', () => {
    expect(diffLines('')).toEqual([]);
  });
});
