//! How far a walk has come: [`ChainWalk::progress`](super::ChainWalk::progress).
//!
//! Every host shows the same numbers, counted once here: a host only moves them to its user
//! (the CLI's progress line, the npm package's `certificate-verified` events, the C ABI's
//! `mithril_lite_walk_progress`).

/// A snapshot of a walk's progress.
///
/// A certificate counts as verified once every check that concerns it has passed: its own
/// (hash, protocol message, epoch), its multi-signature (the pairing equation included) or
/// genesis signature, and the chaining rules that link it to the certificate before it in the
/// walk. Only the certificates of an unbroken run from the starting one count, so the number
/// never goes down and a certificate after a failure never counts.
///
/// Pairing equations are checked in batches ([`super::WalkConfig::pairing_batch`]), so on a
/// short walk every certificate may wait for the last one. `certificates_checked` counts the
/// same run without waiting for the batches: what a progress bar follows (a batch that fails
/// fails the walk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Certificates fetched and read so far (a body that does not parse is not counted).
    pub certificates_fetched: usize,
    /// Certificates checked, counted from the starting one: verified, or verified but for a
    /// pairing equation waiting for its batch (so it goes down if that batch fails).
    pub certificates_checked: usize,
    /// Certificates verified, counted from the starting one (see the type's documentation).
    pub certificates_verified: usize,
    /// Multi-signature checks handed out and not yet completed (a check whose pairing equation
    /// waits for its batch is completed, its certificate not yet verified).
    pub pending_checks: usize,
    /// Epoch of the certificate read last.
    pub current_epoch: Option<u64>,
    /// Epoch of the starting certificate, once read.
    pub start_epoch: Option<u64>,
    /// Epoch of the last checked certificate (the oldest one checked so far).
    pub checked_epoch: Option<u64>,
    /// Epoch of the last verified certificate (the oldest one verified so far).
    pub verified_epoch: Option<u64>,
    /// Epoch the walk is expected to end at: the anchor's own once it is read; before that,
    /// the newest trust checkpoint at or before the starting epoch, if the walk was given
    /// checkpoints with their epochs. Unknown for a walk to genesis until genesis is reached.
    pub anchor_epoch: Option<u64>,
    /// The anchor is read and verified, and so is every certificate before it: the walk
    /// succeeded.
    pub anchor_verified: bool,
}

impl Progress {
    /// The share of the walk done, from 0 to 1, by epochs: the epochs from the starting
    /// certificate back to the last checked one, over the epochs from the starting one back to
    /// the anchor. `None` while the anchor's epoch is unknown (a walk to genesis that has not
    /// reached it) or nothing is read yet. 1 only once the anchor is verified.
    pub fn fraction(&self) -> Option<f64> {
        let start = self.start_epoch?;
        let anchor = self.anchor_epoch?;
        if self.anchor_verified {
            return Some(1.0);
        }
        let Some(checked) = self.checked_epoch else {
            return Some(0.0);
        };
        let span = start.saturating_sub(anchor);
        if span == 0 {
            return Some(0.0);
        }
        let done = start.saturating_sub(checked).min(span);
        // Below 1 until the anchor itself is verified: other certificates share its epoch.
        let share = done as f64 / span as f64;
        Some(if share >= 1.0 { 0.999 } else { share })
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;

    fn at(start: u64, checked: Option<u64>, anchor: Option<u64>) -> Progress {
        Progress {
            certificates_fetched: 3,
            certificates_checked: usize::from(checked.is_some()),
            start_epoch: Some(start),
            checked_epoch: checked,
            anchor_epoch: anchor,
            ..Progress::default()
        }
    }

    #[test]
    fn fraction_needs_the_anchor_epoch() {
        assert_eq!(at(10, Some(8), None).fraction(), None);
        assert_eq!(Progress::default().fraction(), None);
    }

    #[test]
    fn fraction_counts_epochs_back_to_the_anchor() {
        assert_eq!(at(10, None, Some(2)).fraction(), Some(0.0));
        assert_eq!(at(10, Some(10), Some(2)).fraction(), Some(0.0));
        assert_eq!(at(10, Some(6), Some(2)).fraction(), Some(0.5));
        assert_eq!(at(10, Some(4), Some(2)).fraction(), Some(0.75));
        // In the anchor's epoch, but not the anchor yet.
        assert_eq!(at(10, Some(2), Some(2)).fraction(), Some(0.999));
        assert_eq!(at(2, Some(2), Some(2)).fraction(), Some(0.0));
        let done = Progress {
            anchor_verified: true,
            ..at(10, Some(2), Some(2))
        };
        assert_eq!(done.fraction(), Some(1.0));
    }
}
