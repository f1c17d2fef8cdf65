//! `mithril-lite`: verify Mithril certificate chains from the command line.
//!
//! The binary is a thin host around the library's sans-IO walk: it reads certificates from a
//! directory or an aggregator, runs the STM checks on worker threads while it fetches the next
//! certificate, and prints the verdict.

mod args;
mod artifacts;
mod driver;
mod output;
mod source;
mod trust_file;

use std::process::ExitCode;

fn main() -> ExitCode {
    let command = match args::parse(std::env::args().skip(1)) {
        Ok(args::Parsed::Run(c)) => c,
        Ok(args::Parsed::Artifacts(c)) => {
            return match artifacts::run(&c) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(message) => {
                    eprintln!("mithril-lite: {message}");
                    ExitCode::from(2)
                }
            };
        }
        Ok(args::Parsed::Help) => {
            print!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(args::Parsed::Version) => {
            println!("mithril-lite {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("mithril-lite: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match driver::run(&command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("mithril-lite: {message}");
            ExitCode::from(2)
        }
    }
}
