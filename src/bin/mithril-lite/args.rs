//! Command-line arguments (clap derive), and the checks clap cannot express.
//!
//! Parsing never panics: arguments that are not UTF-8 are refused before clap sees them, and
//! clap's errors are turned into one-line messages (exit status 2) by [`parse`].

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use mithril_lite::chain::{network, Network, NETWORKS};

/// Shown after every help text and after a usage error.
const EXIT_STATUS: &str = "\
Exit status: 0 verified (every requested item certified), 1 verification failed or an item is
not certified, 2 usage, I/O or fetch error.";

const TOP_USAGE: &str = "\
mithril-lite verify-chain DIR [--hash HASH | --all] [--genesis-vkey KEY_OR_FILE] [--json]
       mithril-lite verify-chain --aggregator URL [--hash HASH] --genesis-vkey KEY_OR_FILE [--json]
       mithril-lite verify-chain --network NAME [--hash HASH] [--genesis-vkey KEY_OR_FILE] [--json]
       mithril-lite verify-artifacts DIR [--genesis-vkey KEY_OR_FILE] [--json]
       mithril-lite verify-transaction (--network NAME | --aggregator URL | --dir DIR) HASH... [--json]
       mithril-lite verify-block (--network NAME | --aggregator URL | --dir DIR) HASH... [--json]
       mithril-lite verify-stake-distribution --kind mithril|cardano (SOURCE) [HASH | --epoch N]
       mithril-lite verify-cardano-database (SOURCE) [HASH]";

#[derive(Parser, Debug)]
#[command(
    name = "mithril-lite",
    version,
    propagate_version = true,
    args_override_self = true,
    override_usage = TOP_USAGE,
    about = "Verifies Mithril certificates back to the genesis certificate, and what they certify \
             (transactions, blocks, stake distributions, Cardano databases).",
    after_help = EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Verify certificate chains back to the genesis certificate.
    #[command(
        name = "verify-chain",
        override_usage = "mithril-lite verify-chain DIR [--hash HASH | --all] [OPTIONS]\n       \
                          mithril-lite verify-chain (--aggregator URL | --network NAME) [--hash HASH] [OPTIONS]",
        after_help = EXIT_STATUS
    )]
    Chain(ChainArgs),
    /// Check every artifact file of a directory against its certificate, whose chain is
    /// verified too, and print a summary per kind.
    #[command(name = "verify-artifacts", after_help = EXIT_STATUS)]
    Artifacts(ArtifactsArgs),
    /// Are these transactions certified? Fetches the transactions proof, verifies its
    /// certificate's chain and the proof.
    #[command(name = "verify-transaction", after_help = EXIT_STATUS)]
    Transaction(TransactionArgs),
    /// Are these blocks certified? Fetches the blocks proof, verifies its certificate's chain
    /// and the proof.
    #[command(name = "verify-block", after_help = EXIT_STATUS)]
    Block(BlockArgs),
    /// Verify a Mithril or Cardano stake distribution (by hash, by epoch, or the latest).
    #[command(name = "verify-stake-distribution", after_help = EXIT_STATUS)]
    StakeDistribution(StakeArgs),
    /// Verify a Cardano database artifact (by hash, or the latest).
    #[command(name = "verify-cardano-database", after_help = EXIT_STATUS)]
    CardanoDatabase(DatabaseArgs),
}

/// What every walk needs: the genesis key, trust checkpoints, limits, output form.
#[derive(Args, Debug, Clone)]
pub struct WalkArgs {
    /// Genesis verification key (JSON-hex or raw hex) or a file holding it (default:
    /// DIR/genesis.vkey, or the --network preset's key).
    #[arg(long = "genesis-vkey", value_name = "KEY_OR_FILE")]
    pub genesis_vkey: Option<String>,
    /// Trust checkpoints kept between runs (the library's byte format): walks stop at
    /// certificates an earlier run verified back to genesis; written after each verified walk;
    /// an unreadable file is not used.
    #[arg(long, value_name = "FILE")]
    pub trust: Option<PathBuf>,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Limit on certificates per walk [default: 10000].
    #[arg(long = "max-chain-length", value_name = "N", value_parser = number)]
    pub max_chain_length: Option<usize>,
    /// Limit on one certificate's size in bytes [default: 8388608].
    #[arg(long = "max-certificate-bytes", value_name = "N", value_parser = number)]
    pub max_certificate_bytes: Option<usize>,
    /// Signature-checking threads [default: available cores].
    #[arg(long, value_name = "N", value_parser = number)]
    pub threads: Option<usize>,
}

