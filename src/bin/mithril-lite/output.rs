//! Progress on stderr and the verdict on stdout (text or one JSON object).

use std::io::{IsTerminal, Write};

use mithril_lite::chain::walk::Anchor;
use mithril_lite::chain::Progress as WalkProgress;
use mithril_lite::chain::VerifiedChain;
use mithril_lite::Error;
use serde_json::{json, Value};

use crate::style::{escapes_allowed, Style};

/// One line per event on stderr, rewritten in place on a terminal.
pub struct Progress {
    prefix: String,
    tty: bool,
    /// Erase the line with an escape code (else: overwrite it with spaces, for `NO_COLOR`).
    escapes: bool,
    /// Longest line written in place so far.
    width: usize,
    last: (usize, usize, usize),
}

impl Progress {
    pub fn new(index: usize, total: usize, hash: &str) -> Progress {
        let short: String = hash.chars().take(16).collect();
        let prefix = if total > 1 {
            format!("[{}/{total}] {short}", index + 1)
        } else {
            short
        };
        Progress {
            prefix,
            tty: std::io::stderr().is_terminal(),
            escapes: escapes_allowed(),
            width: 0,
            last: (0, 0, 0),
        }
    }

    /// Show the walk's progress (the core's count) if it changed.
    pub fn update(&mut self, progress: &WalkProgress) {
        let (fetched, checked, verified) = (
            progress.certificates_fetched,
            progress.certificates_checked,
            progress.certificates_verified,
        );
        if (fetched, checked, verified) == self.last {
            return;
        }
        self.last = (fetched, checked, verified);
        let epoch = progress
            .current_epoch
            .map_or(String::from("-"), |e| e.to_string());
        // The share is known only when the walk's anchor epoch is (a trust checkpoint's).
        let share = progress
            .fraction()
            .map_or(String::new(), |f| format!(" ({:.0}%)", f * 100.0));
        let line = format!(
            "{}: {fetched} fetched, {checked} checked, {verified} verified, epoch {epoch}{share}",
            self.prefix
        );
        if self.tty {
            self.rewrite(&line, false);
        } else {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }

    /// Write `line` over the current terminal line.
    fn rewrite(&mut self, line: &str, end: bool) {
        let newline = if end { "\n" } else { "" };
        let mut err = std::io::stderr().lock();
        let _ = if self.escapes {
            write!(err, "\r\x1b[2K{line}{newline}")
        } else {
            let width = self.width;
            write!(err, "\r{line:<width$}{newline}")
        };
        self.width = self.width.max(line.chars().count());
    }

    pub fn finish(&mut self, result: &Result<VerifiedChain, Error>) {
        let verdict = match result {
            Ok(chain) => format!(
                "verified ({} certificates checked)",
                chain.certificates_checked
            ),
            Err(e) => format!("FAILED [{}]", e.code()),
        };
        let line = format!("{}: {verdict}", self.prefix);
        if self.tty {
            self.rewrite(&line, true);
        } else {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }
}

pub struct WalkResult {
    pub hash: String,
    pub result: Result<VerifiedChain, Error>,
}

impl WalkResult {
    fn to_json(&self) -> Value {
        match &self.result {
            Ok(chain) => json!({
                "valid": true,
                "certificate": self.hash,
                "epoch": chain.certificate.epoch,
                "signed_entity_type": chain.certificate.signed_entity_type.name(),
                "certificates_checked": chain.certificates_checked,
                "certificates_resumed": chain.resumed.len(),
                "anchor": anchor_hash(&chain.anchor),
                "error": Value::Null,
            }),
            Err(e) => json!({
                "valid": false,
                "certificate": self.hash,
                "epoch": Value::Null,
                "certificates_checked": Value::Null,
                "certificates_resumed": Value::Null,
                "error": {"code": e.code(), "message": e.to_string()},
            }),
        }
    }
}

fn anchor_hash(anchor: &Anchor) -> &str {
    match anchor {
        Anchor::Genesis(h) | Anchor::Trusted(h) => h,
    }
}

pub struct Report {
    json: bool,
    all: bool,
    results: Vec<WalkResult>,
}

impl Report {
    pub fn new(json: bool, all: bool) -> Report {
        Report {
            json,
            all,
            results: Vec::new(),
        }
    }

    pub fn add(&mut self, r: WalkResult) {
        self.results.push(r);
    }

    /// Print the verdict; true when everything verified.
    pub fn print(&self) -> bool {
        let valid = self.results.iter().all(|r| r.result.is_ok());
        if self.json {
            let value = if self.all {
                let first_error = self.results.iter().find_map(|r| r.result.as_ref().err());
                json!({
                    "valid": valid,
                    "certificate": Value::Null,
                    "epoch": Value::Null,
                    "certificates_checked": self.results.iter().filter_map(|r| r.result.as_ref().ok()).map(|c| c.certificates_checked).sum::<usize>(),
                    "error": first_error.map_or(Value::Null, |e| json!({"code": e.code(), "message": e.to_string()})),
                    "results": self.results.iter().map(WalkResult::to_json).collect::<Vec<_>>(),
                })
            } else {
                self.results
                    .first()
                    .map_or(Value::Null, WalkResult::to_json)
            };
            println!("{value}");
        } else {
            let style = Style::detect();
            for r in &self.results {
                match &r.result {
                    Ok(chain) => {
                        let how = match &chain.anchor {
                            Anchor::Genesis(g) => format!("back to genesis certificate {g}"),
                            Anchor::Trusted(t) => {
                                format!("back to certificate {t}, verified earlier in this run")
                            }
                        };
                        println!(
                            "{}   {} (epoch {}, {}) verified {how}: {} certificates checked",
                            style.good("VALID"),
                            r.hash,
                            chain.certificate.epoch,
                            chain.certificate.signed_entity_type.to_json(),
                            chain.certificates_checked
                        );
                    }
                    Err(e) => println!("{} {} [{}]: {e}", style.bad("INVALID"), r.hash, e.code()),
                }
            }
            if self.all {
                let ok = self.results.iter().filter(|r| r.result.is_ok()).count();
                println!("{ok}/{} certificates verified", self.results.len());
            }
        }
        valid
    }
}
