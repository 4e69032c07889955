import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import ConfirmPrune from './ConfirmPrune.svelte';
import PlanList from './PlanList.svelte';
import RunResult from './RunResult.svelte';
import Progress from './Progress.svelte';
import type { PlanItem, PlanReport, RunReport } from '../../lib/types';

const evil = '<img src=x onerror="alert(1)">';
const items: PlanItem[] = [
  { kind: 'image', id: 'sha256:aaa', name: evil, bytes: 1_000_000, reason: 'dangling <b>bold</b>' },
  { kind: 'container', id: 'c1', name: 'old-web', bytes: 200, reason: 'exited 3 days ago' },
];
const plan: PlanReport = { plan_id: 'p1', planned_at: 1, items, predicted_reclaim: 1_000_200, kept: [{ id: 'sha256:bbb', reason: 'used by <web>' }], gc: null };
const noop = () => {};

describe('cleanup components render text only', () => {
  it('lists every plan item and what stays, escaping names and reasons', () => {
    const { body } = render(PlanList, { props: { plan } });
    expect(body.match(/data-testid="plan-item"/g)).toHaveLength(2);
    expect(body).toContain('1 stopped container');
    expect(body).toContain('Staying (1)');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<b>');
    expect(body).toContain('&lt;img');
  });
  it('says when the plan is empty', () => {
    const { body } = render(PlanList, { props: { plan: { ...plan, items: [], kept: [] } } });
    expect(body).toContain('Nothing to remove for this selection.');
    expect(body).not.toContain('plan-item');
  });
  it('repeats exact bytes, counts and the quarantine choice in the dialog', () => {
    const { body } = render(ConfirmPrune, { props: { plan, quarantine: true, onaccept: noop, oncancel: noop } });
    expect(body).toContain('role="dialog"');
    expect(body).toContain('aria-modal="true"');
    expect(body).toContain('1,000,200 bytes');
    expect(body).toContain('1 image');
    expect(body).toContain('saved to the quarantine first');
    expect(body).toContain('data-testid="confirm-accept"');
    const plain = render(ConfirmPrune, { props: { plan, quarantine: false, onaccept: noop, oncancel: noop } }).body;
    expect(plain).toContain('Images are not quarantined');
  });
  it('offers only Close when there is nothing to clean', () => {
    const { body } = render(ConfirmPrune, { props: { plan: { ...plan, items: [] }, explanation: 'Safe default.', onaccept: noop, oncancel: noop } });
    expect(body).toContain('Nothing to clean');
    expect(body).toContain('Safe default.');
    expect(body).toContain('>Close<');
    expect(body).not.toContain('confirm-accept');
  });
  it('shows freed against predicted, skipped reasons and why the run stopped', () => {
    const outcome: RunReport = {
      ...plan, removed: [items[1]],
      skipped: [{ kind: 'image', id: 'sha256:aaa', name: evil, reason: 'in use by <x>' }],
      actual_reclaim: null, quarantined: [], stopped: 'cancelled', unsettled: [],
    };
    const { body } = render(RunResult, { props: { outcome } });
    expect(body).toMatch(/data-testid="result-actual"[^>]*>could not be measured/);
    expect(body).toContain('data-testid="result-skipped"');
    expect(body).toContain('in use by &lt;x>');
    expect(body).toContain('Stopped early: cancelled');
    expect(body).not.toContain('<img');
  });
  it('shows the step and item of a running prune', () => {
    const { body } = render(Progress, {
      props: { progress: { done: 1, total: 4, step: 'removing', item: items[1] }, onstop: noop },
    });
    expect(body).toContain('aria-valuenow="25"');
    expect(body).toContain('Removing');
    expect(body).toContain('old-web');
  });
});
