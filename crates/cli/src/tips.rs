//! `drydock tips`: what an image ships but need not, from the engine or a saved archive, each
//! tip with the bytes it would save, where it is, why it matters and the fix. Tips are advice:
//! the exit code is 0 with or without them.
//!
//! Paths, build steps, tags and the detectors' text quoting them come from the image: the tty
//! format makes each inert; JSON leaves the escaping to serde.

use crate::args::{TipsArgs, TipsFormat};
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::inert;
use drydock_engine::Engine;
use drydock_inventory::human_bytes;
use drydock_store::Store;
use drydock_tips::{Tip, TipsReport};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::sync::Mutex;

/// A build step is cut to this many characters in the tty format (JSON has it whole).
const STEP_CHARS: usize = 100;

pub async fn run(args: &TipsArgs, engine: Option<&Engine>) -> Result<Outcome, CliError> {
    let report = match (&args.archive, engine) {
        (Some(file), _) => {
            drydock_tips::archive_tips(file, args.image.as_deref()).map_err(CliError::from_error)?
        }
        (None, Some(engine)) => {
            let name = args.image.as_deref().unwrap_or_default();
            engine_tips(engine, name).await?
        }
        (None, None) => {
            return Err(CliError::new("nothing to read")
                .fix("name an image (`drydock tips IMAGE`), or give --archive FILE.tar"))
        }
    };
    let stdout = match args.format {
        TipsFormat::Tty => tty(&report),
        TipsFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    Ok(Outcome::ok(stdout))
}

async fn engine_tips(engine: &Engine, name: &str) -> Result<TipsReport, CliError> {
    // Facts are kept by image id: without a store, the image is read every time.
    let store = drydock_store::data_dir()
        .and_then(|dir| Store::open_in(&dir).ok())
        .map_or_else(Store::in_memory, Ok)
        .map_err(CliError::from_error)?;
    let store = Mutex::new(store);
    let live = std::io::stderr().is_terminal();
    let shown = inert(name);
    let now = drydock_cleanup::unix_now();
    let result = drydock_tips::image_tips(engine, &store, name, now, |p| {
        if live {
            let percent = (p.read.saturating_mul(100))
                .checked_div(p.total)
                .unwrap_or(0)
                .min(100);
            eprint!("\r\x1b[2Kreading {shown}: {percent}%");
        }
    })
    .await;
    if live {
        eprint!("\r\x1b[2K");
    }
    let (report, _) = result.map_err(CliError::from_error)?;
    Ok(report)
}

/// For people: a heading, one block per tip, then what all would save.
pub(crate) fn tty(report: &TipsReport) -> String {
    let mut out = String::new();
    let id = report.id.strip_prefix("sha256:").unwrap_or(&report.id);
    let short = &id[..id.len().min(12)];
    let _ = write!(out, "{}", inert(&report.image));
    if !short.is_empty() && report.image != report.id {
        let _ = write!(out, " ({})", inert(short));
    }
    let _ = writeln!(
        out,
        ": {} stored, {}",
        human(report.size),
        match report.tips.len() {
            0 => "no tips".to_owned(),
            1 => "1 tip".to_owned(),
            n => format!("{n} tips"),
        }
    );
    for tip in &report.tips {
        out.push('\n');
        block(&mut out, tip);
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "could save {} of {}",
        human(report.could_save),
        human(report.size)
    );
    for note in &report.notes {
        let _ = writeln!(out, "note: {}", inert(note));
    }
    out
}

fn block(out: &mut String, tip: &Tip) {
    let _ = writeln!(out, "{}", inert(&tip.title));
    if tip.bytes > 0 {
        let bytes = match (tip.exact, &tip.estimate) {
            (true, _) => human(tip.bytes),
            (false, Some(estimate)) => {
                format!("up to {} (estimate: {})", human(tip.bytes), inert(estimate))
            }
            (false, None) => format!("up to {}", human(tip.bytes)),
        };
        let _ = writeln!(out, "  saves: {bytes}");
    }
    match (tip.layer, &tip.step) {
        (Some(layer), Some(step)) if !step.is_empty() => {
            let _ = writeln!(out, "  where: layer {layer}: {}", inert(&cut(step)));
        }
        (Some(layer), _) => {
            let _ = writeln!(out, "  where: layer {layer}");
        }
        (None, Some(step)) if !step.is_empty() => {
            let _ = writeln!(out, "  where: {}", inert(&cut(step)));
        }
        (None, _) => {}
    }
    for path in &tip.paths {
        let place = if path.bytes > 0 {
            format!("{}, layer {}", human(path.bytes), path.layer)
        } else {
            format!("layer {}", path.layer)
        };
        let _ = writeln!(out, "    {} ({place})", inert(&path.path));
    }
    if tip.more_paths > 0 {
        let _ = writeln!(
            out,
            "    and {} more path{}",
            tip.more_paths,
            if tip.more_paths == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(out, "  why: {}", inert(&tip.why));
    // A fix may be a Dockerfile fragment of several lines: each line kept, each made inert.
    let mut lines = tip.fix.split('\n');
    let _ = writeln!(out, "  fix: {}", inert(lines.next().unwrap_or_default()));
    for line in lines {
        let _ = writeln!(out, "       {}", inert(line));
    }
}

/// A build step on one line: the shell prefix the classic builder writes dropped, cut to
/// [`STEP_CHARS`].
fn cut(step: &str) -> String {
    let step = step.strip_prefix("/bin/sh -c ").unwrap_or(step);
    let step = step.strip_prefix("#(nop) ").unwrap_or(step).trim();
    if step.chars().count() <= STEP_CHARS {
        return step.to_owned();
    }
    let mut short: String = step.chars().take(STEP_CHARS - 1).collect();
    short.push('…');
    short
}

fn human(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_tips::{TipKind, TipPath};

    #[test]
    fn text_from_the_image_is_shown_not_obeyed() {
        let report = TipsReport {
            image: "evil\u{1b}[2J:1".into(),
            id: "sha256:0123456789abcdef".into(),
            tags: vec![],
            size: 2_000_000,
            could_save: 1_500_000,
            tips: vec![Tip {
                kind: TipKind::PackageCache,
                title: "apt lists in \u{1b}]0;x".into(),
                bytes: 1_500_000,
                exact: false,
                estimate: Some("what dpkg says".into()),
                paths: vec![TipPath {
                    path: "/var/lib/apt/lists/\u{202e}x".into(),
                    bytes: 1_500_000,
                    layer: 1,
                }],
                more_paths: 2,
                layer: Some(1),
                step: Some("/bin/sh -c apt-get update\n".into()),
                why: "Caches ship.".into(),
                fix: "RUN apt-get update && apt-get install -y x \\\n    && rm -rf /var/lib/apt/lists/*".into(),
            }],
            notes: vec!["not read: \u{7}".into()],
        };
        assert_eq!(
            tty(&report),
            "evil\\u{1b}[2J:1 (0123456789ab): 2 MB stored, 1 tip\n\
             \n\
             apt lists in \\u{1b}]0;x\n  \
             saves: up to 1.5 MB (estimate: what dpkg says)\n  \
             where: layer 1: apt-get update\n    \
             /var/lib/apt/lists/\\u{202e}x (1.5 MB, layer 1)\n    \
             and 2 more paths\n  \
             why: Caches ship.\n  \
             fix: RUN apt-get update && apt-get install -y x \\\n       \
             \x20   && rm -rf /var/lib/apt/lists/*\n\
             \n\
             could save 1.5 MB of 2 MB\n\
             note: not read: \\u{7}\n"
        );
    }
}
