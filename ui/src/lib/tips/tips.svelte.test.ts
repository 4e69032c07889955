import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportProgress, TipsOverview, TipsReport } from '../types';
import { report } from './fixtures';

vi.mock('../ipc', () => ({ imageTips: vi.fn(), tipsOverview: vi.fn(), onTipsOverview: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { ImageTipsState, TipsOverviewState } = await import('./tips.svelte');
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => { vi.resetAllMocks(); });

describe("an image's tips", () => {
  it('shows the export read so far, then the report', async () => {
    let progress: (p: ExportProgress) => void = () => {};
    let resolve: (r: TipsReport) => void = () => {};
    ipc.imageTips.mockImplementation((_id, p) => { progress = p; return new Promise((r) => { resolve = r; }); });
    const s = new ImageTipsState();
    const done = s.load('sha256:a');
    expect(s.state).toEqual({ name: 'reading', progress: null });
    progress({ read: 5, total: 10 });
    expect(s.state).toEqual({ name: 'reading', progress: { read: 5, total: 10 } });
    resolve(report('sha256:a'));
    await done;
    expect(s.state.name === 'done' && s.state.kept).toBe(false);
    expect(ipc.imageTips).toHaveBeenCalledWith('sha256:a', expect.any(Function));
  });
  it('says when the tips were known without a read', async () => {
    ipc.imageTips.mockResolvedValue(report('sha256:a'));
    const s = new ImageTipsState();
    await s.load('sha256:a');
    expect(s.state.name === 'done' && s.state.kept).toBe(true);
  });
  it("keeps the shell's error", async () => {
    ipc.imageTips.mockRejectedValue({ code: 'not_found', message: 'no image web:9' });
    const s = new ImageTipsState();
    await s.load('web:9');
    expect(s.state).toEqual({ name: 'failed', error: { code: 'not_found', message: 'no image web:9' } });
  });
  it('shows the image asked last, whichever answer comes first', async () => {
    const answers: ((r: TipsReport) => void)[] = [];
    ipc.imageTips.mockImplementation(() => new Promise((r) => answers.push(r)));
    const s = new ImageTipsState();
    const first = s.load('sha256:a');
    const second = s.load('sha256:b');
    answers[1](report('sha256:b'));
    answers[0](report('sha256:a'));
    await Promise.all([first, second]);
    expect(s.state.name === 'done' && s.state.report.id).toBe('sha256:b');
  });
});

describe('the overview of all images', () => {
  it('loads what the shell has and follows what the worker tells', async () => {
    let tell: (o: TipsOverview) => void = () => {};
    const unlisten = vi.fn();
    ipc.onTipsOverview.mockImplementation(async (f) => { tell = f; return unlisten; });
    ipc.tipsOverview.mockResolvedValue({ tips: [], done: 0, failed: 0, pending: 2, computing: true });
    const s = new TipsOverviewState();
    const stop = s.follow();
    await flush();
    expect(s.overview?.pending).toBe(2);
    tell({ tips: [], done: 2, failed: 0, pending: 0, computing: false });
    expect(s.overview?.done).toBe(2);
    stop();
    await flush();
    expect(unlisten).toHaveBeenCalled();
  });
});
