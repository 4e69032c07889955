import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlanReport, Schedule, ScheduledRun, ScheduleReport } from '../types';

vi.mock('../ipc', () => ({
  scheduleGet: vi.fn(), scheduleRead: vi.fn(), schedulePreview: vi.fn(), scheduleSet: vi.fn(), onScheduledCleanup: vi.fn(),
}));
const ipc = vi.mocked(await import('../ipc'));
const { ScheduleController, ScheduleNoticeController } = await import('./schedule.svelte');

const off: Schedule = { enabled: false, max_bytes: 20e9, every_hours: 24, quarantine: false };
const view = (schedule: Schedule, over: Partial<ScheduleReport> = {}): ScheduleReport =>
  ({ schedule, last: null, next_run: null, last_read: true, ...over });
const preview: PlanReport = {
  plan_id: 'preview-1', planned_at: 1, predicted_reclaim: 5e9, kept: [],
  items: [{ kind: 'image', id: 'sha256:a', name: 'web:old', bytes: 5e9, reason: 'used longest ago' }],
  gc: { image_bytes: 25e9, max_bytes: 20e9, fits: true },
};
const run: ScheduledRun = {
  at: 1, plan_id: 'p', removed: 1, skipped: 0, freed: 5e9, image_bytes: 25e9, max_bytes: 20e9, fits: true, error: null,
};

beforeEach(() => {
  vi.resetAllMocks();
  vi.useFakeTimers();
  ipc.onScheduledCleanup.mockResolvedValue(() => {});
});
afterEach(() => { vi.useRealTimers(); });

/** A controller loaded with the schedule off and a preview of the form's terms on screen. */
async function previewed() {
  ipc.scheduleGet.mockResolvedValue(view(off));
  ipc.schedulePreview.mockResolvedValue(preview);
  const s = new ScheduleController(300);
  await s.load();
  s.repreview();
  await vi.advanceTimersByTimeAsync(300);
  return s;
}

