//! The `mizan` binary: parses arguments, runs, maps errors to exit codes
//! (documented in `mizan --help`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match mizan::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match mizan::cli::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(mizan::Error::Reported(code)) => ExitCode::from(code),
        Err(e) => {
            // Values from data can hold terminal escape sequences: shown, not obeyed.
            eprintln!("error: {}", mizan::text::escape_control(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}
