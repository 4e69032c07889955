// The Cleanup view's pure parts: what the form asks for, how a plan and a run read as words.
// Sizes go through format.ts so they read like everywhere else in Drydock.

import { humanBytes } from '../format';
import type { PlanItem, PruneKind, RunReport, PruneProgress, PruneSpec, PruneStep } from '../types';

/** The order kinds are listed in everywhere: cheap and obvious first, build cache last. */
export const KIND_ORDER: readonly PruneKind[] = ['container', 'image', 'volume', 'network', 'buildcache'];

const NAMES: Record<PruneKind, { short: string; one: string; many: string }> = {
  container: { short: 'container', one: 'stopped container', many: 'stopped containers' },
  image: { short: 'image', one: 'image', many: 'images' },
  volume: { short: 'volume', one: 'volume', many: 'volumes' },
  network: { short: 'network', one: 'network', many: 'networks' },
  buildcache: { short: 'build cache', one: 'build cache record', many: 'build cache records' },
};

const isKind = (kind: string): kind is PruneKind => Object.hasOwn(NAMES, kind);

/** The short name of a kind for a table cell (`build cache`); unknown kinds as they came. */
export function kindLabel(kind: string): string {
  return isKind(kind) ? NAMES[kind].short : kind;
}

/** `1 stopped container`, `3 images`. */
export function kindCount(kind: string, count: number): string {
  if (!isKind(kind)) return `${count} ${kind}`;
  return `${count} ${count === 1 ? NAMES[kind].one : NAMES[kind].many}`;
}

export interface KindSummary { kind: PruneKind; label: string; count: number; bytes: number }

/** Count and bytes per kind, in KIND_ORDER, leaving out kinds the items do not have. */
export function summarise(items: Pick<PlanItem, 'kind' | 'bytes'>[]): KindSummary[] {
  const byKind = new Map<PruneKind, KindSummary>(
    KIND_ORDER.map((kind) => [kind, { kind, label: NAMES[kind].many, count: 0, bytes: 0 }]),
  );
  for (const item of items) {
    const row = byKind.get(item.kind);
    if (!row) continue;
    row.count += 1;
    row.bytes += Math.max(0, item.bytes);
  }
  return [...byKind.values()].filter((row) => row.count > 0);
}

/** `2 stopped containers, 1 image`; `nothing` for an empty summary. */
export function describeSummary(summary: KindSummary[]): string {
  return summary.length ? summary.map((s) => kindCount(s.kind, s.count)).join(', ') : 'nothing';
}

/** What the CLI's `drydock prune` without flags plans, and where the form starts. */
export function defaultSpec(): PruneSpec {
  return {
    one_click: false, images: 'dangling', containers: true, volumes: [], networks: false,
    build_cache: true, until: null, labels: [], keep: [],
  };
}

/** One sentence for the one-click plan; it must say the same as `Request::one_click` in crates/prune. */
export const ONE_CLICK_EXPLANATION =
  'One-click cleanup removes dangling images, containers that are stopped and were created over a day ago, ' +
  'and build cache unused for a week; it never touches volumes or anything on your keep list.';

const norm = (list: string[]) => [...new Set(list.map((s) => s.trim()).filter((s) => s !== ''))].sort();

/**
 * A string equal for two specs exactly when they ask the engine for the same plan: order and
 * blanks in the lists do not matter, and a one-click spec depends on its keep list only.
 */
export function specKey(spec: PruneSpec): string {
  if (spec.one_click) return JSON.stringify(['one-click', norm(spec.keep)]);
  const until = spec.until?.trim() || null;
  return JSON.stringify([
    spec.images, spec.containers, norm(spec.volumes), spec.networks, spec.build_cache, until,
    norm(spec.labels), norm(spec.keep),
  ]);
}

/** True when a (non one-click) spec asks for nothing, which the planner refuses. */
export function nothingChosen(spec: PruneSpec): boolean {
  return !spec.one_click && spec.images === null && !spec.containers && spec.volumes.length === 0
    && !spec.networks && !spec.build_cache;
}

/** `a, b\n c,,` → `['a', 'b', 'c']`. */
export function parseList(text: string): string[] {
  return text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== '');
}

/** The plan form as the inputs hold it (text stays text until it becomes a spec). */
export interface PlanForm {
  images: 'none' | 'dangling' | 'unused';
  containers: boolean;
  networks: boolean;
  build_cache: boolean;
  until: string;
  labels: string;
  keep: string;
  volumes: string[];
  quarantine: boolean;
}