#[derive(Args, Debug)]
struct ChainArgs {
    /// Holds certificates.json (a JSON object mapping hash to certificate), genesis.vkey and
    /// optionally latest (a hash).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Fetch GET {URL}/certificate/{hash} (and GET {URL}/certificates for the newest hash when
    /// --hash is not given).
    #[arg(long, value_name = "URL")]
    aggregator: Option<String>,
    /// A public network's aggregator and genesis key: mainnet, preprod or preview
    /// (--aggregator and --genesis-vkey, when given, win).
    #[arg(long, value_name = "NAME", value_parser = network_name)]
    network: Option<&'static Network>,
    /// The certificate to verify (default: DIR/latest, else --all).
    #[arg(long, value_name = "HASH", conflicts_with = "all")]
    hash: Option<String>,
    /// Every certificate of DIR must verify back to genesis.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    walk: WalkArgs,
}

#[derive(Args, Debug)]
struct ArtifactsArgs {
    /// Holds certificates.json, genesis.vkey and the artifact files
    /// (mithril-stake-distributions.json, cardano-stake-distributions.json, ctx-proofs.json,
    /// ctx-proofs-v2.json, cblk-proofs.json, cardano-databases.json: each a JSON object of
    /// id -> body).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Genesis verification key (JSON-hex or raw hex) or a file holding it (default:
    /// DIR/genesis.vkey).
    #[arg(long = "genesis-vkey", value_name = "KEY_OR_FILE")]
    genesis_vkey: Option<String>,
    /// Print one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

/// Where the new subcommands read proofs, artifacts and certificates.
#[derive(Args, Debug)]
struct SourceArgs {
    /// A live aggregator: proofs and artifacts from its routes, certificates from
    /// GET {URL}/certificate/{hash}.
    #[arg(long, value_name = "URL", conflicts_with = "dir")]
    aggregator: Option<String>,
    /// A public network's aggregator and genesis key: mainnet, preprod or preview
    /// (--aggregator and --genesis-vkey, when given, win).
    #[arg(long, value_name = "NAME", value_parser = network_name)]
    network: Option<&'static Network>,
    /// A directory laid out like tests/fixtures/devnet: certificates.json, genesis.vkey and the
    /// proof or artifact files (ctx-proofs-v2.json, cblk-proofs.json, ...: id -> body).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(flatten)]
    walk: WalkArgs,
}

#[derive(Args, Debug)]
struct TransactionArgs {
    /// Transaction hashes to check (hex).
    #[arg(value_name = "HASH", required = true, value_parser = hex_hash)]
    hashes: Vec<String>,
    /// The legacy v1 proof route (/proof/cardano-transaction; in a directory,
    /// ctx-proofs.json) instead of /proof/v2/cardano-transaction (ctx-proofs-v2.json). v1
    /// proofs give neither the block nor a finality offset.
    #[arg(long)]
    v1: bool,
    #[command(flatten)]
    source: SourceArgs,
}

#[derive(Args, Debug)]
struct BlockArgs {
    /// Block hashes to check (hex).
    #[arg(value_name = "HASH", required = true, value_parser = hex_hash)]
    hashes: Vec<String>,
    #[command(flatten)]
    source: SourceArgs,
}

/// Which stake distribution.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeKind {
    /// The Mithril signers' stake distribution (the next AVK of its certificate).
    Mithril,
    /// The Cardano stake pools' stake distribution (its Merkle root is signed).
    Cardano,
}

