use clap::{Args, Parser, Subcommand, ValueEnum};

/// Drydock: see where Docker's disk went, and get it back safely.
#[derive(Debug, Parser)]
#[command(name = "drydock", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Which engine to talk to. Without these, Drydock follows DOCKER_HOST, DOCKER_CONTEXT, the
/// Docker CLI's current context, then the usual sockets, as `docker` does.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Engine address, e.g. unix:///var/run/docker.sock or tcp://host:2376
    #[arg(short = 'H', long = "host", global = true, value_name = "ADDRESS")]
    pub host: Option<String>,
    /// Docker CLI context to use (see `docker context ls`)
    #[arg(
        short = 'c',
        long = "context",
        global = true,
        value_name = "NAME",
        conflicts_with = "host"
    )]
    pub context: Option<String>,
    /// Seconds the engine has to answer each request; long ones (df, exports, removals) go on
    /// while it keeps answering within this
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the engines Drydock can see and which one it uses
    Engines(FormatArg),
    /// List images with exact sizes: shared with other images, and unique to each
    Images(FormatArg),
    /// Show Docker's disk use by kind and what removing unused objects would really free; with
    /// --history, how it changed over time
    Df(DfArgs),
    /// Show an image's build steps, newest first
    History(HistoryArgs),
    /// Show what each layer of an image stores and the bytes later layers hide
    Layers(LayersArgs),
    /// Lint Dockerfiles (no engine needed): cache, size, base images, secrets, shell mistakes
    #[command(after_help = LINT_HELP)]
    Lint(LintArgs),
    /// Explain a lint rule by code or name, or list every rule
    #[command(visible_alias = "rules")]
    Rule(RuleArgs),
    /// Plan a cleanup, show exactly what goes and what it frees, then (once confirmed) do it
    #[command(after_help = PRUNE_HELP)]
    Prune(PruneArgs),
    /// Remove least-recently-used images until Docker's images fit under a size
    Gc(GcArgs),
    /// List quarantined images, or restore one with its id and tags
    Restore(RestoreArgs),
    /// Show past cleanups: what each removed, predicted and freed
    Journal(JournalArgs),
    /// Show or change the saved keep list (globs on repo:tag that cleanups never remove)
    Keep(KeepArgs),
    /// The offline vulnerability database: import advisories, update them, show what is there
    #[command(subcommand, after_help = DB_HELP)]
    Db(DbCommand),
    /// Scan images for known vulnerabilities, offline, against `drydock db`'s advisories
    #[command(after_help = SCAN_HELP)]
    Scan(ScanArgs),
    /// Review a Dockerfile: each instruction with the bytes it wrote in the image it built and
    /// its findings, then the build context it sends
    #[command(after_help = REVIEW_HELP)]
    Review(ReviewArgs),
    /// Flatten an image into a new one-layer image with the same files and config: the exact
    /// saving and what it costs first, then (once confirmed) the result, measured and proved
    Flatten(crate::flatten::FlattenArgs),
    /// Tips from an image's own files: what ships but need not, each with the bytes it would
    /// save, where it is, why it matters and the fix
    #[command(after_help = TIPS_HELP)]
    Tips(TipsArgs),
    /// Every build seen per repository, removed ones too: each build's size and the change from
    /// the one before, the layers it shares with it; BuildKit build records with --records
    #[command(after_help = BUILDS_HELP)]
    Builds(crate::builds::BuildsArgs),
    /// Compare two images file by file: the layers they share, B's size minus A's, and the
    /// files added, removed and changed, biggest first
    Diff(crate::diff::DiffArgs),
}

const BUILDS_HELP: &str = "\
Docker forgets a removed image; Drydock keeps each tagged image it sees (in its data directory,
DRYDOCK_DATA_DIR), so a repository's history lists builds since removed, with the tags they had
when last seen. Each run records what the engine holds now. At most 200 removed builds are kept
per repository, the oldest forgotten first. Exit codes: 0 done, 2 errors.";

