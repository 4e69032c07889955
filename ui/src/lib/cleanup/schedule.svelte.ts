// The scheduled clean-up as state the components render: the Schedule tab (its terms, a live
// preview of what a run on them would remove now, turning it on, changing it, turning it off)
// and the app-wide notice of what a scheduled run did.
//
// Turning the schedule on (or changing it) sends the id of the preview the user confirmed: the
// shell runs that plan now and refuses terms nobody saw a preview of.

import { onScheduledCleanup, scheduleGet, schedulePreview, scheduleRead, scheduleSet } from '../ipc';
import { asIpcError, type IpcError } from '../errors';
import { debouncedLatest } from './plan';
import { formFromSchedule, sameTerms, termsFromForm, type ScheduleForm } from './schedule';
import type { Schedule, ScheduledRun, PlanReport, ScheduleReport } from '../types';

/** Where a change of the schedule is: at rest, asked about (with the preview shown), or saving. */
export type SchedulePhase =
  | { name: 'idle' }
  | { name: 'confirming'; terms: Schedule; preview: PlanReport }
  | { name: 'saving' };

/** Loads now and after every scheduled run; returns what stops listening. */
function follow(load: () => unknown): () => void {
  load();
  const unlisten = onScheduledCleanup(() => load());
  return () => { unlisten.then((f) => f()); };
}

export class ScheduleController {
  view = $state<ScheduleReport | null>(null);
  /** The terms as the user types them; filled from the saved terms on the first load. */
  form = $state<ScheduleForm | null>(null);
  loadError = $state<IpcError | null>(null);

  preview = $state<PlanReport | null>(null);
  previewError = $state<IpcError | null>(null);
  previewing = $state(false);

  phase = $state<SchedulePhase>({ name: 'idle' });
  saveError = $state<IpcError | null>(null);

  /** The terms the form asks for (switched on), or null while the limit is not a size. */
  readonly terms = $derived(this.form ? termsFromForm(this.form, true) : null);
  /** What the tab watches to preview again. */
  readonly termsKey = $derived(JSON.stringify(this.terms));
  readonly on = $derived(!!this.view?.schedule.enabled);
  /** Whether the form's terms differ from the saved ones. */
  readonly changed = $derived(!!this.view && !sameTerms(this.terms, this.view.schedule));

  readonly #previewer: ReturnType<typeof debouncedLatest<Schedule, PlanReport>>;

  constructor(debounceMs = 300) {
    this.#previewer = debouncedLatest(schedulePreview, debounceMs, (answer) => {
      this.preview = answer.ok ? answer.value : null;
      this.previewError = answer.ok ? null : asIpcError(answer.error);
      this.previewing = false;
    });
  }

  /** Asked about or saving: the preview holds still. */
  get busy(): boolean {
    return this.phase.name !== 'idle';
  }

  /** Whether turning on (or applying a change) can be asked: a current preview of new terms. */
  get canConfirm(): boolean {
    return !!this.terms && !!this.preview && !this.previewing && !this.busy && (!this.on || this.changed);
  }

  async load(): Promise<void> {
    try {
      this.view = await scheduleGet();
      this.loadError = null;
      if (!this.form) this.form = formFromSchedule(this.view.schedule);
    } catch (e) {
      this.loadError = asIpcError(e);
    }
  }

  /** Loads, and again after each scheduled run the app makes on its own. */
  start(): () => void {
    return follow(() => this.load());
  }

  /** Previews the form's terms again after the debounce (not while they are asked about or saved). */
  repreview(): void {
    if (this.busy) return;
    if (!this.terms) {
      this.#previewer.cancel();
      this.preview = null;
      this.previewing = false;
      return;
    }
    this.previewing = true;
    this.#previewer.schedule($state.snapshot(this.terms));
  }

  /** Drops a preview still on its way: newer terms make it stale. */
  hold(): void {
    this.#previewer.cancel();
  }

  /** Asks about the terms with the preview on screen. A preview on its way means the shown one is of older terms. */
  confirm(): void {
    if (this.terms && this.preview && !this.previewing && !this.busy) {
      this.phase = { name: 'confirming', terms: this.terms, preview: this.preview };
    }
  }

  cancel(): void {
    if (this.phase.name === 'confirming') this.phase = { name: 'idle' };
  }

  /** The user agreed: saves the terms with the id of the preview they saw, which runs it now. */
  async turnOn(): Promise<void> {
    if (this.phase.name !== 'confirming') return;
    const { terms, preview } = this.phase;
    this.phase = { name: 'saving' };
    this.saveError = null;
    try {
      this.view = await scheduleSet(terms, preview.plan_id);
      this.form = formFromSchedule(this.view.schedule);
      // The result is shown right here, so the app-wide notice need not repeat it.
      this.view = await scheduleRead();
    } catch (e) {
      this.saveError = asIpcError(e);
    } finally {
      this.phase = { name: 'idle' };
    }
  }

  /** Turning off needs no preview and asks nothing: it only stops later runs. */
  async turnOff(): Promise<void> {
    if (!this.view || this.busy) return;
    this.phase = { name: 'saving' };
    this.saveError = null;
    try {
      this.view = await scheduleSet({ ...this.view.schedule, enabled: false }, null);
    } catch (e) {
      this.saveError = asIpcError(e);
    } finally {
      this.phase = { name: 'idle' };
    }
  }
}

/** The notice of the last scheduled run, shown on any view until it is read. */
export class ScheduleNoticeController {
  /** The run to tell about, or null when there is none or it was read. */
  run = $state<ScheduledRun | null>(null);

  async load(): Promise<void> {
    try {
      const view = await scheduleGet();
      this.run = view.last && !view.last_read ? view.last : null;
    } catch {
      // No journal: the Cleanup view says so; the notice stays quiet.
      this.run = null;
    }
  }

  start(): () => void {
    return follow(() => this.load());
  }

  async dismiss(): Promise<void> {
    this.run = null;
    try { await scheduleRead(); } catch { /* shown again next time: nothing lost */ }
  }
}
