// Tips as state the views render: one image's tips for its Tips tab (read with the export's
// progress, or kept from the background worker's read), and the overview of all images, kept up
// to date by the worker's events.

import { imageTips, onTipsOverview, tipsOverview } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import type { ExportProgress, TipsOverview, TipsReport } from '../types';

export type TipsState =
  | { name: 'reading'; progress: ExportProgress | null }
  /** `kept`: nothing streamed, the tips were known (read in the background or earlier). */
  | { name: 'done'; report: TipsReport; kept: boolean }
  | { name: 'failed'; error: IpcError };

/** One image's tips. A load for another image makes the answer of an earlier one moot. */
export class ImageTipsState {
  state = $state<TipsState>({ name: 'reading', progress: null });
  #asked = 0;

  async load(id: string): Promise<void> {
    const asked = ++this.#asked;
    this.state = { name: 'reading', progress: null };
    let streamed = false;
    try {
      const report = await imageTips(id, (progress) => {
        streamed = true;
        if (asked === this.#asked && this.state.name === 'reading') this.state = { name: 'reading', progress };
      });
      if (asked === this.#asked) this.state = { name: 'done', report, kept: !streamed };
    } catch (e) {
      if (asked === this.#asked) this.state = { name: 'failed', error: asIpcError(e) };
    }
  }
}

/** The overview's panel: what the shell has now, then each change it tells. */
export class TipsOverviewState {
  overview = $state<TipsOverview | null>(null);
  error = $state<IpcError | null>(null);

  async load(): Promise<void> {
    try {
      this.overview = await tipsOverview();
      this.error = null;
    } catch (e) {
      this.error = asIpcError(e);
    }
  }

  /** Loads, then follows the worker; returns what stops following. */
  follow(): () => void {
    const unlisten = onTipsOverview((o) => {
      this.overview = o;
      this.error = null;
    });
    void this.load();
    return () => { void unlisten.then((f) => f()); };
  }
}