const DB_HELP: &str = "\
The database is advisories.sqlite3 in Drydock's data directory (DRYDOCK_DATA_DIR). An import or
update builds a new file and replaces the old one only when complete: a failure leaves it as it
was. Exit codes: 0 done, 2 errors (what could not be read or fetched is named).";

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import advisories: OSV records (a JSON file, a directory, an ecosystem's all.zip), the
    /// Debian Security Tracker's JSON, Alpine secdb files; the format is found from the content.
    /// A source imported again replaces its earlier records
    Import(DbImportArgs),
    /// Download OSV (PyPI, npm, Go, crates.io, Maven), the Debian tracker and Alpine secdb, and
    /// import them
    Update(DbUpdateArgs),
    /// Show the sources in the database, their records and age (a warning after a week)
    Status(FormatArg),
}

#[derive(Debug, Args)]
pub struct DbImportArgs {
    /// Files or directories to import
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    /// Fetch from this mirror instead, at the public sources' paths: <URL>/PyPI/all.zip,
    /// <URL>/tracker/data/json, <URL>/v3.20/main.json, ...
    #[arg(long, value_name = "URL")]
    pub mirror: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

const SCAN_HELP: &str = "\
Each image is read once (its package list is kept by image id, so scanning it again after
`drydock db update` is matching only). Distro packages are matched against their distribution's
own data by source package; language packages against OSV. Ignore findings with a reason (and an
expiry) in .drydock.yaml:
  scan:
    ignore:
      - id: CVE-2023-4911
        reason: the image runs no setuid programs
        expires: 2027-01-31
Exit codes: 0 done, 1 a finding reached --fail-on, 2 usage, engine or database errors.";

/// Severities, as `--severity` and `--fail-on` name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Unknown,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Images of the engine to scan: names, tags or ids
    #[arg(value_name = "IMAGE")]
    pub images: Vec<String>,
    /// Scan a saved image instead (`docker save` tar, or an OCI image layout as a tar)
    #[arg(long, value_name = "FILE")]
    pub archive: Option<std::path::PathBuf>,
    /// Scan a root filesystem directory instead
    #[arg(long, value_name = "DIR", conflicts_with = "archive")]
    pub rootfs: Option<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = crate::scan::ScanFormat::Table)]
    pub format: crate::scan::ScanFormat,
    /// Show only findings of these severities (comma separated: critical,high)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SEVERITY")]
    pub severity: Vec<SeverityArg>,
    /// Show only findings that have a fix
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Exit 1 when a finding at or above this severity is shown
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// The config holding the ignore list (default: the nearest .drydock.yaml from here up)
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
}

const PRUNE_HELP: &str = "\
Nothing is removed without --yes or a confirmation on the terminal; without a terminal and
without --yes, drydock prune only refuses. Nothing is ever forced: whatever changed since the plan
(an image a new container uses, a volume now mounted) is skipped and reported. Volumes hold data:
only the ones named after --volumes can go. Every removal is journaled (`drydock journal`).
Exit codes: 0 done, 1 some planned objects were skipped, 2 usage or engine errors (or the engine
went away mid-run: what was done is reported and journaled).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImagesArg {
    /// Untagged images (what `docker image prune` takes)
    Dangling,
    /// Every image no container uses (what `docker image prune --all` takes)
    Unused,
}

