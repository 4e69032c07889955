//! One function per subcommand: open the engine, ask the domain crates, render.

use crate::args::{Cli, Command, DbCommand, DfFormat, EngineArgs, Format};
use crate::error::CliError;
use crate::output::{self, Render};
use drydock_engine::{discover, ConnectOptions, Engine, HostEnv, Selection};
use std::time::Duration;

pub struct Outcome {
    pub stdout: String,
    /// An error to report after the output, with exit code 2.
    pub error: Option<CliError>,
    /// Findings reached the failure threshold: exit code 1 (when there is no error).
    pub failed: bool,
}

impl Outcome {
    pub(crate) fn ok(stdout: String) -> Outcome {
        Outcome {
            stdout,
            error: None,
            failed: false,
        }
    }
}

pub async fn run(cli: Cli) -> Result<Outcome, CliError> {
    let selection = Selection {
        host: cli.engine.host.clone(),
        context: cli.engine.context.clone(),
    };
    let opts = connect_options(&cli.engine)?;
    let env = HostEnv::from_process();
    match cli.command {
        Command::Engines(f) => engines(&selection, &env, &opts, output::pick(f.format)).await,
        Command::Images(f) => {
            let engine = open(&selection, &env, &opts).await?;
            let usage = engine.disk_usage().await?;
            let rows = drydock_inventory::image_rows(&usage.images);
            // The build history keeps what each listing saw (`drydock builds`).
            crate::builds::record_quietly(&engine, usage).await;
            Ok(Outcome::ok(output::pick(f.format).images(&rows)))
        }
        // The history is the store's: no engine needed.
        Command::Df(args) if args.history => crate::df_history::run(&args),
        Command::Df(args) => {
            let format = match args.format {
                DfFormat::Table => Format::Table,
                DfFormat::Json => Format::Json,
                DfFormat::Svg => {
                    return Err(CliError::new("--format svg draws disk use over time")
                        .fix("add --history: drydock df --history --format svg"))
                }
            };
            let engine = open(&selection, &env, &opts).await?;
            let report = engine.df().await?;
            crate::df_history::record(&report);
            Ok(Outcome::ok(output::pick(format).df(&report)))
        }
        Command::History(h) => {
            let engine = open(&selection, &env, &opts).await?;
            let rows = engine.history(&h.image).await?;
            Ok(Outcome::ok(output::pick(h.format.format).history(&rows)))
        }
        Command::Layers(l) => {
            let report = match &l.archive {
                Some(file) => crate::layers::read_archive(file, l.image.as_deref())?,
                None => {
                    let engine = open(&selection, &env, &opts).await?;
                    let image = l.image.as_deref().unwrap_or_default();
                    engine.layer_report(image).await?
                }
            };
            Ok(crate::layers::outcome(&l, &report))
        }
        // Offline: these read files, never the engine.
        Command::Lint(args) => crate::lint::run(&args),
        Command::Rule(args) => crate::lint::rule(&args),
        Command::Prune(args) => {
            let engine = open(&selection, &env, &opts).await?;
            crate::cleanup::prune(&engine, &args).await
        }
        Command::Gc(args) => {
            let engine = open(&selection, &env, &opts).await?;
            crate::cleanup::gc(&engine, &args).await
        }
        Command::Restore(args) => match &args.image {
            None => crate::cleanup::quarantine_list(&args),
            Some(image) => {
                let engine = open(&selection, &env, &opts).await?;
                crate::cleanup::restore(&engine, image, &args).await
            }
        },
        Command::Journal(args) => {
            // Reaching the engine settles what is unsettled; without one, those stay listed as
            // unsettled. Only tried when there is something to settle.
            if crate::cleanup::has_unsettled() {
                let _ = open(&selection, &env, &opts).await;
            }
            crate::cleanup::journal(&args)
        }
        Command::Keep(args) => crate::cleanup::keep(&args),
        // The advisory database is files and downloads, never the engine.
        Command::Scan(args) => {
            // Only images of the engine need it: archives and directories are read offline.
            let engine = if args.images.is_empty() {
                None
            } else {
                Some(open(&selection, &env, &opts).await?)
            };
            crate::scan::run(&args, engine.as_ref()).await
        }
        // The engine is optional: without one, the Dockerfile and its context are reviewed.
        Command::Review(args) => {
            let engine = open(&selection, &env, &opts).await;
            crate::review::run(&args, engine).await
        }
        Command::Flatten(args) => {
            let engine = open(&selection, &env, &opts).await?;
            crate::flatten::run(&args, &engine).await
        }
        Command::Tips(args) => {
            let engine = match args.archive {
                Some(_) => None,
                None => Some(open(&selection, &env, &opts).await?),
            };
            crate::tips::run(&args, engine.as_ref()).await
        }
        Command::Builds(args) => {
            let engine = open(&selection, &env, &opts).await?;
            crate::builds::run(&args, &engine).await
        }
        Command::Diff(args) => {
            let engine = open(&selection, &env, &opts).await?;
            crate::diff::run(&args, &engine).await
        }
        Command::Db(DbCommand::Import(args)) => crate::db::import(&args),
        Command::Db(DbCommand::Update(args)) => crate::db::update(&args),
        Command::Db(DbCommand::Status(args)) => crate::db::status(&args),
    }
}

fn connect_options(args: &EngineArgs) -> Result<ConnectOptions, CliError> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(
            CliError::new(format!("--timeout {} is out of range", args.timeout))
                .fix("give seconds between 0 and 3600, e.g. --timeout 30"),
        );
    }
    Ok(ConnectOptions {
        answer_within: Duration::from_secs_f64(args.timeout),
        ..ConnectOptions::default()
    })
}

async fn open(
    selection: &Selection,
    env: &HostEnv,
    opts: &ConnectOptions,
) -> Result<Engine, CliError> {
    let engine = Engine::open(selection, env, opts).await?;
    crate::cleanup::settle_left_over(&engine).await;
    Ok(engine)
}

async fn engines(
    selection: &Selection,
    env: &HostEnv,
    opts: &ConnectOptions,
    out: Box<dyn Render>,
) -> Result<Outcome, CliError> {
    let found = discover(selection, env)?;
    // Only the chosen engine is contacted: listing must not poke every engine on the machine.
    let answer = match found.chosen() {
        Some(candidate) => Some(match Engine::connect(candidate, opts).await {
            Ok(engine) => engine.status().await,
            Err(e) => Err(e),
        }),
        None => None,
    };
    let rows = output::engine_rows(&found, answer.as_ref());
    let error = match (answer, found.require()) {
        (_, Err(none)) => Some(CliError::from_error(none)),
        (Some(Err(e)), _) => Some(CliError::from_error(e)),
        _ => None,
    };
    Ok(Outcome {
        stdout: out.engines(&rows),
        error,
        failed: false,
    })
}