describe('the Schedule tab', () => {
  it('fills the form from the saved terms and previews them switched on', async () => {
    const s = await previewed();
    expect(s.form).toEqual({ limit: 20, unit: 'GB', every_hours: 24, quarantine: false });
    expect(ipc.schedulePreview).toHaveBeenCalledWith({ ...off, enabled: true });
    expect(s.preview).toEqual(preview);
    expect(s.previewing).toBe(false);
    expect(s.on).toBe(false);
    expect(s.canConfirm).toBe(true);
  });

  it('turns on with the id of the preview the user confirmed, then marks the run as read', async () => {
    const s = await previewed();
    s.confirm();
    expect(s.phase).toEqual({ name: 'confirming', terms: { ...off, enabled: true }, preview });
    const on = { ...off, enabled: true };
    ipc.scheduleSet.mockResolvedValue(view(on, { last: run, last_read: false }));
    ipc.scheduleRead.mockResolvedValue(view(on, { last: run, last_read: true }));
    const saving = s.turnOn();
    expect(s.phase.name).toBe('saving');
    expect(s.busy).toBe(true);
    await saving;
    expect(ipc.scheduleSet).toHaveBeenCalledWith(on, 'preview-1');
    expect(ipc.scheduleRead).toHaveBeenCalled();
    expect(s.phase.name).toBe('idle');
    expect(s.on).toBe(true);
    expect(s.view?.last_read).toBe(true);
    // Nothing changed since: there is nothing to apply.
    expect(s.changed).toBe(false);
    expect(s.canConfirm).toBe(false);
  });

  it('cannot be turned on without a preview of the terms on screen', async () => {
    ipc.scheduleGet.mockResolvedValue(view(off));
    const s = new ScheduleController(300);
    await s.load();
    s.confirm();
    expect(s.phase.name).toBe('idle');
    await s.turnOn();
    expect(ipc.scheduleSet).not.toHaveBeenCalled();
  });

  it('does not ask about a preview of older terms while a newer one is on its way', async () => {
    const s = await previewed();
    s.form!.limit = 10;
    s.repreview();
    expect(s.previewing).toBe(true);
    s.confirm();
    expect(s.phase.name).toBe('idle');
    await vi.advanceTimersByTimeAsync(300);
    expect(ipc.schedulePreview).toHaveBeenLastCalledWith({ ...off, enabled: true, max_bytes: 10e9 });
    s.confirm();
    expect(s.phase.name).toBe('confirming');
  });

  it('holds the preview still while asking, and lets the user cancel', async () => {
    const s = await previewed();
    s.confirm();
    s.form!.limit = 1;
    s.repreview();
    await vi.advanceTimersByTimeAsync(300);
    expect(ipc.schedulePreview).toHaveBeenCalledTimes(1);
    s.cancel();
    expect(s.phase.name).toBe('idle');
    expect(ipc.scheduleSet).not.toHaveBeenCalled();
  });

  it('previews nothing while the limit is not a size', async () => {
    const s = await previewed();
    s.form!.limit = 0;
    expect(s.terms).toBeNull();
    s.repreview();
    await vi.advanceTimersByTimeAsync(300);
    expect(ipc.schedulePreview).toHaveBeenCalledTimes(1);
    expect(s.preview).toBeNull();
    expect(s.canConfirm).toBe(false);
  });

  it('shows errors from loading, previewing and saving', async () => {
    ipc.scheduleGet.mockRejectedValue({ code: 'internal', message: 'journal unreadable' });
    const broken = new ScheduleController(300);
    await broken.load();
    expect(broken.loadError?.message).toBe('journal unreadable');

    ipc.scheduleGet.mockResolvedValue(view(off));
    ipc.schedulePreview.mockRejectedValue({ code: 'engine_unavailable', message: 'no Docker engine found' });
    const s = new ScheduleController(300);
    await s.load();
    s.repreview();
    await vi.advanceTimersByTimeAsync(300);
    expect(s.previewError?.code).toBe('engine_unavailable');
    expect(s.preview).toBeNull();

    ipc.schedulePreview.mockResolvedValue(preview);
    s.repreview();
    await vi.advanceTimersByTimeAsync(300);
    expect(s.previewError).toBeNull();
    s.confirm();
    ipc.scheduleSet.mockRejectedValue({ code: 'invalid_input', message: 'turn the schedule on from a preview of these terms' });
    await s.turnOn();
    expect(s.saveError?.code).toBe('invalid_input');
    expect(s.phase.name).toBe('idle');
    expect(s.on).toBe(false);
  });

  it('turns off without a preview or a question', async () => {
    const on = { ...off, enabled: true };
    ipc.scheduleGet.mockResolvedValue(view(on));
    ipc.scheduleSet.mockResolvedValue(view(off));
    const s = new ScheduleController(300);
    await s.load();
    await s.turnOff();
    expect(ipc.scheduleSet).toHaveBeenCalledWith(off, null);
    expect(s.on).toBe(false);
  });

  it('loads again after each scheduled run, until stopped', async () => {
    let heard: (r: ScheduledRun) => void = () => {};
    const unlisten = vi.fn();
    ipc.onScheduledCleanup.mockImplementation(async (f) => { heard = f; return unlisten; });
    ipc.scheduleGet.mockResolvedValue(view(off));
    const s = new ScheduleController(300);
    const stop = s.start();
    heard(run);
    await vi.advanceTimersByTimeAsync(0);
    expect(ipc.scheduleGet).toHaveBeenCalledTimes(2);
    stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(unlisten).toHaveBeenCalled();
  });
});

describe('the schedule notice', () => {
  it('tells about a run not read yet, and marks it read when dismissed', async () => {
    ipc.scheduleGet.mockResolvedValue(view(off, { last: run, last_read: false }));
    ipc.scheduleRead.mockResolvedValue(view(off, { last: run, last_read: true }));
    const notice = new ScheduleNoticeController();
    await notice.load();
    expect(notice.run).toEqual(run);
    await notice.dismiss();
    expect(notice.run).toBeNull();
    expect(ipc.scheduleRead).toHaveBeenCalled();
  });

  it('stays quiet about a read run, or when the schedule cannot be read', async () => {
    ipc.scheduleGet.mockResolvedValueOnce(view(off, { last: run, last_read: true }));
    const notice = new ScheduleNoticeController();
    await notice.load();
    expect(notice.run).toBeNull();
    ipc.scheduleGet.mockRejectedValueOnce({ code: 'internal', message: 'no journal' });
    await notice.load();
    expect(notice.run).toBeNull();
  });

  it('hides on dismiss even when marking it read fails', async () => {
    ipc.scheduleGet.mockResolvedValue(view(off, { last: run, last_read: false }));
    ipc.scheduleRead.mockRejectedValue({ code: 'internal', message: 'disk full' });
    const notice = new ScheduleNoticeController();
    await notice.load();
    await notice.dismiss();
    expect(notice.run).toBeNull();
  });
});
