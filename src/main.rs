//! The `bpms` command-line interface: a thin layer over the library (see `src/cli/`).

#![deny(clippy::float_cmp)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
