import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import AnnotatedSource from './AnnotatedSource.svelte';
import ContextPanel from './ContextPanel.svelte';
import DiffView from './DiffView.svelte';
import { reviewed } from '../../lib/review/fixtures';
import type { ContextReport } from '../../lib/types';

const noop = () => {};
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('AnnotatedSource', () => {
  it('shows every line as text, with the biggest layer full width and what a later line hides', () => {
    const r = reviewed({ source: `FROM base:1\nRUN head -c 3000000 /dev/zero > /big\nRUN rm /big\nCMD echo '${HOSTILE}'\n` });
    const { body } = render(AnnotatedSource, { props: { reviewed: r, onjump: noop } });
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;img');
    expect(body).toContain('width: 100%');
    expect(body).toContain('3 MB hidden later by line 3');
    expect(body).not.toContain('data-testid="review-unmeasured"');
  });
  it('says to build the Dockerfile when no image was matched', () => {
    const r = reviewed({ image: null, instructions: reviewed().instructions.map((i) => ({ ...i, layer_bytes: null })) });
    const { body } = render(AnnotatedSource, { props: { reviewed: r, onjump: noop } });
    expect(body).toContain('Build this Dockerfile to see what each line costs');
    expect(body).not.toContain('data-testid="layer-bar"');
  });
});

describe('ContextPanel', () => {
  const context: ContextReport = {
    bytes: 5_000_000, files: 12, ignore_file: null, ignore_errors: [], biggest_dirs: [['.git', 4_000_000], ['src', 1_000_000]],
    unused_bytes: 4_000_000, biggest_unused: [['.git', 4_000_000]], should_not_send: [{ path: '.git', bytes: 4_000_000, why: 'history' }],
    secrets: [{ path: `.env${HOSTILE}`, bytes: 10, why: 'holds a key' }], proposed_dockerignore: ['.git'], proposed_saves_bytes: 4_000_000,
    truncated: false, unreadable: [],
  };
  it('flags secrets loudly and keeps paths as text', () => {
    const { body } = render(ContextPanel, { props: { context } });
    expect(body).toContain('data-testid="context-secrets"');
    expect(body).toContain('Secrets in the context');
    expect(body).not.toContain('<img');
    expect(body).toContain('no ignore file');
  });
});

describe('DiffView', () => {
  it('colours each line by what it does, as text', () => {
    const { body } = render(DiffView, { props: { diff: `--- a/D\n+++ b/D\n@@ -1 +1 @@\n-RUN a\n+RUN '${HOSTILE}'\n` } });
    expect(body).toContain('class="l del');
    expect(body).toContain('class="l add');
    expect(body).not.toContain('<img');
  });
});
