import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuildProgress, Comparison, PlanReport } from '../types';

vi.mock('../ipc', () => ({
  reviewRebuild: vi.fn(), reviewCancelRebuild: vi.fn(), reviewPlanTrialRemoval: vi.fn(),
  pruneRun: vi.fn(), pruneCancel: vi.fn(), cleanupPlan: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc'));
const { RebuildController } = await import('./rebuild.svelte');

const measure = (image: string, bytes: number) => ({ image, tags: [], bytes, layers: 3, hidden_bytes: 0, findings: 0, vulnerabilities: null });
const comparison: Comparison = {
  before: measure('sha256:b', 6_000_000), after: measure('sha256:t', 3_000_000), trial_tag: 'drydock-trial/p:1',
  trial_image: 'sha256:t', before_trial_tag: null, saved_bytes: 3_000_000, saved_percent: 50, summary: '-3 MB, -50%', runs: null,
};
const plan = { plan_id: 'p1', items: [] } as unknown as PlanReport;

function pending() {
  const builds: { progress: (p: BuildProgress) => void; resolve: (c: Comparison) => void; reject: (e: unknown) => void }[] = [];
  ipc.reviewRebuild.mockImplementation((_d, _s, _n, progress) => new Promise((resolve, reject) => builds.push({ progress, resolve, reject })));
  return builds;
}

beforeEach(() => {
  vi.resetAllMocks();
  ipc.reviewCancelRebuild.mockResolvedValue(undefined);
  ipc.reviewPlanTrialRemoval.mockResolvedValue(plan);
});

describe('rebuild and compare', () => {
  it('streams the steps, ends with the comparison, and one build at a time', async () => {
    const builds = pending();
    const c = new RebuildController();
    const run = c.rebuild('/p/Dockerfile', ['a'], null);
    void c.rebuild('/p/Dockerfile', ['a'], null);
    expect(builds.length).toBe(1);
    builds[0].progress({ kind: 'step', index: 1, of: 2, name: 'FROM x', state: 'done', error: null });
    expect(c.log.steps[0].label).toBe('[1/2] FROM x');
    builds[0].resolve(comparison);
    await run;
    expect(c.result?.summary).toBe('-3 MB, -50%');
    expect(c.building).toBe(false);
  });
  it('says a cancelled build was cancelled, not that it failed', async () => {
    const builds = pending();
    const c = new RebuildController();
    const run = c.rebuild('/p/Dockerfile', [], 'none');
    await c.cancel();
    expect(ipc.reviewCancelRebuild).toHaveBeenCalled();
    builds[0].reject({ code: 'internal', message: 'the rebuild was cancelled' });
    await run;
    expect(c.cancelled).toBe(true);
    expect(c.error).toBeNull();
  });
  it('shows why a build failed', async () => {
    const builds = pending();
    const c = new RebuildController();
    const run = c.rebuild('/p/Dockerfile', [], null);
    builds[0].reject({ code: 'invalid_input', message: 'building the fixed Dockerfile: step 2 failed' });
    await run;
    expect(c.error?.message).toContain('step 2 failed');
    expect(c.cancelled).toBe(false);
  });
  it('asks before removing the trial image, with a plan of exactly the trial images', async () => {
    const builds = pending();
    const c = new RebuildController();
    const run = c.rebuild('/p/Dockerfile', [], null);
    builds[0].resolve(comparison);
    await run;
    await c.planRemoval();
    expect(ipc.reviewPlanTrialRemoval).toHaveBeenCalledWith(['sha256:t']);
    expect(c.removal.phase).toMatchObject({ name: 'confirming', plan, quarantine: false });
    expect(ipc.pruneRun).not.toHaveBeenCalled();
  });
});
