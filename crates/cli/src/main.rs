//! `drydock`: the command-line client. Thin: parse, call the domain crates, print.

mod args;
mod builds;
mod cleanup;
mod commands;
mod confirm;
mod db;
mod df_history;
mod diff;
mod error;
mod flatten;
mod layers;
mod lint;
mod output;
mod review;
mod scan;
mod tips;

use clap::Parser;
use error::CliError;
use std::io::Write;
use std::process::ExitCode;

/// Exit codes: 0 clean, 1 findings or a failed threshold, 2 usage, I/O or engine errors.
pub const EXIT_ERROR: u8 = 2;
pub const EXIT_FINDINGS: u8 = 1;

fn main() -> ExitCode {
    // One thread: the CLI waits on the engine, and on a small machine extra runtime threads only
    // compete with the engine computing its answer.
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&CliError::new("cannot start the async runtime").caused_by(e)),
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(outcome) => match write_stdout(&outcome.stdout) {
            Ok(()) => match outcome.error {
                Some(e) => fail(&e),
                None if outcome.failed => ExitCode::from(EXIT_FINDINGS),
                None => ExitCode::SUCCESS,
            },
            // A closed pipe (`drydock images | head`) is the reader's choice, not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => fail(&CliError::new("cannot write the output").caused_by(e)),
        },
        Err(e) => fail(&e),
    }
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Prints `error: `, the causes and the fix (see [`CliError::report`]) and exits 2.
fn fail(err: &CliError) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "{}", err.report());
    ExitCode::from(EXIT_ERROR)
}