export function defaultForm(): PlanForm {
  const s = defaultSpec();
  return {
    images: s.images ?? 'none', containers: s.containers, networks: s.networks, build_cache: s.build_cache,
    until: '', labels: '', keep: '', volumes: [], quarantine: false,
  };
}

export function formToSpec(form: PlanForm): PruneSpec {
  return {
    one_click: false,
    images: form.images === 'none' ? null : form.images,
    containers: form.containers,
    volumes: [...form.volumes],
    networks: form.networks,
    build_cache: form.build_cache,
    until: form.until.trim() || null,
    labels: parseList(form.labels),
    keep: parseList(form.keep),
  };
}

const objects = (n: number) => `${n} ${n === 1 ? 'object' : 'objects'}`;

/**
 * One sentence on a finished run, e.g. `Removed 5 of 6 objects, freed 1.2 MB (predicted 1.2 MB).`
 * followed by why it stopped early, when it did.
 */
export function describeOutcome(o: RunReport): string {
  const planned = o.items.length;
  if (planned === 0 && o.removed.length === 0) return 'Nothing to remove: the plan was empty.';
  const predicted = humanBytes(o.predicted_reclaim);
  let text = `Removed ${o.removed.length} of ${objects(planned)}, `;
  text += o.actual_reclaim === null
    ? `freed space could not be measured (predicted ${predicted}).`
    : `freed ${humanBytes(o.actual_reclaim)} (predicted ${predicted}).`;
  if (o.quarantined.length) {
    text += ` ${o.quarantined.length} ${o.quarantined.length === 1 ? 'image was' : 'images were'} saved to quarantine.`;
  }
  if (o.unsettled.length) {
    text += ` Whether ${o.unsettled.length === 1 ? '1 more was' : `${o.unsettled.length} more were`} removed is not known yet: the engine's answer never came.`;
  }
  if (o.stopped) text += ` Stopped early: ${firstLine(o.stopped)}.`;
  return text;
}

/** A message's first line, without its closing full stop: later lines carry a fix for a terminal. */
function firstLine(message: string): string {
  return message.trim().split('\n')[0].trim().replace(/\.$/, '');
}

/** 0..100, whole numbers; an empty run counts as done. */
export function progressPercent(p: Pick<PruneProgress, 'done' | 'total'>): number {
  if (!(p.total > 0)) return 100;
  return Math.max(0, Math.min(100, Math.round((p.done * 100) / p.total)));
}

const STEPS: Record<PruneStep, string> = {
  checking: 'Checking', saving: 'Saving to quarantine', removing: 'Removing', removed: 'Removed',
  skipped: 'Skipped', measuring: 'Measuring the space freed',
};

export function stepLabel(step: PruneStep): string {
  return STEPS[step] ?? step;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Unix seconds → `2026-11-22 08:39` in local time; `–` for none. */
export function unixTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '–';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * How far `at` is from `now` (both unix seconds), to the nearest day: `in 3 days`, `within a day`,
 * `2 days ago`. (Truncating would call an expiry 14 days off, minus the minutes since, `in 13 days`.)
 */
export function relativeDays(at: number, now: number): string {
  const days = Math.round((at - now) / 86_400);
  if (days === 0) return at >= now ? 'within a day' : 'less than a day ago';
  const n = Math.abs(days);
  const unit = n === 1 ? 'day' : 'days';
  return days > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

/**
 * Hands out tokens so only the newest of overlapping requests may show its answer:
 * `const current = latest.next(); const a = await ask(); if (current()) show(a);`
 */
export function latestOnly(): { next(): () => boolean; cancel(): void } {
  let seq = 0;
  return {
    next() {
      const mine = ++seq;
      return () => mine === seq;
    },
    cancel() {
      seq += 1;
    },
  };
}

export type Answer<A> = { ok: true; value: A } | { ok: false; error: unknown };

/**
 * Asks `ask` `delayMs` after the last `schedule`, and hands `onAnswer` only the answer to the
 * newest question: a slower answer to an older question, or one asked before `cancel`, is dropped.
 */
export function debouncedLatest<S, A>(ask: (question: S) => Promise<A>, delayMs: number, onAnswer: (answer: Answer<A>) => void) {
  const latest = latestOnly();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    latest.cancel();
  };
  return {
    schedule(question: S) {
      cancel();
      const current = latest.next();
      timer = setTimeout(async () => {
        timer = undefined;
        let answer: Answer<A>;
        try {
          answer = { ok: true, value: await ask(question) };
        } catch (error) {
          answer = { ok: false, error };
        }
        if (current()) onAnswer(answer);
      }, delayMs);
    },
    cancel,
  };
}
