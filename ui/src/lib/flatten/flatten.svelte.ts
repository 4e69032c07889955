// The flatten dialog as state: planning (the image read, with progress), the plan shown with an
// editable tag (or the refusal, with no way on), running (progress), and the result; an error
// from the shell keeps the plan on screen beside it.

import { flattenPlan, flattenRun } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import { tagProblem } from './flatten';
import type { Flattened, FlattenPlan, FlattenProgress } from '../types';

export type FlattenStage = 'closed' | 'planning' | 'planned' | 'running' | 'done';

export class FlattenFlow {
  stage = $state<FlattenStage>('closed');
  progress = $state<FlattenProgress | null>(null);
  plan = $state<FlattenPlan | null>(null);
  /** The tag the flat image will get, as the user edits it. */
  tag = $state('');
  result = $state<Flattened | null>(null);
  error = $state<IpcError | null>(null);
  #asked = 0;

  get open(): boolean {
    return this.stage !== 'closed';
  }

  /** Why Confirm is not offered: the plan's refusal, or the tag's problem; null to go on. */
  get blocked(): string | null {
    if (!this.plan) return 'No plan yet.';
    return this.plan.refusal ?? tagProblem(this.tag);
  }

  /** Opens the dialog and plans flattening `name` (nothing is made). */
  async start(name: string): Promise<void> {
    if (this.stage === 'running') return;
    const asked = ++this.#asked;
    this.stage = 'planning';
    this.progress = null;
    this.plan = null;
    this.result = null;
    this.error = null;
    try {
      const plan = await flattenPlan(name, null, (p) => { if (asked === this.#asked) this.progress = p; });
      if (asked !== this.#asked) return;
      this.plan = plan;
      this.tag = plan.new_tag;
      this.stage = 'planned';
    } catch (e) {
      if (asked !== this.#asked) return;
      this.error = asIpcError(e);
      this.stage = 'planned';
    }
  }

  /** Runs the plan shown, with the tag as edited. */
  async confirm(): Promise<void> {
    if (this.stage !== 'planned' || !this.plan || this.blocked) return;
    const plan = this.plan;
    const edited = this.tag.trim();
    this.stage = 'running';
    this.progress = null;
    this.error = null;
    try {
      this.result = await flattenRun(plan.id, edited === plan.new_tag ? null : edited, (p) => (this.progress = p));
      this.stage = 'done';
    } catch (e) {
      this.error = asIpcError(e);
      this.stage = 'planned';
    }
  }

  /** Closes the dialog; a running flatten is not stopped halfway, so it cannot be closed. */
  close(): void {
    if (this.stage === 'running') return;
    this.#asked += 1;
    this.stage = 'closed';
    this.progress = null;
  }
}
