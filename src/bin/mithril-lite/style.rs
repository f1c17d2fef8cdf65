//! Colour on stdout: only when stdout is a terminal and `NO_COLOR` is not set
//! (<https://no-color.org>; set at all, even empty, counts as set here). With `NO_COLOR` the
//! tool writes no escape code at all, the progress line's erase included.

use std::io::IsTerminal;

/// Whether verdict words are coloured.
#[derive(Clone, Copy)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// Decided once per run from the environment.
    pub fn detect() -> Style {
        Style {
            colour: std::io::stdout().is_terminal() && escapes_allowed(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A positive verdict (green, bold).
    pub fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }

    /// A negative verdict (red, bold).
    pub fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

/// False when `NO_COLOR` is set: no escape codes on any stream.
pub fn escapes_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none()
}
