//! The `zhengce` binary: parses arguments, runs, maps errors to exit codes.

mod cli;

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

// mimalloc serves the many small allocations of a search (postings, snippets, JSON) faster
// than the system allocator; BENCHMARKS.md (fourth session) has the figures.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // The server logs its requests by default; the other commands only warnings.
    #[cfg(feature = "http")]
    let default_filter = match args.command {
        cli::Command::Serve { .. } => "info",
        _ => "warn",
    };
    #[cfg(not(feature = "http"))]
    let default_filter = "warn";
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`zhengce search … | head`) is not an error.
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("zhengce: {e:#}");
            ExitCode::from(2)
        }
    }
}
