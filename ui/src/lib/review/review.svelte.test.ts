import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reviewed } from './fixtures';
import type { Reviewed, ReviewProgress } from '../types';

vi.mock('../ipc', () => ({ reviewProject: vi.fn(), reviewPreview: vi.fn(), reviewApply: vi.fn(), reviewUndo: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { ReviewController } = await import('./review.svelte');

const flush = () => new Promise((r) => setTimeout(r, 0));
const preview = { diff: '--- a/Dockerfile\n', files: [{ path: '/p/Dockerfile', backup: '/p/Dockerfile.drydock-bak' }], left_out: [] };
const applied = { written: [{ path: '/p/Dockerfile', backup: '/p/Dockerfile.drydock-bak' }], diff: preview.diff, left_out: [] };

beforeEach(() => {
  vi.resetAllMocks();
  ipc.reviewProject.mockResolvedValue(reviewed());
  ipc.reviewPreview.mockResolvedValue(preview);
  ipc.reviewApply.mockResolvedValue(applied);
  ipc.reviewUndo.mockResolvedValue(undefined);
});

describe('reviewing', () => {
  it('shows the review and its progress, and keeps only the newest answer', async () => {
    const answers: { resolve: (r: Reviewed) => void; progress: (p: ReviewProgress) => void }[] = [];
    ipc.reviewProject.mockImplementation((_, progress) => new Promise((resolve) => answers.push({ resolve, progress })));
    const c = new ReviewController();
    const first = c.start('/old');
    const second = c.start('/p');
    answers[1].progress({ phase: 'matching' });
    answers[0].progress({ phase: 'reading' });
    expect(c.progress).toEqual({ phase: 'matching' });
    answers[1].resolve(reviewed());
    answers[0].resolve(reviewed({ dockerfile: '/old/Dockerfile' }));
    await Promise.all([first, second]);
    expect(c.reviewed?.dockerfile).toBe('/p/Dockerfile');
    expect(c.reviewing).toBe(false);
  });
  it('reviews again with a picked image, and a new path forgets it', async () => {
    const c = new ReviewController();
    await c.start('/p');
    await c.pick('sha256:other');
    expect(ipc.reviewProject.mock.calls[1][0]).toMatchObject({ path: '/p', image: 'sha256:other' });
    await c.start('/p');
    expect(ipc.reviewProject.mock.calls[2][0]).toMatchObject({ path: '/p', image: null });
  });
  it('says why a review failed', async () => {
    ipc.reviewProject.mockRejectedValue({ code: 'invalid_input', message: 'cannot read the Dockerfile' });
    const c = new ReviewController();
    await c.start('/nope');
    expect(c.error?.code).toBe('invalid_input');
    expect(c.reviewed).toBeNull();
  });
});

describe('applying', () => {
  it('writes nothing until the user saw the diff and agreed, then reviews the changed file', async () => {
    const c = new ReviewController();
    await c.start('/p');
    c.toggle('DD301@4:1');
    c.toggle('DD102@3:1');
    await c.preview();
    expect(ipc.reviewPreview).toHaveBeenCalledWith('/p/Dockerfile', ['DD102@3:1', 'DD301@4:1']);
    expect(c.phase).toMatchObject({ name: 'confirming', preview });
    expect(ipc.reviewApply).not.toHaveBeenCalled();
    await c.apply();
    expect(ipc.reviewApply).toHaveBeenCalledWith('/p/Dockerfile', ['DD102@3:1', 'DD301@4:1']);
    expect(c.last).toEqual({ dockerfile: '/p/Dockerfile', applied });
    expect(ipc.reviewProject).toHaveBeenCalledTimes(2);
    expect(c.phase.name).toBe('idle');
  });
  it('writes nothing when the user closes the preview', async () => {
    const c = new ReviewController();
    await c.start('/p');
    c.toggle('DD102@3:1');
    await c.preview();
    c.cancel();
    await c.apply();
    expect(c.phase.name).toBe('idle');
    expect(ipc.reviewApply).not.toHaveBeenCalled();
  });
  it('asks for no preview with nothing chosen', async () => {
    const c = new ReviewController();
    await c.start('/p');
    c.toggle('DD999@1:1');
    await c.preview();
    expect(ipc.reviewPreview).not.toHaveBeenCalled();
  });
  it('undoes the last apply and reviews again; a failed apply leaves nothing to undo', async () => {
    const c = new ReviewController();
    await c.start('/p');
    c.toggle('DD102@3:1');
    await c.preview();
    await c.apply();
    await c.undo();
    expect(ipc.reviewUndo).toHaveBeenCalledWith('/p/Dockerfile');
    expect(c.last).toBeNull();
    expect(ipc.reviewProject).toHaveBeenCalledTimes(3);

    ipc.reviewApply.mockRejectedValue({ code: 'invalid_input', message: '/p/Dockerfile changed since it was reviewed' });
    c.toggle('DD102@3:1');
    await c.preview();
    await c.apply();
    await flush();
    expect(c.error?.message).toContain('changed since');
    expect(c.last).toBeNull();
  });
});
