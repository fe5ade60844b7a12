//! Argument parsing, logging setup, exit codes and output for the `bpms` binary.
//!
//! Exit codes: 0 on success; 2 for bad input (an [`InputError`], or a usage error reported by
//! clap itself); 1 for anything else, such as a singular Fisher information matrix. Output is
//! written to stdout only once everything has succeeded, so a failure never leaves half a table.

mod crb;
mod design;
mod output;
mod report;
mod reproduce;
mod scenario;
mod sweep;

use bpms::design::DesignError;
use bpms::reproduce::ReproduceError;
use bpms::InputError;
use clap::{ArgAction, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use tracing::level_filters::LevelFilter;

/// Exit code for bad input (the one clap uses for usage errors).
const EXIT_BAD_INPUT: u8 = 2;

/// Exit code for any other failure.
const EXIT_FAILURE: u8 = 1;

/// Cramér–Rao bounds for joint bistatic positioning (BP) and monostatic sensing (MS).
#[derive(Debug, Parser)]
#[command(name = "bpms", version, about, long_about = None)]
struct Cli {
    /// More log output on stderr: -v info, -vv debug, -vvv trace (default: warnings only).
    #[arg(short, long, action = ArgAction::Count, global = true)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compute the BP, MS and fused CRBs and PEBs of a scenario for one transmit covariance.
    Crb(crb::CrbArgs),
    /// Design a transmit covariance and beamformers with one scheme.
    Design(design::DesignArgs),
    /// Trace the BP–MS trade-off over α for several schemes and K.
    Sweep(sweep::SweepArgs),
    /// Regenerate the paper's figures 2–6, their data and a report checking its claims (the
    /// main job).
    Reproduce(reproduce::ReproduceArgs),
    /// Print the embedded default scenario (TOML), a starting point for your own.
    Scenario,
}

/// Runs the binary and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let outcome = match &cli.command {
        Command::Crb(args) => crb::run(args).map(|text| (text, true)),
        Command::Design(args) => design::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Reproduce(args) => reproduce::run(args),
        Command::Scenario => Ok((scenario::run(), true)),
    };
    // A finished run whose outcome is not a success (a failed solve, an infeasible cap) still
    // prints its report, and exits 1.
    match outcome.and_then(|(text, ok)| print(&text).map(|()| ok)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(EXIT_FAILURE),
        Err(err) => {
            // A closed or full stderr must not turn a reported error into a panic.
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}

/// 2 when the cause is bad input, 1 otherwise.
fn exit_code(err: &anyhow::Error) -> u8 {
    let bad_input = |cause: &(dyn std::error::Error + 'static)| {
        cause.is::<InputError>()
            || matches!(
                cause.downcast_ref::<DesignError>(),
                Some(DesignError::Input(_))
            )
            || matches!(
                cause.downcast_ref::<ReproduceError>(),
                Some(ReproduceError::Design(DesignError::Input(_)))
            )
    };
    if err.chain().any(bad_input) {
        EXIT_BAD_INPUT
    } else {
        EXIT_FAILURE
    }
}

/// Log records go to stderr; `verbose` counts the `-v` flags.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => LevelFilter::WARN,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .init();
}

/// Writes the finished output in one piece. A closed pipe (`bpms scenario | head`) is not an
/// error.
fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
