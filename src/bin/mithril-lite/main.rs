//! `mithril-lite`: verify Mithril certificate chains, and what they certify, from the command
//! line.
//!
//! The binary is a thin host around the library's sans-IO walk: it reads certificates from a
//! directory or an aggregator, runs the STM checks on worker threads while it fetches the next
//! certificate, and prints the verdict. The light-wallet subcommands fetch a proof or artifact,
//! walk its certificate's chain and check it with the library's `proofs` API.

mod args;
mod artifacts;
mod bodies;
mod driver;
mod output;
mod questions;
mod source;
mod style;
mod trust_file;

use std::process::ExitCode;

/// 0 verified, 1 a negative verdict, 2 a usage, I/O or fetch error.
fn exit(outcome: Result<bool, String>) -> ExitCode {
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("mithril-lite: {message}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    match args::parse(std::env::args_os().skip(1)) {
        Ok(args::Parsed::Run(c)) => exit(driver::run(&c)),
        Ok(args::Parsed::Artifacts(c)) => exit(artifacts::run(&c)),
        Ok(args::Parsed::Question(c)) => exit(questions::run(&c)),
        Ok(args::Parsed::Text(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mithril-lite: {}\n\n{}", e.message, e.help);
            ExitCode::from(2)
        }
    }
}
