import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiffProgress, ImageDiff } from '../types';

vi.mock('../ipc', () => ({ imageDiff: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { DiffFlow } = await import('./diff.svelte');

beforeEach(() => { vi.resetAllMocks(); });

const diff = (b: string): ImageDiff => ({
  a: 'sha256:1', b, a_id: 'sha256:1', b_id: b, shared_layers: 1, size_delta: 5,
  added: [{ path: '/app/big', bytes: 5 }], removed: [], changed: [],
});

describe('comparing two builds', () => {
  it('shows both reads, then the diff', async () => {
    let progress: (p: DiffProgress) => void = () => {};
    let resolve: (d: ImageDiff) => void = () => {};
    ipc.imageDiff.mockImplementation((_a, _b, p) => { progress = p; return new Promise((r) => { resolve = r; }); });
    const flow = new DiffFlow();
    const done = flow.run('sha256:1', 'sha256:2');
    expect(flow.state).toEqual({ name: 'reading', progress: {} });
    expect(flow.fraction()).toBeUndefined();
    progress({ image: 'sha256:1', read: 5, total: 10 });
    progress({ image: 'sha256:2', read: 0, total: 10 });
    expect(flow.fraction()).toBe(0.25);
    resolve(diff('sha256:2'));
    await done;
    expect(flow.state).toEqual({ name: 'done', diff: diff('sha256:2') });
    expect(ipc.imageDiff).toHaveBeenCalledWith('sha256:1', 'sha256:2', expect.any(Function));
  });
  it("keeps the shell's error", async () => {
    ipc.imageDiff.mockRejectedValue({ code: 'not_found', message: 'no image sha256:9' });
    const flow = new DiffFlow();
    await flow.run('sha256:1', 'sha256:9');
    expect(flow.state).toEqual({ name: 'failed', error: { code: 'not_found', message: 'no image sha256:9' } });
  });
  it('shows the pair asked last, whichever answer comes first', async () => {
    const answers: ((d: ImageDiff) => void)[] = [];
    ipc.imageDiff.mockImplementation(() => new Promise((r) => answers.push(r)));
    const flow = new DiffFlow();
    const first = flow.run('sha256:1', 'sha256:2');
    const second = flow.run('sha256:1', 'sha256:3');
    answers[1](diff('sha256:3'));
    answers[0](diff('sha256:2'));
    await Promise.all([first, second]);
    expect(flow.state.name === 'done' && flow.state.diff.b).toBe('sha256:3');
  });
  it('picks at most two builds', () => {
    const flow = new DiffFlow();
    flow.toggle('a'); flow.toggle('b'); flow.toggle('c');
    expect(flow.picked).toEqual(['b', 'c']);
  });
});
