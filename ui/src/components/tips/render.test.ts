import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import TipCard from './TipCard.svelte';
import { tip } from '../../lib/tips/fixtures';

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('a tip card', () => {
  it('shows the bytes, where, why and the fix with a Copy button', () => {
    const { body } = render(TipCard, { props: { tip: tip({ more_paths: 12 }) } });
    expect(body).toContain('12.3 MB');
    expect(body).not.toContain('up to');
    expect(body).toContain('layer 1 · RUN apt-get update &amp;&amp; apt-get install -y curl');
    expect(body).toContain('/var/lib/apt/lists');
    expect(body).toContain('and 12 more');
    expect(body).toContain('data-testid="tip-fix"');
    expect(body).toContain('data-testid="tip-copy"');
  });
  it('says an upper bound and what it rests on', () => {
    const { body } = render(TipCard, { props: { tip: tip({ exact: false, estimate: 'the JDK minus a JRE of the same version' }) } });
    expect(body).toContain('up to 12.3 MB');
    expect(body).toContain('An upper bound: the JDK minus a JRE of the same version');
  });
  it('renders text from the image as text', () => {
    const hostile = tip({
      title: HOSTILE, why: HOSTILE, fix: HOSTILE, step: HOSTILE,
      paths: [{ path: `/${HOSTILE}`, bytes: 1, layer: 0 }],
    });
    const { body } = render(TipCard, { props: { tip: hostile } });
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;img');
  });
  it('shows no bytes for a tip that saves none', () => {
    const { body } = render(TipCard, { props: { tip: tip({ kind: 'runs_as_root', bytes: 0, paths: [], layer: null, step: null }) } });
    expect(body).not.toContain('data-testid="tip-bytes"');
    expect(body).toContain('Runs as root');
  });
});
