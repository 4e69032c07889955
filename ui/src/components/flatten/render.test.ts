import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import FlattenDialog from './FlattenDialog.svelte';
import { FlattenFlow } from '../../lib/flatten/flatten.svelte';
import { flattened, plan } from '../../lib/flatten/fixtures';
import type { Flattened, FlattenPlan } from '../../lib/types';

const HOSTILE = '<img src=x onerror=alert(1)>';
const noop = () => {};

function flow(stage: FlattenFlow['stage'], p: FlattenPlan | null, result: Flattened | null = null): FlattenFlow {
  const f = new FlattenFlow();
  f.stage = stage;
  f.plan = p;
  f.tag = p?.new_tag ?? '';
  f.result = result;
  return f;
}
const body = (f: FlattenFlow) => render(FlattenDialog, { props: { flow: f, onclose: noop } }).body;

describe('the flatten dialog', () => {
  it('shows the plan: saving, flat size, what stops being shared and with whom, the history, the tag', () => {
    const b = body(flow('planned', plan()));
    expect(b).toContain('data-testid="flatten-saving"');
    expect(b).toContain('12 MB');
    expect(b).toContain('38 MB');
    expect(b).toContain('30 MB');
    expect(b).toContain('api:2');
    expect(b).toContain('3 build steps');
    expect(b).toContain('RUN apt-get update');
    expect(b).toContain('value="web:1-flat"');
    expect(b).toContain('data-testid="flatten-confirm"');
  });
  it('shows a refusal with its reason and no Confirm', () => {
    const b = body(flow('planned', plan({ refusal: 'a Windows image: its layers cannot be re-made here' })));
    expect(b).toContain('data-testid="flatten-refusal"');
    expect(b).toContain('Windows');
    expect(b).not.toContain('data-testid="flatten-confirm"');
  });
  it('shows the result: measured next to predicted, engine sizes, the same filesystem with both digests', () => {
    const b = body(flow('done', plan(), flattened({ measured_bytes: 38_000_000 })));
    expect(b).toContain('as predicted');
    expect(b).toContain('52 MB');
    expect(b).toContain('39 MB');
    expect(b).toContain('Same filesystem');
    expect(b).toContain('sha256:0123456789ab');
  });
  it('warns clearly when the filesystems differ', () => {
    const b = body(flow('done', plan(), flattened({ same_tree: false, flattened_digest: 'sha256:ffff' })));
    expect(b).toContain('The filesystems differ');
    expect(b).not.toContain('✓');
  });
  it('renders image text as text', () => {
    const p = plan({ image: HOSTILE, new_tag: HOSTILE, sharing_images: [HOSTILE], history_lost: [HOSTILE] });
    const b = body(flow('planned', p)) + body(flow('done', p, flattened({ plan: p, new_tag: HOSTILE })));
    expect(b).not.toContain('<img');
    expect(b).toContain('&lt;img');
  });
});
