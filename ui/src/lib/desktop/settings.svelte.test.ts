import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopSettings } from '../types';

vi.mock('../ipc', () => ({ desktopSettings: vi.fn(), setDesktopSettings: vi.fn() }));
const ipc = vi.mocked(await import('../ipc'));
const { DesktopSettingsController, closeExplanation } = await import('./settings.svelte');

const saved: DesktopSettings = {
  keep_in_tray: true, start_at_login: false, disk_alert: true, disk_alert_percent: 90, tray: true,
};

beforeEach(() => { vi.resetAllMocks(); });

describe('desktop settings', () => {
  it('loads them and saves each change whole', async () => {
    ipc.desktopSettings.mockResolvedValue(saved);
    const s = new DesktopSettingsController();
    await s.load();
    expect(s.value).toEqual(saved);
    ipc.setDesktopSettings.mockImplementation(async (v) => v);
    await s.set({ start_at_login: true });
    expect(ipc.setDesktopSettings).toHaveBeenCalledWith({ ...saved, start_at_login: true });
    await s.set({ disk_alert_percent: 80 });
    expect(s.value).toEqual({ ...saved, start_at_login: true, disk_alert_percent: 80 });
    expect(s.error).toBeNull();
  });

  it('goes back to what is saved when saving fails, and says why', async () => {
    ipc.desktopSettings.mockResolvedValue(saved);
    const s = new DesktopSettingsController();
    await s.load();
    ipc.setDesktopSettings.mockRejectedValue({
      code: 'internal', message: 'start at login could not be turned on: permission denied\n  fix: check the autostart folder',
    });
    await s.set({ start_at_login: true });
    expect(s.value).toEqual(saved);
    expect(s.error?.message).toContain('permission denied');
    expect(s.saving).toBe(false);
  });

  it('does nothing before they are loaded', async () => {
    const s = new DesktopSettingsController();
    await s.set({ keep_in_tray: false });
    expect(ipc.setDesktopSettings).not.toHaveBeenCalled();
  });

  it('says what closing the window does', () => {
    expect(closeExplanation(saved)).toContain('keeps Drydock in the tray');
    expect(closeExplanation({ ...saved, keep_in_tray: false })).toContain('quits Drydock');
    expect(closeExplanation({ ...saved, tray: false })).toContain('No tray');
  });
});
