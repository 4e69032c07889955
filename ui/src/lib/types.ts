// Generated from the Rust types by src-tauri/src/contract.rs: do not edit by hand.
// DRYDOCK_BLESS=1 cargo test -p drydock-app --test ipc_contract writes it anew.

export type IpcError = { code: ErrorCode, message: string, };
export type ErrorCode = "engine_unavailable" | "not_found" | "in_use" | "invalid_input" | "internal";
export type EngineStatus = { endpoint: string, source: string, name: string, version: string, api_version: string, os: string, data_root: string, };
export type EngineChoice = { source: string, endpoint: string, present: boolean, chosen: boolean, };
export type Overview = { report: DfReport, 
/**
 * Bytes Docker holds in all: images, containers, volumes and build cache.
 */
docker_bytes: number, image_count: number, reclaimable_chart: string, top_images_chart: string, };
export type DfReport = { images: KindUsage, containers: KindUsage, volumes: KindUsage, build_cache: KindUsage, host: HostDisk | null, };
export type KindUsage = { count: number, 
/**
 * Objects in use: images with containers, running containers, volumes mounted by a container,
 * build-cache records in use.
 */
active: number, size: number, 
/**
 * Bytes that removing every unused object of this kind would free.
 */
reclaimable: number, };
export type HostDisk = { data_root: string, mount_point: string, total: number, free: number, };
export type ImageRow = { 
/**
 * Full content-addressed id, `sha256:...`.
 */
id: string, 
/**
 * `repo:tag` names; empty for a dangling image (never `<none>:<none>`).
 */
tags: Array<string>, 
/**
 * `repo@sha256:...` digests from a registry, if any.
 */
digests: Array<string>, 
/**
 * RFC 3339, UTC.
 */
created: string, size: number, 
/**
 * Bytes of layers this image shares with at least one other image.
 */
shared_size: number, 
/**
 * `size - shared_size`: what this image alone holds.
 */
unique_size: number, 
/**
 * Containers, running or not, created from this image.
 */
containers: number, dangling: boolean, };
export type ImageDetail = { history: Array<HistoryRow>, layers: Array<Layer>, containers: Array<ContainerRow>, };
export type HistoryRow = { 
/**
 * The image id for steps that are images of their own, otherwise `<missing>`.
 */
id: string, created: string, 
/**
 * The engine's text, unchanged.
 */
created_by: string, size: number, comment: string, 
/**
 * True when the step changed only metadata and wrote no layer.
 */
empty_layer: boolean, tags: Array<string>, };
export type Layer = { chain_id: string, diff_id: string, size: number, };
export type ContainerRow = { id: string, 
/**
 * The container's name without the engine's leading `/`.
 */
name: string, 
/**
 * The image as the container was created from it (a tag or an id).
 */
image: string, image_id: string, state: string, status: string, created: string, 
/**
 * Bytes in the container's writable layer.
 */
size: number, 
/**
 * Running, paused or restarting: `docker container prune` leaves it alone.
 */
active: boolean, };
export type VolumeRow = { name: string, driver: string, mountpoint: string, 
/**
 * Bytes of content, or -1 where the engine cannot tell (non-local drivers).
 */
size: number, 
/**
 * Containers, running or not, that mount it.
 */
containers: number, in_use: boolean, };
export type BuildCacheRow = { id: string, kind: string, description: string, size: number, in_use: boolean, 
/**
 * Its bytes are also an image layer: pruning the cache does not free them.
 */
shared: boolean, created: string, last_used: string | null, usage_count: number, };
export type ImageLayers = { report: LayerReport, tree: FileTree, 
/**
 * Read from the store, not from the engine.
 */
kept: boolean, };
export type ExportProgress = { 
/**
 * Bytes of the export read so far.
 */
read: number, 
/**
 * The image's size as its history gives it: the export is about as large (a little more,
 * for tar headers and metadata).
 */
total: number, };
export type LayerReport = { image: string, 
/**
 * Bytes of regular-file content in all layers (hard links carry none).
 */
stored_bytes: number, 
/**
 * The part of `stored_bytes` not visible in the final filesystem.
 */
hidden_bytes: number, 
/**
 * `(stored_bytes - hidden_bytes) / stored_bytes`; 1.0 for an image with no bytes.
 */
efficiency: number, 
/**
 * Lowest layer first.
 */
layers: Array<LayerRow>, 
/**
 * Biggest first.
 */
wasted: Array<Wasted>, };
export type LayerRow = { index: number, 
/**
 * The uncompressed layer's digest (its diff id), as `docker inspect` lists the layers.
 */
digest: string, 
/**
 * The build step that wrote the layer; empty when the history does not say.
 */
created_by: string, 
/**
 * Bytes of regular-file content this layer stores.
 */
size: number, 
/**
 * Files, links and special files (not directories) new at their path.
 */
files_added: number, 
/**
 * ... that replace one a lower layer put at the same path.
 */
files_modified: number, 
/**
 * ... of lower layers that this layer's whiteouts or opaque directories remove.
 */
files_removed: number, 
/**
 * Bytes this layer wrote that a later layer hides.
 */
hidden_bytes: number, };
export type Wasted = { 
/**
 * Rooted (`/etc/x`); where the content was written.
 */
path: string, bytes: number, 
/**
 * Index of the layer that wrote the content.
 */
written_in: number, 
/**
 * Index of the layer that hid it.
 */
hidden_in: number, how: HiddenHow, };
export type HiddenHow = "overwritten" | "removed" | "opaque";
export type FileTree = { 
/**
 * Parents before their children, siblings by name (compared component by component, so a
 * directory's subtree is contiguous). A hidden file sits after the visible entry at its path.
 */
entries: Array<TreeEntry>, 
/**
 * The entries stop at [`Limits::max_tree_entries`] or [`Limits::max_tree_bytes`]; the
 * report's figures are still exact.
 */
truncated: boolean, };
export type TreeEntry = { 
/**
 * Rooted (`/etc/x`).
 */
path: string, kind: EntryKind, 
/**
 * Bytes of content (a hard link shows its content's); 0 for directories and links.
 */
size: number, 
/**
 * The layer that last wrote the path (for a hidden file: the one that wrote it). `None` for
 * a directory no layer lists, only implied by the paths under it.
 */
layer: number | null, 
/**
 * Set when a later layer hid this file's content.
 */
hidden: HiddenBy | null, };
export type EntryKind = "dir" | "file" | "other";
export type HiddenBy = { layer: number, how: HiddenHow, };
export type LintRun = { 
/**
 * The path linted, as given (`~` expanded by the app).
 */
root: string, files: Array<LintedFile>, 
/**
 * Config files that applied (`.hadolint.yaml`, `.drydock.yaml`).
 */
config_files: Array<string>, 
/**
 * Files that could not be read, with why.
 */
problems: Array<string>, };
export type LintedFile = { 
/**
 * As findings name it: relative to the run's base directory when it lies below it.
 */
path: string, 
/**
 * Source lines the findings point at, by line number (cut to 400 chars), so a view can
 * show them without the rest of the file.
 */
lines: Array<[number, string]>, findings: Array<Finding>, };
export type Finding = { file: string, line: number, column: number, end_line: number, end_column: number, 
/**
 * The rule's stable code (`DD001`), `parse-error`, or a suppression finding's code.
 */
code: string, 
/**
 * The rule's kebab-case name.
 */
rule: string, level: LintLevel, message: string, 
/**
 * The matching hadolint code (`DL3008`, `SC2086`), if any.
 */
hadolint: string | null, 
/**
 * What to write instead, when the rule knows.
 */
fix: string | null, };
export type LintLevel = "style" | "info" | "warning" | "error";
export type RuleDoc = { code: string, name: string, category: string, level: LintLevel, hadolint: string | null, 
/**
 * False for a rule that runs only when asked for (a config's `override` level or
 * `--rule`), as hadolint's `ignore`-level rules do.
 */
on_by_default: boolean, summary: string, doc: string, };
export type Reviewed = { 
/**
 * Most impact first.
 */
walkthrough: Array<WalkStep>, 
/**
 * The Dockerfile's text as reviewed: the walkthrough's diffs and ids refer to it.
 */
source: string, 
/**
 * What the user should know about how the review was made (no engine, several matches).
 */
notes: Array<string>, 
/**
 * The Dockerfile as the user named it.
 */
dockerfile: string, 
/**
 * The image the Dockerfile was joined with, if one matched.
 */
image: ReviewedImage | null, 
/**
 * Every instruction of the file, in order.
 */
instructions: Array<ReviewInstruction>, 
/**
 * Findings on no instruction's lines (a comment, the config).
 */
other_findings: Array<Finding>, context: ContextReport | null, 
/**
 * The images that matched at all, best first, so the user can pick another.
 */
candidates: Array<Candidate>, };
export type ReviewProgress = { "phase": "reading" } | { "phase": "matching" } | { "phase": "layers", read: number, total: number, };
export type ReviewedImage = { id: string, tags: Array<string>, confidence: Confidence, };
export type Candidate = { image: string, tags: Array<string>, confidence: Confidence, };
export type Confidence = "exact" | "likely" | "partial" | "none";
export type ReviewInstruction = { 
/**
 * 1-based line the instruction starts on.
 */
line: number, 
/**
 * Its last line (continuations, heredocs).
 */
end_line: number, 
/**
 * The logical line as the builder parsed it.
 */
instruction: string, 
/**
 * The history row's size; `None` when no row of the image is this instruction's.
 */
layer_bytes: number | null, 
/**
 * Bytes its layer wrote that a later layer hides; `None` when not measured.
 */
hidden_bytes: number | null, 
/**
 * The biggest of those paths, biggest first (at most [`PATHS_SHOWN`]).
 */
hidden_paths: Array<HiddenPath>, 
/**
 * Bytes of earlier layers that its layer hides (deletes, overwrites, copies up): what
 * moving its work into the instruction that wrote them would save.
 */
hides_bytes: number | null, findings: Array<Finding>, };
export type HiddenPath = { path: string, bytes: number, 
/**
 * The line of the instruction that hides it, when that instruction is this file's.
 */
hidden_by_line: number | null, };
export type ContextReport = { 
/**
 * Bytes of the regular files sent.
 */
bytes: number, 
/**
 * Entries sent that are not directories (files, symlinks, ...).
 */
files: number, 
/**
 * The ignore file in effect, relative to the context (`Dockerfile.dev.dockerignore`,
 * `.dockerignore`), if any.
 */
ignore_file: string | null, 
/**
 * What in the ignore file makes Docker refuse to build.
 */
ignore_errors: Array<string>, 
/**
 * Directories (one and two levels deep) by bytes sent, biggest first.
 */
biggest_dirs: Array<[string, number]>, 
/**
 * Bytes sent that no COPY or ADD of the Dockerfile reads.
 */
unused_bytes: number, 
/**
 * The biggest of those paths (top-level entries of the context), biggest first.
 */
biggest_unused: Array<[string, number]>, should_not_send: Array<ContextFlagged>, secrets: Array<ContextFlagged>, 
/**
 * Lines to add to the ignore file, and the bytes they would keep out of the context.
 */
proposed_dockerignore: Array<string>, proposed_saves_bytes: number, 
/**
 * The walk stopped at [`MAX_ENTRIES`]: the figures are a lower bound.
 */
truncated: boolean, 
/**
 * Paths that could not be read (Docker itself fails the build on those).
 */
unreadable: Array<string>, };
export type ContextFlagged = { path: string, bytes: number, why: string, };
export type WalkStep = { 
/**
 * Stable within one review: `DD105@12:1` (rule at line and column), `context@ignore`.
 */
id: string, impact: Impact, 
/**
 * The rule behind it (its doc says why); `None` for the context's step.
 */
code: string | null, rule: string | null, line: number | null, title: string, 
/**
 * Why it matters, in a paragraph (the rule's doc says more).
 */
why: string, 
/**
 * The file the fix changes, as the review names it.
 */
file: string, 
/**
 * The fix alone as a unified diff of `file`; `None` when no fix is mechanical.
 */
diff: string | null, 
/**
 * What the user should write instead when there is no diff.
 */
instead: string | null, 
/**
 * The bytes measured behind the step: the instruction's layer, the context.
 */
at_stake_bytes: number | null, 
/**
 * What the fix should save, when that is known before rebuilding.
 */
saves_bytes: number | null, };
export type Impact = "image" | "context" | "cache" | "security" | "other";
export type Applied = { written: Array<Written>, 
/**
 * The diffs of every file written, together.
 */
diff: string, 
/**
 * Steps whose fix clashed with an earlier one's and was left for the next review.
 */
left_out: Array<string>, };
export type Written = { path: string, 
/**
 * The backup of what it held; `None` when the file is new.
 */
backup: string | null, };
export type Preview = { 
/**
 * The diffs of every file that would change, together.
 */
diff: string, files: Array<PreviewFile>, 
/**
 * Chosen steps whose fix clashes with an earlier one's: they wait for the next review.
 */
left_out: Array<string>, };
export type PreviewFile = { path: string, 
/**
 * Where its current text will be kept; `None` when the file is new.
 */
backup: string | null, };
export type Comparison = { before: Measure, after: Measure, trial_tag: string, trial_image: string, 
/**
 * The original built as a trial too (no reviewed image was given): its tag, also labelled
 * [`TRIAL_LABEL`].
 */
before_trial_tag: string | null, 
/**
 * `before.bytes - after.bytes`: negative when the image grew.
 */
saved_bytes: number, 
/**
 * `saved_bytes` as a percentage of `before.bytes`.
 */
saved_percent: number, 
/**
 * `-184 MB, -62%`, or `+3 MB, +1%`.
 */
summary: string, 
/**
 * Whether the trial image still runs its command; `None`: not checked (see the module).
 */
runs: boolean | null, };
export type Measure = { 
/**
 * The image id.
 */
image: string, tags: Array<string>, 
/**
 * The image's size: the sum of its layers.
 */
bytes: number, layers: number, 
/**
 * Bytes stored in a layer and hidden by a later one.
 */
hidden_bytes: number, 
/**
 * Lint findings of the Dockerfile text it was built from.
 */
findings: number, 
/**
 * Known vulnerabilities; `None` when not counted (no advisory database given).
 */
vulnerabilities: number | null, };
export type BuildProgress = { "kind": "step", index: number | null, of: number | null, name: string, state: StepState, 
/**
 * The builder's message when the step failed.
 */
error: string | null, } | { "kind": "log", text: string, };
export type StepState = "started" | "cached" | "done" | "failed";
export type PruneSpec = { one_click: boolean, images: ImageChoice | null, containers: boolean, 
/**
 * Volumes by name: the only way a volume is ever pruned.
 */
volumes: Array<string>, networks: boolean, build_cache: boolean, 
/**
 * Only objects at least this old (`24h`, `7d`); volumes are chosen by name instead.
 */
until: string | null, 
/**
 * `key`, `key=value` select; `!key`, `!key=value` exclude.
 */
labels: Array<string>, 
/**
 * Keep globs on `repo:tag`, on top of the saved keep list.
 */
keep: Array<string>, };
export type ImageChoice = "dangling" | "unused";
export type PlanReport = { 
/**
 * Runs take this id: only a plan the user saw is run.
 */
plan_id: string, 
/**
 * Unix seconds.
 */
planned_at: number, 
/**
 * In the order they are removed.
 */
items: Array<PlanItem>, 
/**
 * What the engine's disk use drops by if the plan runs as it is.
 */
predicted_reclaim: number, 
/**
 * What matched the selection but stays, and why.
 */
kept: Array<Kept>, 
/**
 * For least-recently-used plans (`drydock gc`, the schedule): the images' size and limit.
 */
gc: GcFit | null, };
export type PlanItem = { kind: PruneKind, 
/**
 * What the engine removes it by: image, container, network and build-cache ids, volume names.
 */
id: string, 
/**
 * What people know it by: a tag, a container or volume name.
 */
name: string, 
/**
 * Bytes freed when removed at its place in the plan.
 */
bytes: number, reason: string, 
/**
 * An image's tags and digests as the plan saw them: the only references a run removes (a
 * reference added since means the image changed, and it stays).
 */
refs?: Array<string>, };
export type PruneKind = "image" | "container" | "volume" | "network" | "buildcache";
export type Kept = { id: string, reason: string, };
export type GcFit = { 
/**
 * The images' bytes now, each shared layer counted once.
 */
image_bytes: number, max_bytes: number, 
/**
 * Whether they fit under the limit once the plan has run: what stays (in use, kept, bases of
 * those) can be larger than the limit on its own.
 */
fits: boolean, };
export type PruneProgress = { 
/**
 * Items finished (removed or skipped) so far, of `total`.
 */
done: number, total: number, step: PruneStep, 
/**
 * The item this step is about, if any.
 */
item: PlanItem | null, };
export type PruneStep = "checking" | "saving" | "removing" | "removed" | "skipped" | "measuring";
export type RunReport = { 
/**
 * Runs take this id: only a plan the user saw is run.
 */
plan_id: string, 
/**
 * Unix seconds.
 */
planned_at: number, 
/**
 * In the order they are removed.
 */
items: Array<PlanItem>, 
/**
 * What the engine's disk use drops by if the plan runs as it is.
 */
predicted_reclaim: number, 
/**
 * What matched the selection but stays, and why.
 */
kept: Array<Kept>, 
/**
 * For least-recently-used plans (`drydock gc`, the schedule): the images' size and limit.
 */
gc: GcFit | null, removed: Array<PlanItem>, skipped: Array<SkippedItem>, 
/**
 * The drop in the engine's disk use, df before and after; `None` if the engine could not
 * be asked afterwards.
 */
actual_reclaim: number | null, 
/**
 * Image ids saved to quarantine before removal.
 */
quarantined: Array<string>, 
/**
 * Why the run ended before its last item, if it did. Items not reached are in `skipped`.
 */
stopped: string | null, 
/**
 * Items whose removal was asked for but whose outcome is not known (the engine's answer
 * never came): journaled as unsettled, settled against the engine when it is next reached.
 */
unsettled: Array<PlanItem>, };
export type RunOutcome = { removed: Array<PlanItem>, skipped: Array<SkippedItem>, 
/**
 * The drop in the engine's disk use, df before and after; `None` if the engine could not
 * be asked afterwards.
 */
actual_reclaim: number | null, 
/**
 * Image ids saved to quarantine before removal.
 */
quarantined: Array<string>, 
/**
 * Why the run ended before its last item, if it did. Items not reached are in `skipped`.
 */
stopped: string | null, 
/**
 * Items whose removal was asked for but whose outcome is not known (the engine's answer
 * never came): journaled as unsettled, settled against the engine when it is next reached.
 */
unsettled: Array<PlanItem>, };
export type SkippedItem = { kind: PruneKind, id: string, name: string, reason: string, };
export type JournalReport = { 
/**
 * Newest first.
 */
runs: Array<PruneRun>, 
/**
 * The removals of those runs, newest first; each names its run's `plan_id`.
 */
entries: Array<JournalEntry>, 
/**
 * Bytes freed by every cleanup on record.
 */
total_freed: number, };
export type PruneRun = { plan_id: string, 
/**
 * Unix seconds.
 */
started: number, finished: number | null, 
/**
 * Who asked: `prune`, `one-click`, `gc`, ...
 */
why: string, predicted: number, 
/**
 * Bytes measured from the engine (df before and after); `None` when it could not be measured.
 */
actual: number | null, removed: number, skipped: number, 
/**
 * Why the run ended before its last item (engine gone, cancelled), if it did.
 */
stopped: string | null, };
export type JournalEntry = { plan_id: string, at: number, kind: string, object_id: string, name: string, 
/**
 * An image's tags and digests as they were just before removal.
 */
tags: Array<string>, bytes: number, reason: string, quarantined: boolean, 
/**
 * Ignored when an intent is written; read back as the entry's state.
 */
status: JournalStatus, };
export type JournalStatus = "removed" | "untagged" | "unsettled";
export type QuarantineReport = { entries: Array<QuarantineEntry>, max_bytes: number, max_days: number, dir: string, };
export type QuarantineEntry = { image_id: string, tags: Array<string>, file_bytes: number, saved_at: number, expires_at: number, plan_id: string, };
export type Restored = { image_id: string, tags: Array<string>, 
/**
 * References not restored, with why (a tag that now names another image stays on it).
 */
not_restored: Array<[string, string]>, };
export type Schedule = { enabled: boolean, 
/**
 * Docker's image bytes (each shared layer once) are brought under this.
 */
max_bytes: number, every_hours: number, 
/**
 * Save images to the quarantine before removing them.
 */
quarantine: boolean, };
export type ScheduledRun = { at: number, 
/**
 * The journal's plan id; `None` when nothing was planned (it fit, or the engine was away).
 */
plan_id: string | null, removed: number, skipped: number, 
/**
 * Measured from the engine; `None` when it could not be measured or nothing ran.
 */
freed: number | null, 
/**
 * Image bytes when the run planned, and whether they fit under the limit after it.
 */
image_bytes: number, max_bytes: number, fits: boolean, 
/**
 * Why the run did not happen or stopped early.
 */
error: string | null, };
export type ScheduleReport = { schedule: Schedule, last: ScheduledRun | null, 
/**
 * When the next run is due (seconds since the epoch); `None` while off.
 */
next_run: number | null, 
/**
 * Whether the user has dismissed the notice of the last run.
 */
last_read: boolean, };
export type ScanReport = { image: ImageRef, os: Os | null, 
/**
 * The advisory sources matched against, with their ages.
 */
db: Array<DbSource>, 
/**
 * How many packages the image holds.
 */
packages: number, 
/**
 * Most severe first.
 */
findings: Array<ScanFinding>, 
/**
 * Files that could not be read as what they claim to be, and files too big to read.
 */
problems: Array<string>, };
export type ImageRef = { 
/**
 * `sha256:...`, or the archive's or directory's name when there is no id.
 */
id: string, tags: Array<string>, };
export type Os = { 
/**
 * `ID`: `debian`, `ubuntu`, `alpine`, `fedora`, `rhel`, `rocky`, `almalinux`, `amzn`, ...
 */
id: string, 
/**
 * `VERSION_ID`: `12`, `3.17.2`, `2023`, ...
 */
version: string, 
/**
 * `PRETTY_NAME`, for people.
 */
name: string, };
export type DbSource = { name: string, records: number, 
/**
 * Unix seconds.
 */
imported_at: number, 
/**
 * Seconds since the import, at the time of the scan.
 */
age: number, };
export type ScanFinding = { 
/**
 * The advisory's id (`CVE-2024-1234`, `GHSA-...`, `RUSTSEC-...`, `GO-...`, `PYSEC-...`).
 */
id: string, 
/**
 * Every other id it is known by.
 */
aliases: Array<string>, 
/**
 * The installed package's name.
 */
package: string, 
/**
 * The distribution's source package, for distro packages; `None` otherwise.
 */
source_package: string | null, ecosystem: string, installed: string, 
/**
 * The first version with the fix, when there is one.
 */
fixed: string | null, status: FixStatus, severity: Severity, 
/**
 * The CVSS base score the severity came from, when it came from one.
 */
cvss: number | null, purl: string, 
/**
 * The file that declares the package.
 */
path: string, 
/**
 * The layer that wrote that file (0 = the lowest).
 */
layer: number, 
/**
 * That layer's build step, as the image's history gives it (empty when unknown).
 */
step: string, 
/**
 * The package came with the base image (see [`crate::from_base_image`]): the fix is a
 * rebuild on a newer base, not an upgrade in this image's own steps.
 */
base_image: boolean, summary: string, };
export type FixStatus = "fixed" | "affected" | "will_not_fix" | "deferred" | "end_of_life";
export type Severity = "critical" | "high" | "medium" | "low" | "none" | "unknown";
export type DbStatus = { 
/**
 * False until something was imported (`drydock db update` or `drydock db import`).
 */
present: boolean, 
/**
 * The database's directory.
 */
path: string, sources: Array<DbSource>, 
/**
 * Whether any source is older than a week.
 */
stale: boolean, };
export type ScanAlert = { image: ImageRef, 
/**
 * True for a new image; false for a rescan after the advisory database changed.
 */
new_image: boolean, threshold: Severity, 
/**
 * How many findings are at or above the threshold.
 */
findings: number, 
/**
 * The worst of them.
 */
worst: Severity, };
export type TipsReport = { 
/**
 * The name the image was asked by (or its first tag).
 */
image: string, 
/**
 * The image id (`sha256:...`).
 */
id: string, tags: Array<string>, 
/**
 * Bytes of regular-file content the image's layers store.
 */
size: number, 
/**
 * What the tips would save together, each byte counted once.
 */
could_save: number, 
/**
 * Biggest saving first.
 */
tips: Array<Tip>, 
/**
 * What could not be read or judged, one line each.
 */
notes: Array<string>, };
export type Tip = { kind: TipKind, 
/**
 * One line: what and where.
 */
title: string, 
/**
 * Bytes the fix would save.
 */
bytes: number, 
/**
 * `true`: `bytes` is measured on the image; `false`: an upper bound ("up to"), `estimate`
 * says what it rests on.
 */
exact: boolean, estimate: string | null, 
/**
 * Biggest first, at most a few dozen; `more_paths` counts the rest.
 */
paths: Array<TipPath>, more_paths: number, 
/**
 * The layer (lowest is 0) and the build step that wrote it, where one does.
 */
layer: number | null, step: string | null, 
/**
 * The practice, in a sentence or two.
 */
why: string, 
/**
 * The Dockerfile change or the command that applies it.
 */
fix: string, };
export type TipPath = { 
/**
 * Rooted (`/var/lib/apt/lists`).
 */
path: string, bytes: number, layer: number, };
export type TipKind = "package_cache" | "build_tools" | "hidden_bytes" | "duplicate_files" | "build_leftovers" | "base_image" | "runs_as_root" | "secret_in_file" | "secret_in_config";
export type TipsOverview = { 
/**
 * The biggest savings across all images read so far, biggest first; tips that save no
 * bytes (root, secrets) are on each image's Tips tab.
 */
tips: Array<ImageTip>, 
/**
 * Images whose tips are known (read now or kept from an earlier read).
 */
done: number, 
/**
 * Images that could not be read; each image's Tips tab says why.
 */
failed: number, 
/**
 * Images still to read.
 */
pending: number, 
/**
 * Whether the worker is reading an image now.
 */
computing: boolean, };
export type ImageTip = { 
/**
 * The image's first tag, or its short id when it has none.
 */
image: string, id: string, tags: Array<string>, tip: Tip, };
export type FlattenPlan = { 
/**
 * The name the image was asked by.
 */
image: string, 
/**
 * The image id (`sha256:...`); the run refuses when the name points elsewhere by then.
 */
id: string, tags: Array<string>, 
/**
 * The tag the flat image will get; the run refuses when it exists by then.
 */
new_tag: string, 
/**
 * Layers today (the flat image has one).
 */
layers: number, 
/**
 * Bytes of regular-file content the layers store today (layer analysis).
 */
stored_bytes: number, 
/**
 * The flat image's bytes: `stored_bytes - predicted_saving`.
 */
predicted_bytes: number, 
/**
 * Bytes later layers hide today, which the flat image does not carry.
 */
predicted_saving: number, 
/**
 * Bytes of this image's layers that other local images use today; the flat image shares
 * none of them, so keeping both costs these again.
 */
shared_bytes: number, 
/**
 * The local images that share them.
 */
sharing_images: Array<string>, 
/**
 * The build steps the flat image's history will not have, oldest first.
 */
history_lost: Array<string>, 
/**
 * Why this image cannot be flattened faithfully; set, the run refuses.
 */
refusal: string | null, };
export type Flattened = { plan: FlattenPlan, new_id: string, new_tag: string, 
/**
 * Bytes of regular-file content the flat image stores (layer analysis), next to
 * `plan.predicted_bytes`.
 */
measured_bytes: number, 
/**
 * The engine's own size of both images.
 */
engine_size_before: number, engine_size_after: number, 
/**
 * Content digests of both filesystems (paths, types, modes, owners, link targets, contents).
 */
original_digest: string, flattened_digest: string, same_tree: boolean, };
export type FlattenProgress = { "stage": "reading", read: number, total: number, } | { "stage": "loading" } | { "stage": "verifying", read: number, total: number, };
export type Range = "day" | "week" | "month" | "year";
export type DfHistoryView = { history: DfHistory, 
/**
 * The plotters SVG; the UI shows it through `<img>`, never as markup.
 */
svg: string, };
export type DfHistory = { 
/**
 * Unix seconds: the span asked for.
 */
since: number, until: number, 
/**
 * Oldest first.
 */
samples: Array<Sample>, 
/**
 * Cleanups from the journal within the span, oldest first.
 */
cleanups: Array<CleanupMark>, 
/**
 * When the host disk fills at the recent rate; only when the samples support it.
 */
forecast: Forecast | null, };
export type Sample = { 
/**
 * Unix seconds. A compacted sample stands for its hour or day and carries its last time.
 */
at: number, images: KindUsage, containers: KindUsage, volumes: KindUsage, build_cache: KindUsage, 
/**
 * The host disk under the engine's data root, when the engine runs on this machine.
 */
host: HostDisk | null, };
export type CleanupMark = { 
/**
 * Unix seconds the run ended.
 */
at: number, 
/**
 * Bytes the run freed, as measured.
 */
freed: number, 
/**
 * Objects it removed.
 */
removed: number, };
export type Forecast = { 
/**
 * Unix seconds when the host disk's free bytes reach zero at `bytes_per_day`.
 */
full_at: number, 
/**
 * Growth of Docker's use, bytes per day, over the samples it rests on.
 */
bytes_per_day: number, 
/**
 * What it rests on, in words ("the last 14 days: 38 samples").
 */
basis: string, };
export type SeenImage = { 
/**
 * `sha256:...`
 */
id: string, 
/**
 * Tags it had when last seen.
 */
tags: Array<string>, 
/**
 * Unix seconds the image says it was created.
 */
created: number, 
/**
 * Nanoseconds past `created`'s second, so builds within one second keep their order; 0
 * when not known (images recorded before Drydock read it).
 */
created_nanos: number, 
/**
 * The engine's size.
 */
size: number, 
/**
 * Diff ids, lowest first.
 */
layers: Array<string>, 
/**
 * Unix seconds Drydock first and last saw it.
 */
first_seen: number, last_seen: number, 
/**
 * Still on the engine.
 */
present: boolean, };
export type Build = { image: SeenImage, 
/**
 * Size minus the previous build's; `None` for the first.
 */
size_delta: number | null, 
/**
 * Layers it shares with the previous build (a common prefix is what the cache reused).
 */
shared_layers: number | null, };
export type RepositoryHistory = { repository: string, 
/**
 * Oldest first (by created time to the nanosecond where known, then first seen).
 */
builds: Array<Build>, };
export type BuildRecord = { id: string, 
/**
 * The step as BuildKit describes it (`[2/4] RUN ...`).
 */
description: string, kind: string, size: number, in_use: boolean, shared: boolean, 
/**
 * Unix seconds; `None` when the engine does not say.
 */
created: number | null, last_used: number | null, usage_count: number, 
/**
 * The local image it produced, where that can be told.
 */
image: string | null, };
export type ImageDiff = { 
/**
 * The names asked, and their ids.
 */
a: string, b: string, a_id: string, b_id: string, 
/**
 * Layers both images have at the same place from the bottom (the shared base).
 */
shared_layers: number, 
/**
 * B's size minus A's (bytes of regular-file content of their final filesystems).
 */
size_delta: number, 
/**
 * Biggest first. Files whose content is identical count as unchanged even when their
 * layer differs.
 */
added: Array<PathBytes>, removed: Array<PathBytes>, changed: Array<ChangedPath>, };
export type DiffProgress = { 
/**
 * The name asked for (A's or B's).
 */
image: string, 
/**
 * Bytes of its export read so far.
 */
read: number, 
/**
 * About the export's size (the image's size as its history gives it).
 */
total: number, };
export type PathBytes = { 
/**
 * Rooted (`/app/dist/main.js`).
 */
path: string, bytes: number, };
export type ChangedPath = { path: string, bytes_before: number, bytes_after: number, };
export type DesktopSettings = { 
/**
 * Closing the window keeps Drydock running in the tray while a schedule or alerts are on.
 */
keep_in_tray: boolean, 
/**
 * Drydock starts, in the tray, when the user logs in. The OS's login items are the truth.
 */
start_at_login: boolean, 
/**
 * A desktop notification when the disk Docker uses crosses `disk_alert_percent`.
 */
disk_alert: boolean, 
/**
 * 50 to 99.
 */
disk_alert_percent: number, 
/**
 * Whether the tray icon is shown (read only): without it closing the window quits.
 */
tray: boolean, };
export type Destination = "overview" | "cleanup" | "scan-all" | "security" | "journal" | "settings";
