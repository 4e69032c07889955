import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlanItem, PlanReport, RunReport, PruneProgress, PruneSpec } from '../types';

vi.mock('../ipc', () => ({ cleanupPlan: vi.fn(), pruneRun: vi.fn(), pruneCancel: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { OneClickController, PlanController } = await import('./plan.svelte');
const { defaultForm } = await import('./plan');

const item: PlanItem = { kind: 'image', id: 'sha256:a', name: 'web:old', bytes: 1000, reason: 'dangling' };
const planView = (over: Partial<PlanReport> = {}): PlanReport =>
  ({ plan_id: 'p1', planned_at: 1, items: [item], predicted_reclaim: 1000, kept: [], gc: null, ...over });
const outcome: RunReport = {
  plan_id: 'p1', planned_at: 1, items: [item], predicted_reclaim: 1000, kept: [], gc: null, removed: [item], skipped: [], actual_reclaim: 1000,
  quarantined: [], stopped: null, unsettled: [],
};

/** A promise the test settles by hand, to look at the state while a call is on its way. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** pruneRun held open: the test sends progress and ends the run. */
function heldRun() {
  const run = deferred<RunReport>();
  let report: (p: PruneProgress) => void = () => {};
  ipc.pruneRun.mockImplementation((_id, _quarantine, onProgress) => { report = onProgress; return run.promise; });
  return { ...run, progress: (p: PruneProgress) => report(p) };
}

beforeEach(() => { vi.resetAllMocks(); });

describe('one-click', () => {
  it('plans the safe default, asks, runs without quarantine and keeps the outcome', async () => {
    ipc.cleanupPlan.mockResolvedValue(planView());
    const flow = new OneClickController();
    const planning = flow.plan();
    expect(flow.phase.name).toBe('planning');
    await planning;
    expect(ipc.cleanupPlan).toHaveBeenCalledWith(expect.objectContaining({ one_click: true }));
    expect(flow.phase).toEqual({ name: 'confirming', plan: planView(), quarantine: false });

    const run = heldRun();
    const running = flow.run();
    expect(flow.phase).toEqual({ name: 'running', planId: 'p1', progress: null, stopping: false });
    expect(ipc.pruneRun).toHaveBeenCalledWith('p1', false, expect.any(Function));
    const step: PruneProgress = { done: 1, total: 2, step: 'removing', item };
    run.progress(step);
    expect(flow.phase.name === 'running' && flow.phase.progress).toEqual(step);

    run.resolve(outcome);
    await running;
    expect(flow.phase.name).toBe('idle');
    expect(flow.outcome).toEqual(outcome);
    expect(flow.error).toBeNull();
  });

  it('removes nothing when the user cancels', async () => {
    ipc.cleanupPlan.mockResolvedValue(planView());
    const flow = new OneClickController();
    await flow.plan();
    flow.cancel();
    expect(flow.phase.name).toBe('idle');
    await flow.run();
    expect(ipc.pruneRun).not.toHaveBeenCalled();
  });

  it('shows an error from planning and can start again', async () => {
    ipc.cleanupPlan.mockRejectedValueOnce({ code: 'engine_unavailable', message: 'no Docker engine found' });
    const flow = new OneClickController();
    await flow.plan();
    expect(flow.phase.name).toBe('idle');
    expect(flow.error).toEqual({ code: 'engine_unavailable', message: 'no Docker engine found' });

    ipc.cleanupPlan.mockResolvedValueOnce(planView());
    await flow.plan();
    expect(flow.error).toBeNull();
    expect(flow.phase.name).toBe('confirming');
  });

  it('shows an error from the run, with no outcome', async () => {
    ipc.cleanupPlan.mockResolvedValue(planView());
    ipc.pruneRun.mockRejectedValue({ code: 'in_use', message: 'a cleanup is already running: wait for it to finish' });
    const flow = new OneClickController();
    await flow.plan();
    await flow.run();
    expect(flow.phase.name).toBe('idle');
    expect(flow.outcome).toBeNull();
    expect(flow.error?.code).toBe('in_use');
  });

  it('does not plan twice while busy', async () => {
    const plan = deferred<PlanReport>();
    ipc.cleanupPlan.mockReturnValue(plan.promise);
    const flow = new OneClickController();
    const first = flow.plan();
    await flow.plan();
    expect(ipc.cleanupPlan).toHaveBeenCalledTimes(1);
    plan.resolve(planView());
    await first;
  });
});

describe('stopping a run', () => {
  async function running() {
    ipc.cleanupPlan.mockResolvedValue(planView());
    const flow = new OneClickController();
    await flow.plan();
    const run = heldRun();
    const done = flow.run();
    return { flow, run, done };
  }

  it('asks the shell once and lets the run end with what it did', async () => {
    const { flow, run, done } = await running();
    ipc.pruneCancel.mockResolvedValue(undefined);
    const stopping = flow.stop();
    expect(flow.phase.name === 'running' && flow.phase.stopping).toBe(true);
    await flow.stop();
    await stopping;
    expect(ipc.pruneCancel).toHaveBeenCalledTimes(1);
    run.resolve({ ...outcome, removed: [], stopped: 'cancelled' });
    await done;
    expect(flow.phase.name).toBe('idle');
    expect(flow.outcome?.stopped).toBe('cancelled');
  });

  it('says when the stop failed and lets the user try again', async () => {
    const { flow, run, done } = await running();
    ipc.pruneCancel.mockRejectedValue({ code: 'internal', message: 'no answer' });
    await flow.stop();
    expect(flow.error?.message).toBe('no answer');
    expect(flow.phase.name === 'running' && flow.phase.stopping).toBe(false);
    run.resolve(outcome);
    await done;
  });

  it('does nothing when no run is going on', async () => {
    await new OneClickController().stop();
    expect(ipc.pruneCancel).not.toHaveBeenCalled();
  });
});

describe('the Plan tab', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  const form = () => ({ ...defaultForm(), quarantine: true });

  it('plans the form after the debounce and shows only the newest answer', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<PlanReport>>>();
    ipc.cleanupPlan.mockImplementation((spec: PruneSpec) => {
      const d = deferred<PlanReport>();
      answers.set(spec.images ?? 'none', d);
      return d.promise;
    });
    const tab = new PlanController(form(), 300);
    tab.replan();
    expect(tab.planning).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    tab.form.images = 'unused';
    tab.replan();
    await vi.advanceTimersByTimeAsync(300);
    answers.get('unused')!.resolve(planView({ plan_id: 'new' }));
    await vi.advanceTimersByTimeAsync(0);
    answers.get('dangling')!.resolve(planView({ plan_id: 'old' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.plan?.plan_id).toBe('new');
    expect(tab.planning).toBe(false);
    expect(tab.count).toBe(1);
  });

  it('asks nothing of the engine when nothing is chosen', async () => {
    const tab = new PlanController({ ...form(), images: 'none', containers: false, build_cache: false }, 300);
    expect(tab.empty).toBe(true);
    tab.replan();
    await vi.advanceTimersByTimeAsync(300);
    expect(ipc.cleanupPlan).not.toHaveBeenCalled();
    expect(tab.plan).toBeNull();
    expect(tab.planning).toBe(false);
    expect(tab.canRun).toBe(false);
  });

  it('shows a planning error in place of the plan', async () => {
    ipc.cleanupPlan.mockRejectedValue({ code: 'invalid_input', message: 'until: "3x" is not a duration' });
    const tab = new PlanController(form(), 300);
    tab.replan();
    await vi.advanceTimersByTimeAsync(300);
    expect(tab.plan).toBeNull();
    expect(tab.planError?.code).toBe('invalid_input');
    expect(tab.planning).toBe(false);
  });

  it('asks about the plan on screen with the quarantine choice, runs it, and plans again after', async () => {
    ipc.cleanupPlan.mockResolvedValue(planView());
    const tab = new PlanController(form(), 300);
    tab.replan();
    await vi.advanceTimersByTimeAsync(300);
    expect(tab.canRun).toBe(true);
    tab.ask();
    expect(tab.phase).toEqual({ name: 'confirming', plan: planView(), quarantine: true });

    // The plan holds still while the user is asked and while it runs.
    tab.replan();
    await vi.advanceTimersByTimeAsync(300);
    expect(ipc.cleanupPlan).toHaveBeenCalledTimes(1);

    ipc.pruneRun.mockResolvedValue(outcome);
    await tab.run();
    expect(ipc.pruneRun).toHaveBeenCalledWith('p1', true, expect.any(Function));
    expect(tab.outcome).toEqual(outcome);
    tab.replan();
    await vi.advanceTimersByTimeAsync(300);
    expect(ipc.cleanupPlan).toHaveBeenCalledTimes(2);
    tab.dismiss();
    expect(tab.outcome).toBeNull();
  });

  it('does not ask about an empty plan or one still being made', async () => {
    ipc.cleanupPlan.mockResolvedValue(planView({ items: [] }));
    const tab = new PlanController(form(), 300);
    tab.replan();
    tab.ask();
    expect(tab.phase.name).toBe('idle');
    await vi.advanceTimersByTimeAsync(300);
    tab.ask();
    expect(tab.phase.name).toBe('idle');
  });

  it('drops an answer on its way when held', async () => {
    ipc.cleanupPlan.mockResolvedValue(planView());
    const tab = new PlanController(form(), 300);
    tab.replan();
    tab.hold();
    await vi.advanceTimersByTimeAsync(300);
    expect(ipc.cleanupPlan).not.toHaveBeenCalled();
    expect(tab.plan).toBeNull();
  });

  it('works on its own copy of the form it starts from', () => {
    const saved = form();
    const tab = new PlanController(saved, 300);
    tab.form.volumes.push('db');
    expect(saved.volumes).toEqual([]);
    expect(tab.spec.volumes).toEqual(['db']);
  });
});
