//! The IPC contract as TypeScript: every type a command takes or returns, declared from the Rust
//! types themselves (ts-rs), so the UI cannot drift from what the shell sends. The declarations
//! are written to `ui/src/lib/types.ts`; a test fails when that file is stale
//! (`DRYDOCK_BLESS=1 cargo test -p drydock-app --test ipc_contract` writes it anew).

use ts_rs::{Config, TS};

/// Where the declarations live, from the workspace root.
pub const TYPES_FILE: &str = "ui/src/lib/types.ts";

/// Declares `T` as an exported TypeScript type.
fn export<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg))
}

/// The whole of `ui/src/lib/types.ts`.
pub fn typescript() -> String {
    // serde_json writes 64-bit integers as plain JSON numbers, so the UI reads `number`; byte
    // counts stay far below 2^53.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        // Errors
        export::<crate::IpcError>(&cfg),
        export::<drydock_engine::ErrorCode>(&cfg),
        // Engine and inventory
        export::<drydock_engine::EngineStatus>(&cfg),
        export::<crate::commands::EngineChoice>(&cfg),
        export::<crate::commands::Overview>(&cfg),
        export::<drydock_inventory::DfReport>(&cfg),
        export::<drydock_inventory::KindUsage>(&cfg),
        export::<drydock_inventory::HostDisk>(&cfg),
        export::<drydock_inventory::ImageRow>(&cfg),
        export::<crate::commands::ImageDetail>(&cfg),
        export::<drydock_inventory::HistoryRow>(&cfg),
        export::<drydock_inventory::Layer>(&cfg),
        export::<drydock_inventory::ContainerRow>(&cfg),
        export::<drydock_inventory::VolumeRow>(&cfg),
        export::<drydock_inventory::BuildCacheRow>(&cfg),
        // Layers
        export::<crate::layers::ImageLayers>(&cfg),
        export::<drydock_engine::ExportProgress>(&cfg),
        export::<drydock_layers::LayerReport>(&cfg),
        export::<drydock_layers::LayerRow>(&cfg),
        export::<drydock_layers::Wasted>(&cfg),
        export::<drydock_layers::How>(&cfg),
        export::<drydock_layers::FileTree>(&cfg),
        export::<drydock_layers::TreeEntry>(&cfg),
        export::<drydock_layers::EntryKind>(&cfg),
        export::<drydock_layers::HiddenBy>(&cfg),
        // Lint
        export::<drydock_lint::LintRun>(&cfg),
        export::<drydock_lint::LintedFile>(&cfg),
        export::<drydock_lint::Finding>(&cfg),
        export::<drydock_lint::Level>(&cfg),
        export::<crate::lint::RuleDoc>(&cfg),
        // Review
        export::<drydock_review::project::Reviewed>(&cfg),
        export::<drydock_review::project::ReviewProgress>(&cfg),
        export::<drydock_review::review::ReviewedImage>(&cfg),
        export::<drydock_review::review::Candidate>(&cfg),
        export::<drydock_review::join::Confidence>(&cfg),
        export::<drydock_review::review::Instruction>(&cfg),
        export::<drydock_review::review::HiddenPath>(&cfg),
        export::<drydock_review::context::ContextReport>(&cfg),
        export::<drydock_review::context::Flagged>(&cfg),
        export::<drydock_review::walkthrough::WalkStep>(&cfg),
        export::<drydock_review::walkthrough::Impact>(&cfg),
        export::<drydock_review::apply::Applied>(&cfg),
        export::<drydock_review::apply::Written>(&cfg),
        export::<drydock_review::apply::Preview>(&cfg),
        export::<drydock_review::apply::PreviewFile>(&cfg),
        export::<drydock_review::rebuild::Comparison>(&cfg),
        export::<drydock_review::rebuild::Measure>(&cfg),
        export::<drydock_engine::BuildProgress>(&cfg),
        export::<drydock_engine::StepState>(&cfg),
        // Cleanup
        export::<drydock_cleanup::Spec>(&cfg),
        export::<drydock_cleanup::ImageChoice>(&cfg),
        export::<drydock_cleanup::PlanReport>(&cfg),
        export::<drydock_prune::Item>(&cfg),
        export::<drydock_prune::Kind>(&cfg),
        export::<drydock_cleanup::Kept>(&cfg),
        export::<drydock_cleanup::GcFit>(&cfg),
        export::<drydock_cleanup::Progress>(&cfg),
        export::<drydock_cleanup::Step>(&cfg),
        export::<drydock_cleanup::RunReport>(&cfg),
        export::<drydock_cleanup::Outcome>(&cfg),
        export::<drydock_cleanup::Skipped>(&cfg),
        export::<drydock_cleanup::JournalReport>(&cfg),
        export::<drydock_store::Run>(&cfg),
        export::<drydock_store::Entry>(&cfg),
        export::<drydock_store::Status>(&cfg),
        export::<drydock_cleanup::QuarantineReport>(&cfg),
        export::<drydock_cleanup::QuarantineEntry>(&cfg),
        export::<drydock_cleanup::Restored>(&cfg),
        export::<drydock_cleanup::Schedule>(&cfg),
        export::<drydock_cleanup::ScheduledRun>(&cfg),
        export::<drydock_cleanup::ScheduleReport>(&cfg),
        // Security
        export::<drydock_scan::ScanReport>(&cfg),
        export::<drydock_scan::ImageRef>(&cfg),
        export::<drydock_catalog::Os>(&cfg),
        export::<drydock_scan::DbSource>(&cfg),
        export::<drydock_scan::Finding>(&cfg),
        export::<drydock_scan::Status>(&cfg),
        export::<drydock_scan::Severity>(&cfg),
        export::<crate::security::DbStatus>(&cfg),
        export::<crate::security::ScanAlert>(&cfg),
        // Tips
        export::<drydock_tips::TipsReport>(&cfg),
        export::<drydock_tips::Tip>(&cfg),
        export::<drydock_tips::TipPath>(&cfg),
        export::<drydock_tips::TipKind>(&cfg),
        export::<crate::tips::TipsOverview>(&cfg),
        export::<crate::tips::ImageTip>(&cfg),
        // Flatten
        export::<drydock_flatten::FlattenPlan>(&cfg),
        export::<drydock_flatten::Flattened>(&cfg),
        export::<drydock_flatten::FlattenProgress>(&cfg),
        // History
        export::<crate::history::Range>(&cfg),
        export::<crate::history::DfHistoryView>(&cfg),
        export::<drydock_history::DfHistory>(&cfg),
        export::<drydock_history::Sample>(&cfg),
        export::<drydock_history::CleanupMark>(&cfg),
        export::<drydock_history::Forecast>(&cfg),
        export::<drydock_history::SeenImage>(&cfg),
        export::<drydock_history::Build>(&cfg),
        export::<drydock_history::RepositoryHistory>(&cfg),
        export::<drydock_history::BuildRecord>(&cfg),
        export::<drydock_history::ImageDiff>(&cfg),
        export::<drydock_history::DiffProgress>(&cfg),
        export::<drydock_history::PathBytes>(&cfg),
        export::<drydock_history::ChangedPath>(&cfg),
        // Desktop: tray, notifications, start at login
        export::<crate::desktop::DesktopSettings>(&cfg),
        export::<crate::desktop::Destination>(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/contract.rs: do not edit by hand.\n\
         // DRYDOCK_BLESS=1 cargo test -p drydock-app --test ipc_contract writes it anew.\n\n",
    );
    for decl in decls {
        out.push_str(&decl);
    }
    out
}
