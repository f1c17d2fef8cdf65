//! The code table of an error enum, declared once.
//!
//! Each error enum of the crate ([`Error`](crate::Error), [`StmError`](crate::StmError),
//! [`ProofError`](crate::proofs::ProofError), [`CheckpointError`](crate::chain::CheckpointError))
//! is a plain enum, documented variant by variant, with an [`error_table!`] beside it: one row
//! per variant giving its string code, its number and its message. The macro writes `code()`,
//! `numeric_code()`, `Display` and the `CODES` list from those rows, so the four can no longer
//! disagree; the match it generates is exhaustive, so a variant without a row does not compile.
//!
//! What is checked against the rows rather than generated from them (the C enum, which cbindgen
//! must read as written; the TypeScript unions; the README's table) is checked in
//! `tests/error_codes.rs`.
//!
//! ```ignore
//! error_table! {
//!     MyError {
//!         // A row: variant (with the fields the message uses), code, number, message.
//!         TooBig { size, .. } => "too_big", 100, "{size} bytes";
//!         // A message with arguments beyond the inline ones: in parentheses.
//!         Named { name } => "bad_name", 101, ("the name {}", Quoted(name));
//!         // A message that needs code: `|f| expression` writing to the formatter `f`.
//!         Maybe { value } => "maybe", 102, (|f| match value {
//!             Some(v) => write!(f, "{v}"),
//!             None => write!(f, "nothing"),
//!         });
//!     }
//!     // Optional: variants that wrap another table's error and report its code and number.
//!     delegate {
//!         Wrapped { inner } => inner, "wrapped: {inner}";
//!     }
//! }
//! ```

/// Generates `code()`, `numeric_code()`, `CODES` and `Display` for an error enum from one row
/// per variant (see the module documentation for the syntax).
macro_rules! error_table {
    (
        $ty:ident {
            $(
                $variant:ident $({ $($field:tt)* })? => $code:literal, $number:literal, $msg:tt;
            )*
        }
        $(
            delegate {
                $( $dvariant:ident { $($dfield:tt)* } => $inner:ident, $dmsg:tt; )*
            }
        )?
    ) => {
        impl $ty {
            /// Every string code of this enum's own variants with its number, in table order
            /// (a variant that wraps another error reports that error's codes instead).
            pub const CODES: &'static [(&'static str, u32)] = &[$(($code, $number)),*];

            /// Stable string code: bindings pass it through unchanged (see [`Self::CODES`]).
            pub fn code(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => $code,)*
                    $($(Self::$dvariant { $inner, .. } => $inner.code(),)*)?
                }
            }

            /// Stable numeric code, the C ABI's (see [`Self::CODES`]).
            pub fn numeric_code(&self) -> u32 {
                match self {
                    $(Self::$variant { .. } => $number,)*
                    $($(Self::$dvariant { $inner, .. } => $inner.numeric_code(),)*)?
                }
            }
        }

        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $(
                        Self::$variant $({ $($field)* })? => {
                            $crate::error_table::error_message!(f, $msg)
                        }
                    )*
                    $($(
                        Self::$dvariant { $($dfield)* } => {
                            $crate::error_table::error_message!(f, $dmsg)
                        }
                    )*)?
                }
            }
        }
    };
}

/// One row's message written to the formatter: a format string (inline arguments only), a
/// parenthesised format string with arguments, or `(|f| expression)`.
macro_rules! error_message {
    // The closure form first: the others cannot start with `|`.
    ($f:ident, (|$g:ident| $body:expr)) => {{
        let $g = $f;
        $body
    }};
    ($f:ident, ($fmt:literal $(, $arg:expr)* $(,)?)) => {
        write!($f, $fmt $(, $arg)*)
    };
    ($f:ident, $fmt:literal) => {
        write!($f, $fmt)
    };
}

pub(crate) use error_message;
pub(crate) use error_table;
