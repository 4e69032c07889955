import { describe, expect, it } from 'vitest';
import { layerBar, matches, noFilter, progressFraction, stepText, treeRows } from './tree';
import { visibleWindow } from '../images/table';
import type { TreeEntry } from '../types';

const e = (path: string, kind: TreeEntry['kind'], layer: number | null, hidden?: [number, 'removed' | 'overwritten' | 'opaque']): TreeEntry => ({
  path, kind, size: kind === 'file' ? 10 : 0, layer, hidden: hidden ? { layer: hidden[0], how: hidden[1] } : null,
});

// As the shell sends them: parents first, a hidden copy after the visible one at its path.
const tree = [
  e('/app', 'dir', 0),
  e('/app/a', 'file', 2),
  e('/app/a', 'file', 0, [2, 'overwritten']),
  e('/app/lib', 'dir', null),
  e('/app/lib/b', 'file', 1),
  e('/etc', 'dir', 0),
  e('/etc/x', 'file', 0),
  e('/tmp/blob', 'file', 1, [3, 'removed']),
];

describe('treeRows', () => {
  it('lists everything with depths and names when nothing is filtered', () => {
    const rows = treeRows(tree, noFilter);
    expect(rows.map((r) => [r.name, r.depth])).toEqual([
      ['app', 0], ['a', 1], ['a', 1], ['lib', 1], ['b', 2], ['etc', 0], ['x', 1], ['blob', 1],
    ]);
    expect(rows.every((r) => !r.context)).toBe(true);
  });

  it('keeps the directories above each hidden file, once', () => {
    const rows = treeRows(tree, { ...noFilter, hiddenOnly: true });
    expect(rows.map((r) => [r.entry.path, r.context])).toEqual([
      ['/app', true], ['/app/a', false], ['/tmp/blob', false],
    ]);
  });

  it('filters by the layer that wrote, or hid, a path', () => {
    const paths = (layer: number) => treeRows(tree, { ...noFilter, layer }).filter((r) => !r.context).map((r) => r.entry.path);
    expect(paths(2)).toEqual(['/app/a', '/app/a']);
    expect(paths(1)).toEqual(['/app/lib/b', '/tmp/blob']);
    expect(treeRows(tree, { ...noFilter, layer: 1 })[0]).toMatchObject({ context: true, name: 'app' });
  });

  it('filters by path text without regard to case, and combines filters', () => {
    expect(treeRows(tree, { ...noFilter, text: ' ETC/ ' }).map((r) => r.entry.path)).toEqual(['/etc', '/etc/x']);
    expect(treeRows(tree, { layer: 0, hiddenOnly: true, text: '' }).map((r) => r.entry.path)).toEqual(['/app', '/app/a']);
    expect(matches(tree[6], { layer: 3, hiddenOnly: false, text: '' })).toBe(false);
  });

  it('filters 100,000 entries and draws only a window of them', () => {
    const many: TreeEntry[] = [e('/d', 'dir', 0)];
    for (let i = 0; i < 100_000; i++) many.push(e(`/d/f${i}`, 'file', i % 3, i % 10 === 0 ? [3, 'removed'] : undefined));
    const rows = treeRows(many, { ...noFilter, hiddenOnly: true });
    expect(rows).toHaveLength(10_001);
    const win = visibleWindow(22 * 50_000, 440, 22, rows.length);
    expect(win.last - win.first).toBeLessThan(40);
    expect(win.height).toBe(22 * rows.length);
  });
});

describe('layer bars and progress', () => {
  it('scales bars to the largest layer and the hidden part within its layer', () => {
    expect(layerBar(50, 25, 100)).toEqual({ size: 50, hidden: 25 });
    expect(layerBar(0, 0, 100)).toEqual({ size: 0, hidden: 0 });
    expect(layerBar(10, 10, 0)).toEqual({ size: 0, hidden: 0 });
  });
  it('never shows more than all of it', () => {
    expect(progressFraction(110, 100)).toBe(1);
    expect(progressFraction(5, 0)).toBe(0);
  });
  it('shows build steps as they were written', () => {
    expect(stepText('/bin/sh -c #(nop)  ENV A=b')).toBe('ENV A=b');
    expect(stepText('/bin/sh -c rm /blob')).toBe('RUN rm /blob');
    expect(stepText('RUN /bin/sh -c rm /blob # buildkit')).toBe('RUN rm /blob');
    expect(stepText('COPY . /app # buildkit')).toBe('COPY . /app');
    expect(stepText('')).toBe('');
  });
});
