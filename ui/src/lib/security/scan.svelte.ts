// Scans as state the Security view renders: a queue of images scanned one at a time in the
// background, each image idle, queued, scanning (with the export's progress), done (its report),
// failed (the shell's error) or cancelled; and the advisory database's status.
//
// The shell runs one scan at a time and `scan_cancel` stops that one; an image still waiting in
// the queue is cancelled by leaving the queue, without asking the shell.

import { advisoryStatus, scanCancel, scanImage, scanLast } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import { olderDatabase } from './findings';
import type { ExportProgress } from '../types';
import type { DbStatus, ScanReport } from '../types';

export type ScanState =
  | { name: 'idle' }
  | { name: 'queued' }
  | { name: 'scanning'; progress: ExportProgress | null }
  | { name: 'done'; report: ScanReport }
  | { name: 'failed'; error: IpcError }
  | { name: 'cancelled' };

const IDLE: ScanState = { name: 'idle' };

export class ScanController {
  /** Per image id; an id not in here is idle. */
  states = $state<Record<string, ScanState>>({});
  /** Images waiting their turn, in order. */
  queue = $state<string[]>([]);
  /** The image being scanned now. */
  current = $state<string | null>(null);

  db = $state<DbStatus | null>(null);
  dbError = $state<IpcError | null>(null);

  /** The user asked to stop the running scan: its rejection means cancelled, not failed. */
  #stopping = false;
  #running = false;

  /** Called with each report a scan of this controller returns. */
  onreport: ((report: ScanReport) => void) | null = null;

  state(id: string): ScanState {
    return this.states[id] ?? IDLE;
  }

  /** The last report of this image, scanned now or earlier. */
  report(id: string): ScanReport | null {
    const s = this.states[id];
    return s?.name === 'done' ? s.report : null;
  }

  get busy(): boolean {
    return this.current !== null || this.queue.length > 0;
  }

  /** Whether scanning can start: the database is there. */
  get ready(): boolean {
    return !!this.db?.present;
  }

  async loadDb(): Promise<void> {
    try {
      this.db = await advisoryStatus();
      this.dbError = null;
    } catch (e) {
      this.dbError = asIpcError(e);
      return;
    }
    await this.#catchUp();
  }

  /** Reports made before the database changed: the shell matches those images again on its own
   * after an update, so its newer report replaces the one on screen. */
  async #catchUp(): Promise<void> {
    const outdated = Object.entries(this.states)
      .filter(([, s]) => s.name === 'done' && olderDatabase(s.report, this.db))
      .map(([id]) => id);
    await Promise.all(outdated.map(async (id) => {
      try {
        const report = await scanLast(id);
        const now = this.states[id];
        if (report && now?.name === 'done' && !olderDatabase(report, this.db)) this.states[id] = { name: 'done', report };
      } catch {
        // The older report stays, marked as older.
      }
    }));
  }

  /** Fills in the last report the shell kept for images this controller knows nothing of. */
  async loadLast(ids: string[]): Promise<void> {
    await Promise.all(ids.filter((id) => !(id in this.states)).map(async (id) => {
      try {
        const report = await scanLast(id);
        // A scan started meanwhile is newer than what was kept.
        if (report && !(id in this.states)) this.states[id] = { name: 'done', report };
      } catch {
        // Nothing kept is the same as never scanned: the Scan button is there.
      }
    }));
  }

  /** Queues an image (unless it is queued or scanning already) and starts the queue. */
  scan(id: string): void {
    if (this.current === id || this.queue.includes(id)) return;
    this.queue.push(id);
    this.states[id] = { name: 'queued' };
    void this.#drain();
  }

  scanAll(ids: string[]): void {
    for (const id of ids) this.scan(id);
  }

  /** Stops one image: out of the queue, or the running scan. */
  async cancel(id: string): Promise<void> {
    const at = this.queue.indexOf(id);
    if (at >= 0) {
      this.queue.splice(at, 1);
      this.states[id] = { name: 'cancelled' };
      return;
    }
    if (this.current === id) await this.#stopCurrent();
  }

  /** Empties the queue and stops the running scan. */
  async cancelAll(): Promise<void> {
    for (const id of this.queue) this.states[id] = { name: 'cancelled' };
    this.queue = [];
    if (this.current) await this.#stopCurrent();
  }

  async #stopCurrent(): Promise<void> {
    this.#stopping = true;
    try {
      await scanCancel();
    } catch {
      // The scan may have ended on its own meanwhile; its answer decides the state.
    }
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.queue.length > 0) {
        const id = this.queue.shift()!;
        this.current = id;
        this.#stopping = false;
        this.states[id] = { name: 'scanning', progress: null };
        try {
          const report = await scanImage(id, (progress) => {
            if (this.current === id) this.states[id] = { name: 'scanning', progress };
          });
          this.states[id] = { name: 'done', report };
          this.onreport?.(report);
        } catch (e) {
          this.states[id] = this.#stopping ? { name: 'cancelled' } : { name: 'failed', error: asIpcError(e) };
        } finally {
          this.current = null;
          this.#stopping = false;
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

/** The app's one queue: scans go on while the user looks at another view. */
export const scanner = new ScanController();
