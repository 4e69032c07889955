//! `drydock flatten`: the plan (exact saving, the sharing and history it costs), a confirmation,
//! then the flat image with its size measured next to the prediction and its filesystem proved
//! the same as the original's.

use crate::commands::Outcome;
use crate::confirm::confirm;
use crate::error::CliError;
use crate::output::inert;
use clap::{Args, ValueEnum};
use drydock_engine::Engine;
use drydock_flatten::{flatten, plan, FlattenPlan, FlattenProgress, Flattened};
use drydock_inventory::human_bytes;
use std::fmt::Write as _;
use std::io::IsTerminal;

#[derive(Debug, Args)]
pub struct FlattenArgs {
    /// Image name, tag or id
    pub image: String,
    /// The flat image's tag [default: the first tag with `-flat` added to it, e.g. app:1-flat]
    #[arg(long, value_name = "NEW")]
    pub tag: Option<String>,
    /// Flatten without asking
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Show the plan only
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = FlattenFormat::Tty)]
    pub format: FlattenFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlattenFormat {
    /// The plan and the result as sentences
    Tty,
    /// The plan (--dry-run, a refusal) or the result as one JSON object (docs/cli.md)
    Json,
}

pub async fn run(args: &FlattenArgs, engine: &Engine) -> Result<Outcome, CliError> {
    let live = std::io::stderr().is_terminal();
    let planned = plan(engine, &args.image, args.tag.as_deref(), |p| {
        if live {
            show_progress(&p);
        }
    })
    .await
    .map_err(CliError::from_error)?;
    if live {
        eprint!("\r\x1b[2K");
    }
    let shown_plan = || match args.format {
        FlattenFormat::Tty => plan_text(&planned),
        FlattenFormat::Json => json(&planned),
    };
    if let Some(reason) = &planned.refusal {
        return Ok(Outcome {
            stdout: shown_plan(),
            error: Some(CliError::new(format!(
                "cannot flatten {}: {}",
                inert(&planned.image),
                reason_text(reason)
            ))),
            failed: false,
        });
    }
    if args.dry_run {
        return Ok(Outcome::ok(shown_plan()));
    }
    if !args.yes {
        ask(&planned)?;
    }
    let work_dir = drydock_store::data_dir()
        .ok_or_else(|| {
            CliError::new("cannot tell where Drydock keeps its data on this system")
                .fix("set DRYDOCK_DATA_DIR to a writable directory")
        })?
        .join("flatten");
    let done = flatten(engine, &planned, &work_dir, |p| {
        if live {
            show_progress(&p);
        }
    })
    .await
    .map_err(CliError::from_error)?;
    if live {
        eprint!("\r\x1b[2K");
    }
    let error = (!done.same_tree).then(|| {
        CliError::new(format!(
            "the flat image {} does not hold the same filesystem as {} (digests {} and {})",
            inert(&done.new_tag),
            inert(&planned.image),
            done.original_digest,
            done.flattened_digest
        ))
        .fix(format!(
            "do not use it: remove it with `docker rmi {}`, and report this",
            inert(&done.new_tag)
        ))
    });
    let stdout = match args.format {
        FlattenFormat::Tty => result_text(&done),
        FlattenFormat::Json => json(&done),
    };
    Ok(Outcome {
        stdout,
        error,
        failed: false,
    })
}

/// A refusal's reason as the error's lines: its own `fix:` line stays one.
fn reason_text(reason: &str) -> String {
    reason.split('\n').map(inert).collect::<Vec<_>>().join("\n")
}

fn json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn human(bytes: u64) -> String {
    human_bytes(i64::try_from(bytes).unwrap_or(i64::MAX))
}

pub(crate) fn plan_text(p: &FlattenPlan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Flatten {} ({}, {} layers) into {}, one layer:",
        inert(&p.image),
        short(&p.id),
        p.layers,
        inert(&p.new_tag)
    );
    let _ = writeln!(
        out,
        "  saves      {:>10}  hidden by later layers (exact)",
        human(p.predicted_saving)
    );
    let _ = writeln!(
        out,
        "  flat size  {:>10}  of files (now {})",
        human(p.predicted_bytes),
        human(p.stored_bytes)
    );
    if p.shared_bytes > 0 {
        let names: Vec<String> = p.sharing_images.iter().map(|n| inert(n)).collect();
        let _ = writeln!(
            out,
            "  costs      {:>10}  shared today with {}; the flat image shares none of it",
            human(p.shared_bytes),
            names.join(", ")
        );
    } else {
        let _ = writeln!(
            out,
            "  costs      {:>10}  shared with no other image",
            human(0)
        );
    }
    let _ = writeln!(
        out,
        "  history    {} steps lost (the flat image has one):",
        p.history_lost.len()
    );
    for step in &p.history_lost {
        let step = if step.is_empty() {
            "(no step recorded: an import, or a tool that wrote none)".to_owned()
        } else {
            inert(step)
        };
        let _ = writeln!(out, "    {step}");
    }
    if let Some(reason) = &p.refusal {
        let _ = writeln!(out, "  refused: {}", reason_text(reason));
    }
    out
}

fn result_text(done: &Flattened) -> String {
    format!(
        "Flattened {} as {} ({}): {} -> {} (predicted {}), same filesystem: {} (digest {})\n  engine size {} -> {}\n",
        inert(&done.plan.image),
        inert(&done.new_tag),
        done.new_id,
        human(done.plan.stored_bytes),
        human(done.measured_bytes),
        human(done.plan.predicted_bytes),
        if done.same_tree { "yes" } else { "NO" },
        done.flattened_digest,
        human(done.engine_size_before),
        human(done.engine_size_after),
    )
}

fn short(id: &str) -> String {
    id.chars().take(19).collect()
}

/// Asks on the terminal; with none, refuses (a script must say --yes).
fn ask(p: &FlattenPlan) -> Result<(), CliError> {
    confirm(
        &format!(
            "{}Create {} ({} of files instead of {})? The original stays.",
            plan_text(p),
            inert(&p.new_tag),
            human(p.predicted_bytes),
            human(p.stored_bytes)
        ),
        "flatten",
        "nothing was flattened",
    )
}

fn show_progress(p: &FlattenProgress) {
    let text = match p {
        FlattenProgress::Reading { read, total } => {
            format!("reading the image: {} of {}", human(*read), human(*total))
        }
        FlattenProgress::Loading => "handing the flat image to the engine".to_owned(),
        FlattenProgress::Verifying { read, total } => {
            format!(
                "verifying the flat image: {} of {}",
                human(*read),
                human(*total)
            )
        }
    };
    eprint!("\r\x1b[2K{text}");
}