#[derive(Args, Debug)]
struct StakeArgs {
    /// Which distribution.
    #[arg(long, value_enum)]
    kind: StakeKind,
    /// The artifact's hash (default: the latest, or --epoch).
    #[arg(value_name = "HASH", value_parser = hex_hash, conflicts_with = "epoch")]
    hash: Option<String>,
    /// Cardano only: the distribution of this epoch (GET /artifact/cardano-stake-distribution/epoch/N).
    #[arg(long, value_name = "N", value_parser = epoch_number)]
    epoch: Option<u64>,
    #[command(flatten)]
    source: SourceArgs,
}

#[derive(Args, Debug)]
struct DatabaseArgs {
    /// The artifact's hash (default: the latest).
    #[arg(value_name = "HASH", value_parser = hex_hash)]
    hash: Option<String>,
    #[command(flatten)]
    source: SourceArgs,
}

// ---------------------------------------------------------------------------------------------
// What the rest of the binary gets
// ---------------------------------------------------------------------------------------------

/// Where certificates come from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A fixture-style directory.
    Dir(PathBuf),
    /// An aggregator's base URL, without a trailing slash.
    Aggregator(String),
}

/// Which certificates to verify.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The default for the origin: DIR/latest (else every certificate), or the newest
    /// certificate the aggregator lists.
    Default,
    /// `--hash`.
    Hash(String),
    /// `--all`: every certificate of the directory.
    All,
}

/// Where one run reads from and how it walks.
#[derive(Debug, Clone)]
pub struct Walking {
    pub origin: Origin,
    pub genesis_vkey: Option<String>,
    /// `--network`: its genesis key unless `--genesis-vkey` is given.
    pub network: Option<&'static Network>,
    /// `--trust FILE`: trust checkpoints kept between runs.
    pub trust: Option<PathBuf>,
    pub json: bool,
    pub max_chain_length: Option<usize>,
    pub max_certificate_bytes: Option<usize>,
    pub threads: Option<usize>,
}

/// A parsed `verify-chain` command.
#[derive(Debug, Clone)]
pub struct Command {
    pub walking: Walking,
    pub target: Target,
}

/// A parsed `verify-artifacts` command.
#[derive(Debug, Clone)]
pub struct ArtifactsCommand {
    pub dir: PathBuf,
    pub genesis_vkey: Option<String>,
    pub json: bool,
}

/// What a light-wallet subcommand asks.
#[derive(Debug, Clone)]
pub enum Question {
    /// Transactions, by hash; `v1`: the legacy proof.
    Transactions { hashes: Vec<String>, v1: bool },
    /// Blocks, by hash.
    Blocks { hashes: Vec<String> },
    /// A stake distribution: by hash, by epoch (Cardano only) or the latest.
    StakeDistribution {
        kind: StakeKind,
        hash: Option<String>,
        epoch: Option<u64>,
    },
    /// A Cardano database artifact, by hash or the latest.
    CardanoDatabase { hash: Option<String> },
}

/// A parsed light-wallet subcommand.
#[derive(Debug, Clone)]
pub struct QuestionCommand {
    pub walking: Walking,
    pub question: Question,
}

/// What the arguments ask for.
pub enum Parsed {
    /// `verify-chain`.
    Run(Command),
    /// `verify-artifacts`.
    Artifacts(ArtifactsCommand),
    /// A light-wallet subcommand.
    Question(QuestionCommand),
    /// Help or version text for stdout (exit status 0).
    Text(String),
}

/// A usage error: the message and the help text of the command it concerns.
pub struct UsageError {
    pub message: String,
    pub help: String,
}

// ---------------------------------------------------------------------------------------------
// Value parsers: their messages end up after "--flag: "
// ---------------------------------------------------------------------------------------------

fn number(v: &str) -> Result<usize, String> {
    v.parse().map_err(|_| format!("{v:?} is not a number"))
}

fn epoch_number(v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("{v:?} is not an epoch number"))
}

fn network_name(name: &str) -> Result<&'static Network, String> {
    network(name).ok_or_else(|| {
        let known: Vec<&str> = NETWORKS.iter().map(|n| n.name).collect();
        format!("unknown network {name:?} (known: {})", known.join(", "))
    })
}

