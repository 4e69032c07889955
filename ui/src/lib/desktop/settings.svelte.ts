// The Settings view's desktop settings: keep running in the tray on close, start at login, and the
// host-disk alert with its threshold. Each change is saved at once; when saving fails the control
// goes back to what is saved and the error says why.

import { desktopSettings, setDesktopSettings } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import type { DesktopSettings } from '../types';

/** The thresholds the disk alert offers, in percent full. */
export const DISK_ALERT_CHOICES: readonly number[] = [70, 75, 80, 85, 90, 95, 98];

/** What closing the window does, said next to the setting. */
export function closeExplanation(s: DesktopSettings): string {
  if (!s.tray) return 'No tray is available on this desktop, so closing the window quits Drydock.';
  return s.keep_in_tray
    ? 'Closing the window keeps Drydock in the tray while a scheduled clean-up or alerts are on. Quit from the tray\'s menu.'
    : 'Closing the window quits Drydock: scheduled clean-ups and alerts wait until you open it again.';
}

export class DesktopSettingsController {
  value = $state<DesktopSettings | null>(null);
  error = $state<IpcError | null>(null);
  saving = $state(false);

  async load(): Promise<void> {
    try {
      this.value = await desktopSettings();
      this.error = null;
    } catch (e) {
      this.error = asIpcError(e);
    }
  }

  /** Saves one change; the control shows it at once and goes back if saving fails. */
  async set(change: Partial<Omit<DesktopSettings, 'tray'>>): Promise<void> {
    if (!this.value) return;
    const before = this.value;
    this.value = { ...before, ...change };
    this.saving = true;
    try {
      this.value = await setDesktopSettings($state.snapshot(this.value));
      this.error = null;
    } catch (e) {
      this.value = before;
      this.error = asIpcError(e);
    } finally {
      this.saving = false;
    }
  }
}