/// Whether to run after planning: one of these, or a question on the terminal.
#[derive(Debug, Args)]
pub struct Confirm {
    /// Show the plan only; remove nothing
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Run the plan without asking
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Save each image (docker save) into Drydock's data directory before removing it, so
    /// `drydock restore` can bring it back
    #[arg(long)]
    pub quarantine: bool,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Images: `dangling` (the default when given alone) or `unused`
    #[arg(long, value_enum, value_name = "WHICH", num_args = 0..=1, default_missing_value = "dangling")]
    pub images: Option<ImagesArg>,
    /// Stopped containers (running and paused ones always stay)
    #[arg(long)]
    pub containers: bool,
    /// These volumes, by name, if no container that stays mounts them
    #[arg(long, value_name = "NAME", num_args = 1..)]
    pub volumes: Vec<String>,
    /// Custom networks no container that stays is attached to
    #[arg(long)]
    pub networks: bool,
    /// Build cache not in use
    #[arg(long)]
    pub build_cache: bool,
    /// The safe default: dangling images, containers stopped and created over a day ago, build
    /// cache unused for a week; never volumes
    #[arg(long, conflicts_with_all = ["images", "containers", "volumes", "networks", "build_cache", "until", "label", "label_not"])]
    pub one_click: bool,
    /// Only objects at least this old, e.g. 24h, 7d, 1h30m
    #[arg(long, value_name = "AGE")]
    pub until: Option<String>,
    /// Only objects with this label (key or key=value; repeatable)
    #[arg(long, value_name = "KEY[=VALUE]")]
    pub label: Vec<String>,
    /// Only objects without this label (key or key=value; repeatable)
    #[arg(long = "label!", value_name = "KEY[=VALUE]")]
    pub label_not: Vec<String>,
    /// Never remove images matching this glob on repo:tag (repeatable; adds to `drydock keep`)
    #[arg(long, value_name = "PATTERN")]
    pub keep: Vec<String>,
    #[command(flatten)]
    pub confirm: Confirm,
}

