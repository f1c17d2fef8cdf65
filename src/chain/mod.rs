//! The certificate-chain walk: a sans-IO state machine the host drives by fetching
//! certificates, with the reference's chaining rules plus a genesis-anchor rule.

pub mod config;
pub mod key_cache;
pub mod networks;
pub mod progress;
pub mod rules;
pub mod trust;
pub mod walk;

pub use config::WalkConfig;
pub use key_cache::KeyCache;
pub use networks::{network, Network, NETWORKS};
pub use progress::Progress;
pub use trust::{
    CheckpointError, PendingSegment, TrustCheckpoints, DEFAULT_MAX_CHECKPOINTS,
    MAX_PENDING_SEGMENTS, MAX_SEGMENT_LENGTH,
};
pub use walk::{ChainWalk, Fed, Step, VerifiedCertificate, VerifiedChain};
