// The only module that calls into the Rust shell. Everything else imports these typed functions.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  JournalReport, PlanReport, RunReport, PruneProgress, PruneSpec, QuarantineReport, Restored,
  Schedule, ScheduledRun, ScheduleReport,
  BuildCacheRow, ContainerRow, EngineChoice, ExportProgress, ImageDetail, ImageLayers, ImageRow, LintRun, Overview,
  RuleDoc,
  Applied, BuildProgress, Comparison, Preview, Reviewed, ReviewProgress,
  VolumeRow,
  DbStatus, ScanAlert, ScanReport, Severity,
  FlattenPlan, Flattened, FlattenProgress, TipsOverview, TipsReport,
  BuildRecord, DfHistoryView, DiffProgress, ImageDiff, Range, RepositoryHistory,
  Destination, DesktopSettings,
} from './types';
import type { EngineStatus } from './engine/status';

export const engineStatus = () => invoke<EngineStatus>('engine_status');
export const overview = () => invoke<Overview>('overview');
export const images = () => invoke<ImageRow[]>('images');
export const imageDetail = (id: string) => invoke<ImageDetail>('image_detail', { id });
export const containers = () => invoke<ContainerRow[]>('containers');
export const volumes = () => invoke<VolumeRow[]>('volumes');
export const buildCache = () => invoke<BuildCacheRow[]>('build_cache');
export const engines = () => invoke<EngineChoice[]>('engines');
export const switchEngine = (host: string | null) => invoke<EngineStatus>('switch_engine', { host });
export const lintPath = (path: string) => invoke<LintRun>('lint_path', { path });
export const lintRules = () => invoke<RuleDoc[]>('lint_rules');

/** What the Review tab asks about: a project directory or a Dockerfile, and optionally which
 * Dockerfile, which image to join it with (else the best match) and which stage. */
export type ReviewAsk = { path: string; dockerfile?: string | null; image?: string | null; target?: string | null };
/** Reviews a Dockerfile with the image it built and the context it sends; the shell keeps the
 * review, so preview, apply and rebuild work on exactly what the user saw. */
export function reviewProject(ask: ReviewAsk, onProgress: (p: ReviewProgress) => void): Promise<Reviewed> {
  const channel = new Channel<ReviewProgress>();
  channel.onmessage = onProgress;
  return invoke<Reviewed>('review_project', {
    path: ask.path, dockerfile: ask.dockerfile ?? null, image: ask.image ?? null, target: ask.target ?? null, channel,
  });
}
/** The combined diff and the files that applying `steps` would write (nothing is written). */
export const reviewPreview = (dockerfile: string, steps: string[]) => invoke<Preview>('review_preview', { dockerfile, steps });
/** Writes the chosen fixes, each file backed up beside itself. */
export const reviewApply = (dockerfile: string, steps: string[]) => invoke<Applied>('review_apply', { dockerfile, steps });
/** Puts back what the last apply to this Dockerfile wrote. */
export const reviewUndo = (dockerfile: string) => invoke<void>('review_undo', { dockerfile });
/** Builds the reviewed Dockerfile with the chosen fixes as a trial image (the file on disk is
 * untouched) and compares it with the reviewed image; `onProgress` hears the build's steps. */
export function reviewRebuild(dockerfile: string, steps: string[], network: string | null,
  onProgress: (p: BuildProgress) => void): Promise<Comparison> {
  const channel = new Channel<BuildProgress>();
  channel.onmessage = onProgress;
  return invoke<Comparison>('review_rebuild', { dockerfile, steps, network, channel });
}
/** Stops the running rebuild; it rejects. */
export const reviewCancelRebuild = () => invoke<void>('review_cancel_rebuild');
/** Plans removing trial images (nothing is removed): run it with `pruneRun` once confirmed. */
export const reviewPlanTrialRemoval = (images: string[]) => invoke<PlanReport>('review_plan_trial_removal', { images });

/** The layer explorer's data; `onProgress` hears how much of the export has streamed. */
export function imageLayers(id: string, onProgress: (p: ExportProgress) => void): Promise<ImageLayers> {
  const channel = new Channel<ExportProgress>();
  channel.onmessage = onProgress;
  return invoke<ImageLayers>('image_layers', { id, channel });
}

/** Plans a prune of the engine as it is now (nothing is removed). */
export const cleanupPlan = (spec: PruneSpec) => invoke<PlanReport>('cleanup_plan', { spec });
/** Runs the plan the user saw (by id); the engine is checked again first, nothing is forced. */
export function pruneRun(planId: string, quarantine: boolean, onProgress: (p: PruneProgress) => void): Promise<RunReport> {
  const channel = new Channel<PruneProgress>();
  channel.onmessage = onProgress;
  return invoke<RunReport>('prune_run', { planId, quarantine, channel });
}
/** Stops a running prune before its next item. */
export const pruneCancel = () => invoke<void>('prune_cancel');
export const cleanupJournal = () => invoke<JournalReport>('cleanup_journal');
export const quarantineList = () => invoke<QuarantineReport>('quarantine_list');
export const quarantineRestore = (imageId: string) => invoke<Restored>('quarantine_restore', { imageId });
/** The persistent keep list (globs on repo:tag that no cleanup ever removes). */
export const keepList = () => invoke<string[]>('keep_list');
export const setKeepList = (keep: string[]) => invoke<string[]>('set_keep_list', { keep });