#[derive(Debug, Args)]
pub struct GcArgs {
    /// The most Docker's images may take, e.g. 20GB or 512MiB
    #[arg(long, value_name = "SIZE", value_parser = drydock_cleanup::parse_size)]
    pub max_size: u64,
    /// Never remove images matching this glob on repo:tag (repeatable; adds to `drydock keep`)
    #[arg(long, value_name = "PATTERN")]
    pub keep: Vec<String>,
    #[command(flatten)]
    pub confirm: Confirm,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Quarantined image id (or its start); without it, the quarantine is listed
    #[arg(value_name = "IMAGE_ID")]
    pub image: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// How many of the newest runs to show
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct KeepArgs {
    /// Add this glob (repeatable)
    #[arg(long, value_name = "PATTERN")]
    pub add: Vec<String>,
    /// Remove this glob (repeatable)
    #[arg(long, value_name = "PATTERN")]
    pub remove: Vec<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct DfArgs {
    /// Show disk use over time instead: the sample each `drydock df` (and the app) recorded,
    /// the cleanups between them, and when the host disk fills at the recent rate
    #[arg(long)]
    pub history: bool,
    /// With --history: how far back to look (12h, 30d, 2w, 1y) [default: 30d]
    #[arg(long, value_name = "AGE", requires = "history")]
    pub since: Option<String>,
    /// Output format; svg (the chart) with --history only
    #[arg(long, value_enum, default_value_t = DfFormat::Table)]
    pub format: DfFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DfFormat {
    Table,
    Json,
    Svg,
}

#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Image name, tag or id
    pub image: String,
    #[command(flatten)]
    pub format: FormatArg,
}

const LINT_HELP: &str = "\
Config: .hadolint.yaml or .drydock.yaml, the nearest from the current directory up:
  failure-threshold: warning      # error | warning | info | style | none
  ignored: [DL3008, latest-base-image]
  override: {error: [DL3001], info: [DD003]}
  trustedRegistries: [docker.io, registry.example.com:5000]
  label-schema: {maintainer: email}   # text | url | spdx | rfc3339 | hash | semver | email
  strict-labels: true             # no labels outside label-schema
Pragmas: `# hadolint ignore=DL3008` (next instruction), `# hadolint global ignore=DL3008`
(whole file); `# drydock ignore=...` also takes Drydock codes and names.
Exit codes: 0 clean, 1 a finding reached the threshold, 2 usage, file or config error.
Every rule: `drydock rule --list`. Details: docs/lint.md.";

/// `drydock lint`: findings go to stdout; exit 1 when one reaches the failure threshold.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Dockerfiles, or directories to search for them (default: the current directory); `-`
    /// reads one from stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Output format
    #[arg(short = 'f', long, value_enum, default_value_t = LintFormat::Tty)]
    pub format: LintFormat,
    /// Exit 0 even when findings reach the failure threshold
    #[arg(long)]
    pub no_fail: bool,
    /// Never colour the output (as NO_COLOR does)
    #[arg(long)]
    pub no_color: bool,
    /// Lowest level that makes the exit code 1 [default: the config's, else info]
    #[arg(short = 't', long, value_enum, value_name = "LEVEL")]
    pub failure_threshold: Option<Threshold>,
    /// Config file to use instead of the nearest .hadolint.yaml / .drydock.yaml
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Never report this rule (code, name or hadolint code; repeatable), on top of the config
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Run only this rule (code, name or hadolint code; repeatable)
    #[arg(long = "rule", value_name = "RULE")]
    pub rules: Vec<String>,
    /// Registry base images may come from (repeatable), on top of the config's trustedRegistries
    #[arg(long, value_name = "REGISTRY")]
    pub trusted_registry: Vec<String>,
    /// Require label NAME on every image, its value of TYPE: text, url, spdx, rfc3339, hash,
    /// semver or email (repeatable), on top of the config's label-schema
    #[arg(long, value_name = "NAME:TYPE", value_parser = label_requirement)]
    pub require_label: Vec<(String, drydock_lint::LabelType)>,
    /// Report labels the label schema does not name (the config's strict-labels)
    #[arg(long)]
    pub strict_labels: bool,
    /// Apply the rules' mechanical fixes to each file in place (the original kept as
    /// FILE.drydock-bak) and print them as a unified diff; findings left decide the exit code
    #[arg(long, conflicts_with_all = ["diff", "format"])]
    pub fix: bool,
    /// Print the fixes `--fix` would make as a unified diff, without writing
    #[arg(long, conflicts_with = "format")]
    pub diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// For people: each finding with its source line underlined
    Tty,
    /// hadolint's keys plus Drydock's
    Json,
    /// SARIF 2.1.0, for code-scanning services
    Sarif,
    /// Checkstyle XML, for CI servers that read it
    Checkstyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Threshold {
    Error,
    Warning,
    Info,
    Style,
    /// Never fail (hadolint's `ignore` means the same)
    #[value(alias = "ignore")]
    None,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule code, name or hadolint code (e.g. DD301, latest-base-image, DL3007); without it,
    /// every rule is listed
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,
    /// List every rule: code, name, category, level, hadolint code, summary
    #[arg(long, conflicts_with = "rule")]
    pub list: bool,
}

/// `drydock layers`: per-layer figures and wasted space; with `--ci`, thresholds decide the exit
/// code (1 when one fails).
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("thresholds")
        .multiple(true)
        .args(["max_hidden_bytes", "min_efficiency"])
))]
pub struct LayersArgs {
    /// Image name, tag or id; with --archive, which of the archive's images (if it holds several)
    #[arg(required_unless_present = "archive")]
    pub image: Option<String>,
    /// Read a saved image instead of asking the engine: a `docker save` tar or an OCI image
    /// layout tar; `-` reads stdin
    #[arg(long, value_name = "FILE.tar")]
    pub archive: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub format: FormatArg,
    /// Check the thresholds given: exit 1 naming each that fails, 0 when all pass
    #[arg(long, requires = "thresholds")]
    pub ci: bool,
    /// With --ci: fail when later layers hide more than BYTES
    #[arg(long, value_name = "BYTES", requires = "ci")]
    pub max_hidden_bytes: Option<u64>,
    /// With --ci: fail when the efficiency, (stored - hidden) / stored, is below F (0 to 1)
    #[arg(long, value_name = "F", requires = "ci", value_parser = fraction)]
    pub min_efficiency: Option<f64>,
}

