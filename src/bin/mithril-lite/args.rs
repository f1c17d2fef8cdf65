//! Command-line arguments.

use std::path::PathBuf;

use mithril_lite::chain::{network, Network, NETWORKS};

pub const USAGE: &str = "\
Usage:
  mithril-lite verify-chain DIR [--hash HASH | --all] [--genesis-vkey KEY_OR_FILE] [--json]
  mithril-lite verify-chain --aggregator URL [--hash HASH] --genesis-vkey KEY_OR_FILE [--json]
  mithril-lite verify-chain --network NAME [--hash HASH] [--genesis-vkey KEY_OR_FILE] [--json]
  mithril-lite verify-artifacts DIR [--genesis-vkey KEY_OR_FILE] [--json]

Verifies Mithril certificates back to the genesis certificate.

  DIR                    holds certificates.json (a JSON object mapping hash to certificate),
                         genesis.vkey and optionally latest (a hash)
  --aggregator URL       fetch GET {URL}/certificate/{hash} (and GET {URL}/certificates for the
                         newest hash when --hash is not given)
  --network NAME         a public network's aggregator and genesis key: mainnet, preprod or
                         preview (--aggregator and --genesis-vkey, when given, win)
  --hash HASH            the certificate to verify (default: DIR/latest, else --all)
  --all                  every certificate of DIR must verify back to genesis
  --genesis-vkey K       genesis verification key (JSON-hex or raw hex) or a file holding it
                         (default: DIR/genesis.vkey)
  --json                 print one JSON object on stdout
  --trust FILE           trust checkpoints kept between runs (the library's byte format):
                         walks stop at certificates an earlier run verified back to genesis;
                         written after each verified walk; an unreadable file is not used
  --max-chain-length N   limit on certificates per walk (default 10000)
  --max-certificate-bytes N  limit on one certificate's size (default 8388608)
  --threads N            signature-checking threads (default: available cores)

verify-artifacts checks every artifact file present in DIR (mithril-stake-distributions.json,
cardano-stake-distributions.json, ctx-proofs.json, ctx-proofs-v2.json, cblk-proofs.json,
cardano-databases.json: each a JSON object of id -> body) against its certificate, whose chain
it verifies too, and prints a summary per kind.

Exit status: 0 verified, 1 verification failed, 2 usage or I/O error.
";

/// Where certificates come from.
#[derive(Debug, Clone)]
pub enum Origin {
    Dir(PathBuf),
    Aggregator(String),
}

/// Which certificates to verify.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The given hash, or the default for the origin.
    Default,
    Hash(String),
    All,
}

/// A parsed `verify-chain` command.
#[derive(Debug, Clone)]
pub struct Command {
    pub origin: Origin,
    pub target: Target,
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

/// A parsed `verify-artifacts` command.
#[derive(Debug, Clone)]
pub struct ArtifactsCommand {
    pub dir: PathBuf,
    pub genesis_vkey: Option<String>,
    pub json: bool,
}

pub enum Parsed {
    Run(Command),
    Artifacts(ArtifactsCommand),
    Help,
    Version,
}

fn number(flag: &str, value: Option<String>) -> Result<usize, String> {
    let v = value.ok_or_else(|| format!("{flag} needs a value"))?;
    v.parse()
        .map_err(|_| format!("{flag}: {v:?} is not a number"))
}

pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    match args.next().as_deref() {
        None | Some("-h") | Some("--help") | Some("help") => return Ok(Parsed::Help),
        Some("-V") | Some("--version") => return Ok(Parsed::Version),
        Some("verify-chain") => {}
        Some("verify-artifacts") => return parse_artifacts(args),
        Some(other) => return Err(format!("unknown command {other:?}")),
    }
    let mut dir = None;
    let mut aggregator = None;
    let mut target = Target::Default;
    let mut command = Command {
        origin: Origin::Dir(PathBuf::new()),
        target: Target::Default,
        genesis_vkey: None,
        network: None,
        trust: None,
        json: false,
        max_chain_length: None,
        max_certificate_bytes: None,
        threads: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--aggregator" => aggregator = Some(args.next().ok_or("--aggregator needs a URL")?),
            "--hash" => {
                if target == Target::All {
                    return Err("--hash and --all exclude each other".into());
                }
                target = Target::Hash(args.next().ok_or("--hash needs a value")?);
            }
            "--all" => {
                if matches!(target, Target::Hash(_)) {
                    return Err("--hash and --all exclude each other".into());
                }
                target = Target::All;
            }
            "--genesis-vkey" => {
                command.genesis_vkey = Some(args.next().ok_or("--genesis-vkey needs a value")?)
            }
            "--network" => {
                let name = args.next().ok_or("--network needs a name")?;
                command.network = Some(network(&name).ok_or_else(|| {
                    let known: Vec<&str> = NETWORKS.iter().map(|n| n.name).collect();
                    format!("unknown network {name:?} (known: {})", known.join(", "))
                })?);
            }
            "--trust" => {
                command.trust = Some(PathBuf::from(args.next().ok_or("--trust needs a file")?))
            }
            "--json" => command.json = true,
            "--max-chain-length" => command.max_chain_length = Some(number(&arg, args.next())?),
            "--max-certificate-bytes" => {
                command.max_certificate_bytes = Some(number(&arg, args.next())?)
            }
            "--threads" => command.threads = Some(number(&arg, args.next())?.max(1)),
            "-h" | "--help" => return Ok(Parsed::Help),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            positional => {
                if dir.is_some() {
                    return Err(format!("unexpected argument {positional:?}"));
                }
                dir = Some(PathBuf::from(positional));
            }
        }
    }
    // A network names an aggregator unless a directory or --aggregator says otherwise.
    let aggregator = match (&dir, aggregator, command.network) {
        (None, None, Some(n)) => Some(n.aggregator.to_string()),
        (_, given, _) => given,
    };
    command.origin = match (dir, aggregator) {
        (Some(d), None) => Origin::Dir(d),
        (None, Some(url)) => {
            if target == Target::All {
                return Err("--all needs a directory".into());
            }
            if command.genesis_vkey.is_none() && command.network.is_none() {
                return Err("--aggregator needs --genesis-vkey (or --network)".into());
            }
            Origin::Aggregator(url.trim_end_matches('/').to_string())
        }
        (Some(_), Some(_)) => return Err("give either DIR or --aggregator, not both".into()),
        (None, None) => {
            return Err("verify-chain needs DIR, --aggregator URL or --network NAME".into())
        }
    };
    command.target = target;
    Ok(Parsed::Run(command))
}

fn parse_artifacts(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut command = ArtifactsCommand {
        dir: PathBuf::new(),
        genesis_vkey: None,
        json: false,
    };
    let mut dir = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--genesis-vkey" => {
                command.genesis_vkey = Some(args.next().ok_or("--genesis-vkey needs a value")?)
            }
            "--json" => command.json = true,
            "-h" | "--help" => return Ok(Parsed::Help),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            positional => {
                if dir.is_some() {
                    return Err(format!("unexpected argument {positional:?}"));
                }
                dir = Some(PathBuf::from(positional));
            }
        }
    }
    command.dir = dir.ok_or("verify-artifacts needs DIR")?;
    Ok(Parsed::Artifacts(command))
}