/// A hash argument: hex only, so it can go into a URL path or query as it is.
fn hex_hash(v: &str) -> Result<String, String> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{v:?} is not a hex hash"));
    }
    Ok(v.to_ascii_lowercase())
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Parse the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, UsageError> {
    let mut strings = Vec::new();
    for (i, arg) in args.into_iter().enumerate() {
        match arg.into_string() {
            Ok(s) => strings.push(s),
            Err(raw) => {
                return Err(usage(
                    format!(
                        "argument {} is not valid UTF-8: {:?}",
                        i + 1,
                        raw.to_string_lossy()
                    ),
                    None,
                ))
            }
        }
    }
    if strings.is_empty() {
        return Ok(Parsed::Text(help_of(None)));
    }
    let subcommand = strings
        .iter()
        .find(|s| !s.starts_with('-'))
        .cloned()
        .filter(|s| Cli::command().find_subcommand(s).is_some());
    let cli = match Cli::try_parse_from(std::iter::once("mithril-lite".to_string()).chain(strings))
    {
        Ok(cli) => cli,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => {
            return Ok(Parsed::Text(e.render().to_string()))
        }
        // Clap names a subcommand's version "mithril-lite-verify-chain": one name everywhere.
        Err(e) if e.kind() == ErrorKind::DisplayVersion => {
            return Ok(Parsed::Text(format!(
                "mithril-lite {}\n",
                env!("CARGO_PKG_VERSION")
            )))
        }
        Err(e) => return Err(clap_error(e, subcommand.as_deref())),
    };
    let help = help_of(subcommand.as_deref());
    let fail = |message: &str| UsageError {
        message: message.to_string(),
        help: help.clone(),
    };
    Ok(match cli.command {
        Sub::Chain(a) => Parsed::Run(chain_command(a).map_err(|m| fail(&m))?),
        Sub::Artifacts(a) => Parsed::Artifacts(ArtifactsCommand {
            dir: a.dir,
            genesis_vkey: a.genesis_vkey,
            json: a.json,
        }),
        Sub::Transaction(a) => {
            let walking = walking(a.source).map_err(|m| fail(&m))?;
            Parsed::Question(QuestionCommand {
                walking,
                question: Question::Transactions {
                    hashes: a.hashes,
                    v1: a.v1,
                },
            })
        }
        Sub::Block(a) => {
            let walking = walking(a.source).map_err(|m| fail(&m))?;
            Parsed::Question(QuestionCommand {
                walking,
                question: Question::Blocks { hashes: a.hashes },
            })
        }
        Sub::StakeDistribution(a) => {
            if a.epoch.is_some() && a.kind == StakeKind::Mithril {
                return Err(fail(
                    "--epoch is for --kind cardano (Mithril stake distributions are fetched by hash)",
                ));
            }
            let walking = walking(a.source).map_err(|m| fail(&m))?;
            Parsed::Question(QuestionCommand {
                walking,
                question: Question::StakeDistribution {
                    kind: a.kind,
                    hash: a.hash,
                    epoch: a.epoch,
                },
            })
        }
        Sub::CardanoDatabase(a) => {
            let walking = walking(a.source).map_err(|m| fail(&m))?;
            Parsed::Question(QuestionCommand {
                walking,
                question: Question::CardanoDatabase { hash: a.hash },
            })
        }
    })
}

fn walking_from(
    origin: Origin,
    network: Option<&'static Network>,
    walk: WalkArgs,
) -> Result<Walking, String> {
    if let Origin::Aggregator(_) = origin {
        if walk.genesis_vkey.is_none() && network.is_none() {
            return Err("--aggregator needs --genesis-vkey (or --network)".into());
        }
    }
    Ok(Walking {
        origin,
        genesis_vkey: walk.genesis_vkey,
        network,
        trust: walk.trust,
        json: walk.json,
        max_chain_length: walk.max_chain_length,
        max_certificate_bytes: walk.max_certificate_bytes,
        threads: walk.threads.map(|n| n.max(1)),
    })
}

