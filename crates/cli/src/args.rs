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
    /// Seconds the engine has to answer before Drydock gives up
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the engines Drydock can see and which one it uses
    Engines(FormatArg),
    /// List images with exact sizes: shared with other images, and unique to each
    Images(FormatArg),
    /// Show Docker's disk use by kind and what removing unused objects would really free
    Df(FormatArg),
    /// Show an image's build steps, newest first
    History(HistoryArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
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
