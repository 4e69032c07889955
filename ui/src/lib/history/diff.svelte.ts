// The History tab's compare: two builds picked, one diff run at a time, both reads' progress
// shown, and the answer to the pair asked last (an earlier answer arriving late is dropped).
import { imageDiff } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import type { DiffProgress, ImageDiff } from '../types';
import { togglePick } from './history';

export type DiffState =
  | { name: 'idle' }
  | { name: 'reading'; progress: Record<string, DiffProgress> }
  | { name: 'done'; diff: ImageDiff }
  | { name: 'failed'; error: IpcError };

export class DiffFlow {
  picked = $state<string[]>([]);
  state = $state<DiffState>({ name: 'idle' });
  #asked = 0;

  toggle(id: string) {
    this.picked = togglePick(this.picked, id);
  }

  /** Runs the diff of `a` (the older build) and `b`. */
  async run(a: string, b: string): Promise<void> {
    const asked = ++this.#asked;
    this.state = { name: 'reading', progress: {} };
    try {
      const diff = await imageDiff(a, b, (p) => {
        if (asked === this.#asked && this.state.name === 'reading') {
          this.state = { name: 'reading', progress: { ...this.state.progress, [p.image]: p } };
        }
      });
      if (asked === this.#asked) this.state = { name: 'done', diff };
    } catch (e) {
      if (asked === this.#asked) this.state = { name: 'failed', error: asIpcError(e) };
    }
  }

  /** How far both reads have come together, 0..1; undefined before either says. */
  fraction(): number | undefined {
    if (this.state.name !== 'reading') return undefined;
    const all = Object.values(this.state.progress);
    const total = all.reduce((n, p) => n + p.total, 0);
    if (all.length === 0 || total <= 0) return undefined;
    return Math.min(1, all.reduce((n, p) => n + p.read, 0) / total);
  }
}