/// A network names an aggregator unless a directory or --aggregator says otherwise.
fn origin(
    dir: Option<PathBuf>,
    aggregator: Option<String>,
    network: Option<&'static Network>,
    missing: &str,
) -> Result<Origin, String> {
    let aggregator = match (&dir, aggregator, network) {
        (None, None, Some(n)) => Some(n.aggregator.to_string()),
        (_, given, _) => given,
    };
    match (dir, aggregator) {
        (Some(d), None) => Ok(Origin::Dir(d)),
        (None, Some(url)) => Ok(Origin::Aggregator(url.trim_end_matches('/').to_string())),
        (Some(_), Some(_)) => Err("give either DIR or --aggregator, not both".into()),
        (None, None) => Err(missing.into()),
    }
}

fn chain_command(a: ChainArgs) -> Result<Command, String> {
    let origin = origin(
        a.dir,
        a.aggregator,
        a.network,
        "verify-chain needs DIR, --aggregator URL or --network NAME",
    )?;
    let target = match (a.hash, a.all) {
        (Some(h), _) => Target::Hash(h),
        (None, true) => Target::All,
        (None, false) => Target::Default,
    };
    if target == Target::All && matches!(origin, Origin::Aggregator(_)) {
        return Err("--all needs a directory".into());
    }
    Ok(Command {
        walking: walking_from(origin, a.network, a.walk)?,
        target,
    })
}

fn walking(s: SourceArgs) -> Result<Walking, String> {
    let origin = origin(
        s.dir,
        s.aggregator,
        s.network,
        "needs --network NAME, --aggregator URL or --dir DIR",
    )?;
    walking_from(origin, s.network, s.walk)
}

fn usage(message: String, subcommand: Option<&str>) -> UsageError {
    UsageError {
        message,
        help: help_of(subcommand),
    }
}

/// The help text of a subcommand (or of the program).
fn help_of(subcommand: Option<&str>) -> String {
    let mut command = Cli::command();
    command.build();
    match subcommand.and_then(|s| command.find_subcommand_mut(s)) {
        Some(sub) => sub.render_help().to_string(),
        None => command.render_help().to_string(),
    }
}

fn context(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The flag itself from clap's "--hash <HASH>", or a positional's name from "<HASH>...".
fn flag_name(arg: &str) -> &str {
    let first = arg.split([' ', '=']).next().unwrap_or(arg);
    first
        .trim_start_matches('<')
        .trim_end_matches("...")
        .trim_end_matches('>')
}

/// A clap error as one line of ours (help and version are not errors: see [`parse`]).
fn clap_error(e: clap::Error, subcommand: Option<&str>) -> UsageError {
    let arg = context(&e, ContextKind::InvalidArg);
    let value = context(&e, ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!(
                "unknown command {:?}",
                context(&e, ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            format!("unknown option {}", flag_name(&arg))
        }
        ErrorKind::UnknownArgument if subcommand.is_none() => format!("unknown command {arg:?}"),
        ErrorKind::UnknownArgument => format!("unexpected argument {arg:?}"),
        ErrorKind::ArgumentConflict => {
            let prior = context(&e, ContextKind::PriorArg);
            if prior.is_empty() || flag_name(&prior) == flag_name(&arg) {
                format!("{} given twice", flag_name(&arg))
            } else {
                format!(
                    "{} and {} exclude each other",
                    flag_name(&prior),
                    flag_name(&arg)
                )
            }
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("{} needs a value", flag_name(&arg))
        }
        ErrorKind::InvalidValue => {
            let valid = context(&e, ContextKind::ValidValue);
            format!("{}: {value:?} is not one of {valid}", flag_name(&arg))
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(&e)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("{value:?} is not valid"));
            format!("{}: {why}", flag_name(&arg))
        }
        ErrorKind::MissingRequiredArgument => {
            let missing: Vec<&str> = arg.split(", ").map(flag_name).collect();
            format!("missing {}", missing.join(", "))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "a command is needed".to_string()
        }
        ErrorKind::InvalidUtf8 => "arguments must be valid UTF-8".to_string(),
        _ => {
            // Clap's own text, first line, without its "error: " prefix.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            first.trim_start_matches("error: ").to_string()
        }
    };
    usage(message, subcommand)
}
