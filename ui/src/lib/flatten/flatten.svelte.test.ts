import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Flattened, FlattenPlan, FlattenProgress } from '../types';
import { flattened, plan } from './fixtures';

vi.mock('../ipc', () => ({ flattenPlan: vi.fn(), flattenRun: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { FlattenFlow } = await import('./flatten.svelte');

beforeEach(() => { vi.resetAllMocks(); });

describe('the flatten dialog', () => {
  it('plans with progress, then runs the plan with the tag as shown', async () => {
    let progress: (p: FlattenProgress) => void = () => {};
    let resolve: (p: FlattenPlan) => void = () => {};
    ipc.flattenPlan.mockImplementation((_n, _t, p) => { progress = p; return new Promise((r) => { resolve = r; }); });
    const f = new FlattenFlow();
    const planned = f.start('web:1');
    expect(f.stage).toBe('planning');
    progress({ stage: 'reading', read: 1, total: 2 });
    expect(f.progress).toEqual({ stage: 'reading', read: 1, total: 2 });
    resolve(plan());
    await planned;
    expect([f.stage, f.tag, f.blocked]).toEqual(['planned', 'web:1-flat', null]);

    ipc.flattenRun.mockResolvedValue(flattened());
    await f.confirm();
    expect(ipc.flattenRun).toHaveBeenCalledWith('sha256:aaaa', null, expect.any(Function));
    expect(f.stage).toBe('done');
    expect(f.result?.same_tree).toBe(true);
  });
  it('sends the tag the user edited', async () => {
    ipc.flattenPlan.mockResolvedValue(plan());
    ipc.flattenRun.mockResolvedValue(flattened());
    const f = new FlattenFlow();
    await f.start('web:1');
    f.tag = ' web:slim ';
    await f.confirm();
    expect(ipc.flattenRun).toHaveBeenCalledWith('sha256:aaaa', 'web:slim', expect.any(Function));
  });
  it('offers no confirm for a refused plan or a bad tag', async () => {
    ipc.flattenPlan.mockResolvedValue(plan({ refusal: 'a Windows image: its layers cannot be re-made here' }));
    const f = new FlattenFlow();
    await f.start('win:1');
    expect(f.blocked).toContain('Windows');
    await f.confirm();
    expect(ipc.flattenRun).not.toHaveBeenCalled();
    ipc.flattenPlan.mockResolvedValue(plan());
    await f.start('web:1');
    f.tag = 'web flat';
    expect(f.blocked).toContain('spaces');
  });
  it('keeps the plan beside an error of the run, and cannot close while running', async () => {
    ipc.flattenPlan.mockResolvedValue(plan());
    let reject: (e: unknown) => void = () => {};
    ipc.flattenRun.mockImplementation(() => new Promise<Flattened>((_, r) => { reject = r; }));
    const f = new FlattenFlow();
    await f.start('web:1');
    const run = f.confirm();
    f.close();
    expect(f.stage).toBe('running');
    reject({ code: 'in_use', message: 'a flatten is already running' });
    await run;
    expect([f.stage, f.error?.code, f.plan?.id]).toEqual(['planned', 'in_use', 'sha256:aaaa']);
    f.close();
    expect(f.open).toBe(false);
  });
  it('shows an error of the plan', async () => {
    ipc.flattenPlan.mockRejectedValue({ code: 'not_found', message: 'no image web:9' });
    const f = new FlattenFlow();
    await f.start('web:9');
    expect([f.stage, f.error?.code, f.plan]).toEqual(['planned', 'not_found', null]);
    expect(f.blocked).not.toBeNull();
  });
});