/// `NAME:TYPE` of `--require-label` (the type after the last colon).
fn label_requirement(text: &str) -> Result<(String, drydock_lint::LabelType), String> {
    let types = drydock_lint::config::label_types();
    let (name, kind) = text.rsplit_once(':').ok_or_else(|| {
        format!("{text:?} is not NAME:TYPE (e.g. maintainer:email; types: {types})")
    })?;
    if name.trim().is_empty() {
        return Err(format!("{text:?} names no label (e.g. maintainer:email)"));
    }
    let kind = drydock_lint::LabelType::parse(kind)
        .ok_or_else(|| format!("{kind:?} is not a label type: {types}"))?;
    Ok((name.trim().to_string(), kind))
}

fn fraction(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not between 0 and 1 (e.g. 0.9 for 90%)"))
    }
}

const REVIEW_HELP: &str = "\
The image is the engine's image whose history best matches the Dockerfile, or --image. Without
an engine, the Dockerfile and its context are reviewed alone. Exit codes: 0 reviewed, 2 usage,
file or engine errors. JSON: docs/cli.md.";

/// `drydock review`: the annotated Dockerfile and its build context.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The build context directory (default: the current directory), or a Dockerfile (its
    /// directory is then the context)
    #[arg(value_name = "PATH")]
    pub path: Option<std::path::PathBuf>,
    /// The Dockerfile [default: PATH/Dockerfile]
    #[arg(long, value_name = "FILE")]
    pub dockerfile: Option<std::path::PathBuf>,
    /// The image to review it against (name, tag or id) instead of the best match
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// The stage to review (`FROM ... AS name`) [default: the last]
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// A build argument the image was built with, as `docker build --build-arg` takes it
    /// (repeatable; a bare NAME takes its value from the environment)
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    pub build_args: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReviewFormat::Tty)]
    pub format: ReviewFormat,
    /// Build the Dockerfile with every autofix applied (in memory: the file is not written) as
    /// a trial image, and compare it with the reviewed image
    #[arg(long)]
    pub rebuild: bool,
    /// With --rebuild: the network for RUN steps (`none`, `host`, ...) [default: the engine's]
    #[arg(long, value_name = "NETWORK", requires = "rebuild")]
    pub network: Option<String>,
    /// With --rebuild: the builder
    #[arg(long, value_enum, default_value_t = BuilderArg::Buildkit, requires = "rebuild")]
    pub builder: BuilderArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BuilderArg {
    /// BuildKit, the default builder of current engines
    Buildkit,
    /// The legacy builder, for engines without BuildKit
    Classic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    /// The Dockerfile line by line, then the context
    Tty,
    /// The review as one JSON object (docs/cli.md)
    Json,
}

const TIPS_HELP: &str = "\
The image is read once (its facts are kept by image id, so asking again is quick); the base-image
tip compares it with the other local images each time. Tips are advice: exit code 0 with or
without them, 2 on usage, file or engine errors. JSON: docs/cli.md.";

/// `drydock tips`: what an image could lose, in bytes, and how.
#[derive(Debug, Args)]
pub struct TipsArgs {
    /// Image name, tag or id; with --archive, which of the archive's images (if it holds several)
    #[arg(required_unless_present = "archive")]
    pub image: Option<String>,
    /// Read a saved image instead of asking the engine: a `docker save` tar or an OCI image
    /// layout tar; `-` reads stdin
    #[arg(long, value_name = "FILE.tar")]
    pub archive: Option<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TipsFormat::Tty)]
    pub format: TipsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TipsFormat {
    /// One block per tip: what, the bytes, where, why and the fix; then what all would save
    Tty,
    /// The report as one JSON object (docs/cli.md)
    Json,
}
