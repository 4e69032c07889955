// Shapes of the data the Rust shell sends (serde's field names). Kept beside ipc.ts.
export interface KindUsage { count: number; active: number; size: number; reclaimable: number }
export interface HostDisk { data_root: string; mount_point: string; total: number; free: number }
export interface DfReport { images: KindUsage; containers: KindUsage; volumes: KindUsage; build_cache: KindUsage; host?: HostDisk }
export interface Overview { report: DfReport; docker_bytes: number; image_count: number; reclaimable_chart: string; top_images_chart: string }
export interface ImageRow { id: string; tags: string[]; digests: string[]; created: string; size: number; shared_size: number; unique_size: number; containers: number; dangling: boolean }
export interface HistoryRow { id: string; created: string; created_by: string; size: number; comment: string; empty_layer: boolean; tags: string[] }
export interface Layer { chain_id: string; diff_id: string; size: number }
export interface ContainerRow { id: string; name: string; image: string; image_id: string; state: string; status: string; created: string; size: number; active: boolean }
export interface ImageDetail { history: HistoryRow[]; layers: Layer[]; containers: ContainerRow[] }
export interface VolumeRow { name: string; driver: string; mountpoint: string; size: number; containers: number; in_use: boolean }
export interface BuildCacheRow { id: string; kind: string; description: string; size: number; in_use: boolean; shared: boolean; created: string; last_used: string | null; usage_count: number }
export interface EngineChoice { source: string; endpoint: string; present: boolean; chosen: boolean }
export type LintLevel = 'error' | 'warning' | 'info' | 'style';
export interface Finding {
  file: string; line: number; column: number; end_line: number; end_column: number;
  code: string; rule: string; level: LintLevel; message: string; hadolint: string | null; fix: string | null;
}
export interface LintedFile { path: string; lines: [number, string][]; findings: Finding[] }
export interface LintRun { root: string; files: LintedFile[]; config_files: string[]; problems: string[] }
export interface RuleDoc { code: string; name: string; category: string; level: LintLevel; hadolint: string | null; summary: string; doc: string }
export type HiddenHow = 'overwritten' | 'removed' | 'opaque';
export interface LayerRow { index: number; digest: string; created_by: string; size: number; files_added: number; files_modified: number; files_removed: number; hidden_bytes: number }
export interface Wasted { path: string; bytes: number; written_in: number; hidden_in: number; how: HiddenHow }
export interface LayerReport { image: string; stored_bytes: number; hidden_bytes: number; efficiency: number; layers: LayerRow[]; wasted: Wasted[] }
export interface TreeEntry { path: string; kind: 'dir' | 'file' | 'other'; size: number; layer: number | null; hidden: { layer: number; how: HiddenHow } | null }
export interface FileTree { entries: TreeEntry[]; truncated: boolean }
export interface ImageLayers { report: LayerReport; tree: FileTree; kept: boolean }
export interface ExportProgress { read: number; total: number }
// Cleanup (prune plans, runs, journal, quarantine): crates/cleanup and crates/prune.
export type PruneKind = 'image' | 'container' | 'volume' | 'network' | 'buildcache';
export interface PlanItem { kind: PruneKind; id: string; name: string; bytes: number; reason: string; refs?: string[] }
export interface PruneSpec {
  one_click: boolean; images: 'dangling' | 'unused' | null; containers: boolean; volumes: string[];
  networks: boolean; build_cache: boolean; until: string | null; labels: string[]; keep: string[];
}
export interface PlanView { plan_id: string; planned_at: number; items: PlanItem[]; predicted_reclaim: number; kept: [string, string][] }
export type PruneStep = 'checking' | 'saving' | 'removing' | 'removed' | 'skipped' | 'measuring';
export interface PruneProgress { done: number; total: number; step: PruneStep; item: PlanItem | null }
export interface SkippedItem { kind: PruneKind; id: string; name: string; reason: string }
export interface PruneOutcome {
  plan_id: string; plan: PlanItem[]; predicted_reclaim: number; removed: PlanItem[]; skipped: SkippedItem[];
  actual_reclaim: number | null; quarantined: string[]; stopped: string | null; unsettled: PlanItem[];
}
export interface PruneRun {
  plan_id: string; started: number; finished: number | null; why: string; predicted: number; actual: number | null;
  removed: number; skipped: number; stopped: string | null;
}
/** removed: gone; untagged: only `tags` went, the image stayed; unsettled: asked for, outcome not known yet. */
export type JournalStatus = 'removed' | 'untagged' | 'unsettled';
export interface JournalEntry {
  plan_id: string; at: number; kind: string; object_id: string; name: string; tags: string[]; bytes: number; reason: string; quarantined: boolean;
  status: JournalStatus;
}
export interface Journal { runs: PruneRun[]; entries: JournalEntry[]; total_freed: number }
export interface QuarantineEntry { image_id: string; tags: string[]; file_bytes: number; saved_at: number; expires_at: number; plan_id: string }
export interface QuarantineView { entries: QuarantineEntry[]; max_bytes: number; max_days: number; dir: string }
export interface Restored { image_id: string; tags: string[]; not_restored: [string, string][] }

export interface Schedule { enabled: boolean; max_bytes: number; every_hours: number; quarantine: boolean }
export interface ScheduledRun {
  at: number; plan_id: string | null; removed: number; skipped: number; freed: number | null;
  image_bytes: number; max_bytes: number; fits: boolean; error: string | null;
}
export interface ScheduleView { schedule: Schedule; last: ScheduledRun | null; next_run: number | null; last_read: boolean }
export interface SchedulePreview { plan: PlanView; image_bytes: number; max_bytes: number; fits: boolean }
