// Rebuild and compare: one trial build at a time with its steps as they come, the comparison it
// ends with, and the trial image's removal through the ordinary plan → confirm → journaled run.

import { reviewCancelRebuild, reviewPlanTrialRemoval, reviewRebuild } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import { PruneFlow } from '../cleanup/plan.svelte';
import { emptyLog, record, trialImages, type BuildLog } from './compare';
import type { Comparison } from '../types';

export class RebuildController {
  building = $state(false);
  cancelling = $state(false);
  /** The user stopped the last build: said calmly, not as an error. */
  cancelled = $state(false);
  log = $state<BuildLog>(emptyLog());
  result = $state<Comparison | null>(null);
  error = $state<IpcError | null>(null);
  /** Planning the trial image's removal (the confirm dialog and the run are the flow's). */
  planning = $state(false);
  readonly removal = new PruneFlow();

  async rebuild(dockerfile: string, steps: string[], network: string | null): Promise<void> {
    if (this.building) return;
    this.building = true;
    this.cancelling = false;
    this.cancelled = false;
    this.error = null;
    this.result = null;
    this.removal.dismiss();
    this.log = emptyLog();
    try {
      this.result = await reviewRebuild(dockerfile, steps, network, (p) => {
        this.log = record(this.log, p);
      });
    } catch (e) {
      if (this.cancelling) this.cancelled = true;
      else this.error = asIpcError(e);
    } finally {
      this.building = false;
      this.cancelling = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.building || this.cancelling) return;
    this.cancelling = true;
    try {
      await reviewCancelRebuild();
    } catch (e) {
      this.cancelling = false;
      this.error = asIpcError(e);
    }
  }

  /** Plans removing the trial images and asks the user with the Cleanup view's dialog. */
  async planRemoval(): Promise<void> {
    if (!this.result || this.planning || this.removal.busy) return;
    this.planning = true;
    this.error = null;
    try {
      const plan = await reviewPlanTrialRemoval(trialImages(this.result));
      this.removal.confirm(plan, false);
    } catch (e) {
      this.error = asIpcError(e);
    } finally {
      this.planning = false;
    }
  }
}