/** The scheduled clean-up: its terms, its last run, and whether the user has read about it. */
export const scheduleGet = () => invoke<ScheduleReport>('schedule_get');
/** Marks the last scheduled run's notice as read. */
export const scheduleRead = () => invoke<ScheduleReport>('schedule_read');
/** What a scheduled run on these terms would remove now (nothing is removed). */
export const schedulePreview = (schedule: Schedule) => invoke<PlanReport>('schedule_preview', { schedule });
/** Saves the terms. On takes the id of a preview of the same terms, and runs that plan now. */
export const scheduleSet = (schedule: Schedule, planId: string | null) =>
  invoke<ScheduleReport>('schedule_set', { schedule, planId });
/** Called after each scheduled run the app made on its own. */
export function onScheduledCleanup(onRun: (run: ScheduledRun) => void): Promise<UnlistenFn> {
  return listen<ScheduledRun>('scheduled-cleanup', (e) => onRun(e.payload));
}

/** Scans an image against the advisory database; `onProgress` hears how much of the export has
 * streamed (nothing streams when the image's packages were read before). */
export function scanImage(id: string, onProgress: (p: ExportProgress) => void): Promise<ScanReport> {
  const channel = new Channel<ExportProgress>();
  channel.onmessage = onProgress;
  return invoke<ScanReport>('scan_image', { id, channel });
}
/** Stops the scan that is running; it rejects. */
export const scanCancel = () => invoke<void>('scan_cancel');
/** The last scan of this image the app made, if any. */
export const scanLast = (id: string) => invoke<ScanReport | null>('scan_last', { id });
/** The advisory database: its sources and their ages (the app never downloads it). */
export const advisoryStatus = () => invoke<DbStatus>('advisory_status');
/** The severity from which a background scan of a new image raises an alert. */
export const alertThreshold = () => invoke<Severity>('alert_threshold');
export const setAlertThreshold = (threshold: Severity) => invoke<Severity>('set_alert_threshold', { threshold });
/** Called when a background scan of a new image found findings at or above the threshold. */
export function onScanAlert(onAlert: (alert: ScanAlert) => void): Promise<UnlistenFn> {
  return listen<ScanAlert>('scan-alert', (e) => onAlert(e.payload));
}

/** An image's tips from its own files: kept ones at once, else read ahead of the background
 * worker; `onProgress` hears how much of the export has streamed. */
export function imageTips(name: string, onProgress: (p: ExportProgress) => void): Promise<TipsReport> {
  const channel = new Channel<ExportProgress>();
  channel.onmessage = onProgress;
  return invoke<TipsReport>('image_tips', { name, channel });
}
/** The biggest savings across local images, as far as the background worker has read them. */
export const tipsOverview = () => invoke<TipsOverview>('tips_overview');
/** Called each time the background worker has read an image (or started one). */
export function onTipsOverview(onChange: (o: TipsOverview) => void): Promise<UnlistenFn> {
  return listen<TipsOverview>('tips-overview', (e) => onChange(e.payload));
}
/** What flattening an image would do (nothing is made): the saving, the sharing and history it
 * costs, or why it cannot be done faithfully. */
export function flattenPlan(name: string, newTag: string | null, onProgress: (p: FlattenProgress) => void): Promise<FlattenPlan> {
  const channel = new Channel<FlattenProgress>();
  channel.onmessage = onProgress;
  return invoke<FlattenPlan>('flatten_plan', { name, newTag, channel });
}
/** Runs the plan shown for image `id` with the tag the user settled on; one at a time. */
export function flattenRun(id: string, newTag: string | null, onProgress: (p: FlattenProgress) => void): Promise<Flattened> {
  const channel = new Channel<FlattenProgress>();
  channel.onmessage = onProgress;
  return invoke<Flattened>('flatten_run', { id, newTag, channel });
}

/** Keep running in the tray, start at login, the host-disk alert (start at login is the OS's). */
export const desktopSettings = () => invoke<DesktopSettings>('desktop_settings');
export const setDesktopSettings = (settings: DesktopSettings) =>
  invoke<DesktopSettings>('set_desktop_settings', { settings });
/** Called when a tray item or a clicked desktop notification asks for a view. */
export function onOpenView(onOpen: (to: Destination) => void): Promise<UnlistenFn> {
  return listen<Destination>('open-view', (e) => onOpen(e.payload));
}

/** Calls `onChange` whenever the engine reports that something changed (debounced in Rust). */
export function onEngineChanged(onChange: () => void): Promise<UnlistenFn> {
  return listen('engine-changed', () => onChange());
}

/** Disk use over the last day, week, month or year, with the chart of it (an SVG string). */
export const dfHistory = (range: Range) => invoke<DfHistoryView>('df_history', { range });
/** Every build Drydock has seen under one repository name, removed ones too, oldest first. */
export const repositoryHistory = (repository: string) => invoke<RepositoryHistory>('repository_history', { repository });
/** Every repository Drydock has seen, each with its builds. */
export const repositories = () => invoke<RepositoryHistory[]>('repositories');
/** BuildKit's build records the engine keeps. */
export const buildRecords = () => invoke<BuildRecord[]>('build_records');
/** The file-level diff of two images (one diff at a time); `onProgress` hears both reads. */
export function imageDiff(a: string, b: string, onProgress: (p: DiffProgress) => void): Promise<ImageDiff> {
  const channel = new Channel<DiffProgress>();
  channel.onmessage = onProgress;
  return invoke<ImageDiff>('image_diff', { a, b, channel });
}
/** Calls `onSample` after the shell recorded a sample of disk use and the images it saw. */
export function onHistorySampled(onSample: () => void): Promise<UnlistenFn> {
  return listen('history-sampled', () => onSample());
}
