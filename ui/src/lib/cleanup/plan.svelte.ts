// The plan → confirm → run flow of a prune, as state the components render. The Plan tab keeps
// a live plan of its form; one-click plans once, the safe default. Both ask before anything is
// removed and run only the plan the user saw (by id).
//
// Effects stay in the components (what to watch is theirs to say): they call replan() and
// hold() here, so this file is plain methods and reads as the state machine it is.

import { cleanupPlan, pruneCancel, pruneRun } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import { debouncedLatest, defaultForm, defaultSpec, formToSpec, nothingChosen, specKey, type PlanForm } from './plan';
import type { PlanReport, RunReport, PruneProgress, PruneSpec } from '../types';

/** The Plan tab's form, kept for the session so leaving the view and coming back keeps it. */
export const savedForm: PlanForm = defaultForm();

/** Where a prune is. `planning` is one-click's single plan; the Plan tab plans beside the flow. */
export type PrunePhase =
  | { name: 'idle' }
  | { name: 'planning' }
  | { name: 'confirming'; plan: PlanReport; quarantine: boolean }
  | { name: 'running'; planId: string; progress: PruneProgress | null; stopping: boolean };

/** Confirm, run, stop: what the Plan tab and one-click share. */
export class PruneFlow {
  phase = $state<PrunePhase>({ name: 'idle' });
  /** The last run's outcome: it stays on screen until the next run or a dismiss. */
  outcome = $state<RunReport | null>(null);
  /** The last failure (of planning, the run, or stopping it), until the next try. */
  error = $state<IpcError | null>(null);

  /** Asking or running: the plan on screen must hold still. */
  get busy(): boolean {
    return this.phase.name === 'confirming' || this.phase.name === 'running';
  }

  /** Asks the user about `plan`; only from rest, so a second click does not ask twice. */
  confirm(plan: PlanReport, quarantine: boolean): void {
    if (this.phase.name === 'idle') this.phase = { name: 'confirming', plan, quarantine };
  }

  /** The user said no: nothing was removed. */
  cancel(): void {
    if (this.phase.name === 'confirming') this.phase = { name: 'idle' };
  }

  /** The user said yes: runs the plan they saw. Resolves once the run is over, whatever its end. */
  async run(): Promise<void> {
    if (this.phase.name !== 'confirming') return;
    const { plan, quarantine } = this.phase;
    this.phase = { name: 'running', planId: plan.plan_id, progress: null, stopping: false };
    this.outcome = null;
    this.error = null;
    try {
      this.outcome = await pruneRun(plan.plan_id, quarantine, (p) => {
        if (this.phase.name === 'running') this.phase.progress = p;
      });
    } catch (e) {
      this.error = asIpcError(e);
    } finally {
      this.phase = { name: 'idle' };
    }
  }

  /** Stops the run before its next item; the run itself then ends with what it did. */
  async stop(): Promise<void> {
    if (this.phase.name !== 'running' || this.phase.stopping) return;
    this.phase.stopping = true;
    try {
      await pruneCancel();
    } catch (e) {
      this.error = asIpcError(e);
      if (this.phase.name === 'running') this.phase.stopping = false;
    }
  }

  dismiss(): void {
    this.outcome = null;
  }
}

/** The Plan tab: its form, the plan that form gives now, and the flow that runs it. */
export class PlanController extends PruneFlow {
  form = $state<PlanForm>(defaultForm());
  readonly spec = $derived(formToSpec(this.form));
  /** Equal for forms that ask for the same plan: what the tab watches to plan again. */
  readonly key = $derived(specKey(this.spec));
  readonly empty = $derived(nothingChosen(this.spec));

  plan = $state<PlanReport | null>(null);
  planError = $state<IpcError | null>(null);
  planning = $state(false);

  readonly #planner: ReturnType<typeof debouncedLatest<PruneSpec, PlanReport>>;

  constructor(form: PlanForm, debounceMs = 300) {
    super();
    this.form = { ...form, volumes: [...form.volumes] };
    this.#planner = debouncedLatest(cleanupPlan, debounceMs, (answer) => {
      this.plan = answer.ok ? answer.value : null;
      this.planError = answer.ok ? null : asIpcError(answer.error);
      this.planning = false;
    });
  }

  get count(): number {
    return this.plan?.items.length ?? 0;
  }

  /** Whether the shown plan can be asked about: something in it, current, nothing else going on. */
  get canRun(): boolean {
    return this.count > 0 && !this.planning && !this.busy && !this.empty;
  }

  /** Plans the form again after the debounce. The plan holds still while it is asked about or runs. */
  replan(): void {
    if (this.busy) return;
    if (this.empty) {
      this.#planner.cancel();
      this.plan = null;
      this.planError = null;
      this.planning = false;
      return;
    }
    this.planning = true;
    this.#planner.schedule($state.snapshot(this.spec));
  }

  /** Drops a plan still on its way: a newer form, or a run, makes it stale. */
  hold(): void {
    this.#planner.cancel();
  }

  /** Asks about the plan on screen, with the form's quarantine choice. */
  ask(): void {
    if (this.plan && this.canRun) this.confirm(this.plan, this.form.quarantine);
  }
}

/** One-click cleanup: plans the safe default once, asks with its exact figures, runs it without quarantine. */
export class OneClickController extends PruneFlow {
  async plan(): Promise<void> {
    if (this.phase.name !== 'idle') return;
    this.phase = { name: 'planning' };
    this.outcome = null;
    this.error = null;
    try {
      const plan = await cleanupPlan({ ...defaultSpec(), one_click: true });
      this.phase = { name: 'confirming', plan, quarantine: false };
    } catch (e) {
      this.error = asIpcError(e);
      this.phase = { name: 'idle' };
    }
  }
}
