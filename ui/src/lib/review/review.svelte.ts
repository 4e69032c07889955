// The Review tab's state: the review on screen, the steps chosen, and the preview → confirm →
// apply → undo flow. Fixes are only ever written after the user saw the combined diff, and
// always to the review the shell kept (the one on screen).

import { reviewApply, reviewPreview, reviewProject, reviewUndo, type ReviewAsk } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import { chooseAll, inOrder, toggle } from './steps';
import type { Applied, Preview, ReviewProgress, Reviewed } from '../types';

export type ApplyPhase =
  | { name: 'idle' }
  | { name: 'previewing' }
  | { name: 'confirming'; preview: Preview; steps: string[] }
  | { name: 'applying' };

/** The last apply, kept so it can be undone: of which Dockerfile, and what it wrote. */
export type LastApply = { dockerfile: string; applied: Applied };

export class ReviewController {
  ask = $state<ReviewAsk>({ path: '' });
  reviewed = $state<Reviewed | null>(null);
  progress = $state<ReviewProgress | null>(null);
  reviewing = $state(false);
  error = $state<IpcError | null>(null);
  chosen = $state<string[]>([]);
  phase = $state<ApplyPhase>({ name: 'idle' });
  last = $state<LastApply | null>(null);
  undoing = $state(false);
  /** Counts reviews so an older answer never replaces a newer one. */
  #asked = 0;

  constructor(path = '') {
    this.ask = { path };
  }

  /** The chosen steps in the walkthrough's order. */
  get steps(): string[] {
    return this.reviewed ? inOrder(this.reviewed.walkthrough, this.chosen) : [];
  }

  /** Reviews what `ask` names (the current ask when none is given). */
  async review(ask: ReviewAsk = this.ask): Promise<void> {
    const asked = ++this.#asked;
    this.ask = { ...ask };
    this.reviewing = true;
    this.progress = null;
    this.error = null;
    try {
      const reviewed = await reviewProject(this.ask, (p) => {
        if (asked === this.#asked) this.progress = p;
      });
      if (asked !== this.#asked) return;
      // Step ids belong to the text they were made from: a new review starts unchosen.
      if (reviewed.source !== this.reviewed?.source) this.chosen = [];
      else this.chosen = inOrder(reviewed.walkthrough, this.chosen);
      this.reviewed = reviewed;
    } catch (e) {
      if (asked !== this.#asked) return;
      this.reviewed = null;
      this.error = asIpcError(e);
    } finally {
      if (asked === this.#asked) this.reviewing = false;
    }
  }

  /** A new review of the path typed in: the best matching image again. */
  start(path: string): Promise<void> {
    return this.review({ path, dockerfile: this.ask.dockerfile, image: null, target: this.ask.target });
  }

  /** Reviews again with another of the candidate images. */
  pick(image: string): Promise<void> {
    return this.review({ ...this.ask, image });
  }

  toggle(id: string): void {
    if (this.reviewed) this.chosen = toggle(this.reviewed.walkthrough, this.chosen, id);
  }

  chooseAll(): void {
    if (this.reviewed) this.chosen = chooseAll(this.reviewed.walkthrough, this.chosen);
  }

  /** Shows what applying the chosen steps would write; nothing is written. */
  async preview(): Promise<void> {
    const steps = this.steps;
    if (!this.reviewed || steps.length === 0 || this.phase.name !== 'idle') return;
    this.phase = { name: 'previewing' };
    this.error = null;
    try {
      const preview = await reviewPreview(this.reviewed.dockerfile, steps);
      this.phase = { name: 'confirming', preview, steps };
    } catch (e) {
      this.error = asIpcError(e);
      this.phase = { name: 'idle' };
    }
  }

  /** The user closed the preview: nothing was written. */
  cancel(): void {
    if (this.phase.name === 'confirming') this.phase = { name: 'idle' };
  }

  /** The user saw the diff and agreed: writes it, then reviews the changed file. */
  async apply(): Promise<void> {
    if (this.phase.name !== 'confirming' || !this.reviewed) return;
    const { steps } = this.phase;
    const dockerfile = this.reviewed.dockerfile;
    this.phase = { name: 'applying' };
    try {
      const applied = await reviewApply(dockerfile, steps);
      this.last = { dockerfile, applied };
      this.chosen = [];
      this.phase = { name: 'idle' };
      await this.review();
    } catch (e) {
      this.error = asIpcError(e);
      this.phase = { name: 'idle' };
    }
  }

  /** Puts the files back as they were before the last apply, then reviews them again. */
  async undo(): Promise<void> {
    if (!this.last || this.undoing) return;
    this.undoing = true;
    this.error = null;
    try {
      await reviewUndo(this.last.dockerfile);
      this.last = null;
      await this.review();
    } catch (e) {
      this.error = asIpcError(e);
    } finally {
      this.undoing = false;
    }
  }
}
