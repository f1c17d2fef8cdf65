// The mithril-lite demo page: verify the devnet chain served by www/server.mjs, with progress,
// a live event log, cancellation and trust checkpoints in localStorage; and the wallet's
// question, "Is my transaction certified?", answered from verified transaction proofs.
// No framework.

import { CertificateVerifier, LocalStorageTrustStore, init, version } from 'mithril-lite';

/** The devnet's genesis certificate is of epoch 15: epochs count down to it during a walk. */
const GENESIS_EPOCH = 15;
/** The log keeps this many entries. */
const LOG_LIMIT = 400;
const HASH = /^[0-9a-f]{64}$/;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const ui = {
  form: /** @type {HTMLFormElement} */ ($('verify-form')),
  hash: /** @type {HTMLInputElement} */ ($('hash')),
  hashError: $('hash-error'),
  verify: /** @type {HTMLButtonElement} */ ($('verify')),
  cancel: /** @type {HTMLButtonElement} */ ($('cancel')),
  progress: /** @type {HTMLProgressElement} */ ($('progress')),
  progressText: $('progress-text'),
  status: $('status'),
  result: $('result'),
  log: $('log'),
  useTrust: /** @type {HTMLInputElement} */ ($('use-trust')),
  trustSummary: $('trust-summary'),
  clearTrust: /** @type {HTMLButtonElement} */ ($('clear-trust')),
  txForm: /** @type {HTMLFormElement} */ ($('tx-form')),
  txHashes: /** @type {HTMLTextAreaElement} */ ($('tx-hashes')),
  txError: $('tx-error'),
  txTampered: /** @type {HTMLInputElement} */ ($('tx-tampered')),
  txCheck: /** @type {HTMLButtonElement} */ ($('tx-check')),
  txCancel: /** @type {HTMLButtonElement} */ ($('tx-cancel')),
  txProgress: /** @type {HTMLProgressElement} */ ($('tx-progress')),
  txProgressText: $('tx-progress-text'),
  txStatus: $('tx-status'),
  txResults: $('tx-results'),
};

/** The transaction panel takes at most this many hashes (one proof request each). */
const TX_LIMIT = 20;

/**
 * The check pool's size from the page's query (`?workers=0`: checks in the page's thread);
 * by default the package's (hardwareConcurrency - 1, at least 1).
 */
const workersParam = new URLSearchParams(location.search).get('workers');
const workers = workersParam !== null && /^[0-9]{1,3}$/.test(workersParam) ? Number(workersParam) : undefined;

/** @type {string | undefined} */
let genesisKey;
/**
 * The verifier, kept between runs so that its worker pool is reused; remade (and the old one
 * closed) when the trust setting changes.
 * @type {{trust: boolean, verifier: CertificateVerifier} | undefined}
 */
let current;
/** @type {AbortController | undefined} */
let running;
/** Whether `running` is the transaction panel's check (else a chain walk). */
let runningPanel = false;
/** @type {number} */
let logStart = performance.now();

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * A new element with text content and attributes.
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {Array<Node | string>} [children]
 */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

/** @param {string} hash */
const short = (hash) => (hash.length > 20 ? `${hash.slice(0, 12)}…${hash.slice(-6)}` : hash);

/** @param {number} ms */
function duration(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * "1 certificate", "12 certificates".
 * @param {number} n
 * @param {string} word
 */
const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** @param {number} bytes */
const size = (bytes) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

/**
 * A readable form of a signed entity type, e.g. "CardanoTransactions: epoch 24, block 705".
 * @param {string} name
 * @param {Record<string, unknown>} entity
 */
function describeEntity(name, entity) {
  const v = /** @type {any} */ (entity[name]);
  let detail;
  switch (name) {
    case 'MithrilStakeDistribution':
    case 'CardanoStakeDistribution':
      detail = `epoch ${v}`;
      break;
    case 'CardanoImmutableFilesFull':
    case 'CardanoDatabase':
      detail = `epoch ${v?.epoch}, immutable file ${v?.immutable_file_number}`;
      break;
    case 'CardanoTransactions':
      detail = `epoch ${v?.[0]}, block ${v?.[1]}`;
      break;
    case 'CardanoBlocksTransactions':
      detail = `epoch ${v?.[0]}, block ${v?.[1]}, offset ${v?.[2]}`;
      break;
    default:
      detail = JSON.stringify(v);
  }
  return `${name} (${detail})`;
}

/** The aggregator URL the selected source stands for. */
function aggregatorUrl() {
  const selected = /** @type {HTMLInputElement | null} */ (
    ui.form.querySelector('input[name="source"]:checked')
  );
  return new URL(`/${selected?.value ?? 'aggregator'}`, location.href).href;
}

function trustStore() {
  return ui.useTrust.checked ? new LocalStorageTrustStore() : null;
}

/** The verifier for the current settings. */
function verifier() {
  const trust = ui.useTrust.checked;
  if (current?.trust !== trust) {
    void current?.verifier.close();
    current = {
      trust,
      verifier: new CertificateVerifier(/** @type {string} */ (genesisKey), {
        trustStore: trustStore(),
        workers,
      }),
    };
  }
  return current.verifier;
}

/**
 * Where the STM checks ran, for the result and the log.
 * @param {CertificateVerifier} v
 */
function describeChecks(v) {
  const s = v.poolStats();
  const out = $('r-workers');
  out.dataset.mode = s.mode;
  out.dataset.used = String(s.workersUsed);
  out.dataset.size = String(s.size);
  if (s.mode === 'inline') {
    out.textContent = "The page's own thread (no workers)";
  } else {
    out.textContent =
      `${count(s.workersUsed, 'Web Worker')} of a pool of ${s.size} ` +
      `(${count(s.jobs, 'check')} so far${s.inlineRetries ? `, ${s.inlineRetries} retried inline` : ''})`;
  }
  return out.textContent;
}

/** A verifier that only reads and clears the stored checkpoints, whatever the checkbox says. */
function trustReader() {
  return new CertificateVerifier(/** @type {string} */ (genesisKey), {
    trustStore: new LocalStorageTrustStore(),
    workers: 0, // it never walks
  });
}

// ---------------------------------------------------------------------------------------------
// Log and progress

/**
 * @param {string} kind
 * @param {string} text
 */
function log(kind, text) {
  const t = performance.now() - logStart;
  const item = el('li', { class: `log-${kind}` }, [
    el('span', { class: 'log-time' }, [`+${Math.round(t)} ms`]),
    el('span', { class: 'log-kind' }, [kind]),
    el('span', { class: 'log-text' }, [text]),
  ]);
  ui.log.append(item);
  while (ui.log.childElementCount > LOG_LIMIT) ui.log.firstElementChild?.remove();
  ui.log.scrollTop = ui.log.scrollHeight;
}

/**
 * @param {number} percent
 * @param {HTMLProgressElement} [bar]
 * @param {HTMLElement} [label]
 */
function setProgress(percent, bar = ui.progress, label = ui.progressText) {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  bar.value = p;
  bar.textContent = `${p}%`;
  label.textContent = `${p}%`;
}

/**
 * The share of a walk done once the certificate of `epoch` is verified, for a walk that
 * started at `startEpoch`. The chain's length is unknown until its anchor, but epochs count
 * down to the genesis epoch: a certificate of epoch e completes the epochs above e and half
 * of e.
 * @param {number} startEpoch
 * @param {number} epoch
 */
function walkShare(startEpoch, epoch) {
  const epochs = Math.max(1, startEpoch - GENESIS_EPOCH + 1);
  return Math.min(1, Math.max(0, (startEpoch - epoch + 0.5) / epochs));
}

/** @param {string} text */
function setStatus(text) {
  ui.status.textContent = text;
}

/**
 * Show one of the result views.
 * @param {'idle' | 'running' | 'success' | 'failure' | 'aborted'} state
 */
function showResult(state) {
  ui.result.dataset.state = state;
  /** @type {HTMLElement} */ (document.querySelector('.progress-block')).dataset.state = state;
  ui.result.setAttribute('aria-busy', String(state === 'running'));
  $('result-idle').hidden = state !== 'idle' && state !== 'running';
  $('result-idle').textContent = state === 'running' ? 'Verifying…' : 'No verification yet.';
  $('success').hidden = state !== 'success';
  $('failure').hidden = state !== 'failure';
  $('aborted').hidden = state !== 'aborted';
}

// ---------------------------------------------------------------------------------------------
// Trust checkpoints

async function refreshTrust() {
  if (!genesisKey) return [];
  const checkpoints = await trustReader().trustedCheckpoints();
  if (checkpoints.length === 0) {
    ui.trustSummary.textContent = 'No checkpoints stored.';
  } else {
    const newest = checkpoints[0];
    ui.trustSummary.textContent =
      `${count(checkpoints.length, 'checkpoint')} stored; ` +
      `newest: epoch ${newest.epoch}, ${short(newest.hash)}.`;
  }
  ui.trustSummary.dataset.count = String(checkpoints.length);
  ui.clearTrust.disabled = checkpoints.length === 0 || running !== undefined;
  return checkpoints;
}

// ---------------------------------------------------------------------------------------------
// Verification

/**
 * @param {import('mithril-lite').VerifiedChain} r
 * @param {number} ms
 * @param {import('mithril-lite').Checkpoint[]} trustedBefore
 */
function renderSuccess(r, ms, trustedBefore) {
  $('r-hash').textContent = r.hash;
  $('r-epoch').textContent = String(r.epoch);
  $('r-entity').textContent = describeEntity(r.signedEntityTypeName, r.signedEntityType);
  $('r-checked').textContent = String(r.certificatesChecked);
  const anchorText =
    r.anchor.kind === 'genesis' ? 'Genesis certificate ' : 'Trusted checkpoint ';
  $('r-anchor').replaceChildren(anchorText, el('code', { class: 'hash' }, [r.anchor.hash]));
  $('r-anchor').dataset.kind = r.anchor.kind;
  $('r-time').textContent = duration(ms);
  $('r-stored').textContent = r.trustStored
    ? `${count(r.links.length, 'certificate')} recorded in localStorage`
    : ui.useTrust.checked
      ? 'Not recorded (the store could not be written)'
      : 'Not recorded (checkpoints are off)';

  const note = $('trusted-note');
  if (r.anchor.kind === 'trusted') {
    const cp = trustedBefore.find((c) => c.hash === r.anchor.hash);
    note.textContent =
      `The walk stopped at a trusted checkpoint${cp ? ` of epoch ${cp.epoch}` : ''}, ` +
      'a certificate an earlier walk verified back to genesis.';
    note.hidden = false;
  } else {
    note.hidden = true;
  }

  const rows = r.protocolMessageParts.map(([name, value]) => {
    const cell =
      value.length > 80
        ? el('details', {}, [
            el('summary', {}, [`${value.slice(0, 40)}… (${value.length} characters)`]),
            el('code', { class: 'value' }, [value]),
          ])
        : el('code', { class: 'value' }, [value]);
    return el('tr', {}, [el('th', { scope: 'row' }, [name]), el('td', {}, [cell])]);
  });
  /** @type {HTMLElement} */ ($('r-message').querySelector('tbody')).replaceChildren(...rows);

  $('r-links').replaceChildren(
    ...r.links.map((l) =>
      el('li', {}, [el('code', { class: 'hash' }, [short(l.hash)]), ` epoch ${l.epoch}`]),
    ),
  );
  showResult('success');
}

/**
 * @param {any} err
 * @param {number} ms
 */
function renderFailure(err, ms) {
  $('f-code').textContent = String(err?.code ?? err?.name ?? 'error');
  $('f-message').textContent = String(err?.message ?? err);
  const certificate = err?.cause?.certificate ?? err?.cause?.url;
  $('f-certificate').textContent = certificate ? String(certificate) : '(none)';
  $('f-time').textContent = duration(ms);
  showResult('failure');
}

/** @param {Event} event */
async function onVerify(event) {
  event.preventDefault();
  if (running || !genesisKey) return;
  const hash = ui.hash.value.trim().toLowerCase();
  if (hash !== '' && !HASH.test(hash)) {
    ui.hashError.textContent = 'A certificate hash is 64 hexadecimal digits.';
    ui.hashError.hidden = false;
    ui.hash.setAttribute('aria-invalid', 'true');
    ui.hash.focus();
    return;
  }
  ui.hashError.hidden = true;
  ui.hash.removeAttribute('aria-invalid');

  const controller = new AbortController();
  running = controller;
  runningPanel = false;
  ui.verify.disabled = true;
  ui.txCheck.disabled = true;
  ui.cancel.disabled = false;
  ui.clearTrust.disabled = true;
  setProgress(0);
  showResult('running');
  const url = aggregatorUrl();
  logStart = performance.now();
  ui.log.replaceChildren(); // the log shows the current run
  log('start', `${hash ? `certificate ${short(hash)}` : 'newest certificate'} from ${url}`);
  setStatus('Verifying…');

  const trustedBefore = await refreshTrust().catch(() => []);
  /** Certificates fetched, as the walk's progress view counts them. */
  let fetched = 0;
  /** @param {import('mithril-lite').ProgressEvent} e */
  const onProgress = (e) => {
    switch (e.type) {
      case 'certificate-fetched': {
        // The counts and epochs are the core's (the walk's progress view), not this page's.
        fetched = e.progress.certificatesFetched;
        log('fetched', `#${e.index} ${short(e.hash)} epoch ${e.epoch ?? '?'} (${size(e.bytes)})`);
        setStatus(`Fetched ${count(fetched, 'certificate')}; epoch ${e.epoch ?? '?'}.`);
        break;
      }
      case 'certificate-verified': {
        log('verified', `#${e.index} ${short(e.hash)} epoch ${e.epoch ?? '?'}`);
        const { fraction, startEpoch } = e.progress;
        if (fraction !== undefined) {
          // The walk knows where it ends (a stored checkpoint): the core's share.
          setProgress(Math.min(99, Math.max(ui.progress.value, fraction * 100)));
        } else if (startEpoch !== undefined && e.epoch !== undefined) {
          // A walk to genesis: the core cannot know the genesis epoch before reaching it, this
          // page knows the devnet's.
          const share = walkShare(startEpoch, e.epoch);
          setProgress(Math.min(99, Math.max(ui.progress.value, share * 100)));
        }
        break;
      }
      case 'chain-verified':
        log(
          'chain',
          `verified ${short(e.hash)}: ${count(e.certificatesChecked, 'certificate')}, anchor ${e.anchor.kind} ${short(e.anchor.hash)}`,
        );
        setProgress(100);
        break;
    }
  };

  const t0 = performance.now();
  try {
    const v = verifier();
    const options = { onProgress, signal: controller.signal };
    const r = hash ? await v.verifyChain(hash, url, options) : await v.verifyLatest(url, options);
    const ms = performance.now() - t0;
    setProgress(100);
    renderSuccess(r, ms, trustedBefore);
    log('workers', describeChecks(v));
    log('done', `success in ${duration(ms)}`);
    setStatus(
      `Verified certificate ${short(r.hash)} of epoch ${r.epoch}: ` +
        `${count(r.certificatesChecked, 'certificate')} checked in ${duration(ms)}.`,
    );
  } catch (err) {
    const ms = performance.now() - t0;
    const e = /** @type {any} */ (err);
    if (e?.code === 'aborted' || e?.name === 'AbortError') {
      $('a-text').textContent =
        `The verification was cancelled after ${duration(ms)} and ` +
        `${count(fetched, 'certificate')}; the trust checkpoints were left untouched.`;
      showResult('aborted');
      log('aborted', 'cancelled');
      setStatus('Cancelled.');
    } else {
      renderFailure(e, ms);
      log('error', `${e?.code ?? e?.name}: ${e?.message ?? e}`);
      setStatus(`Verification failed: ${e?.code ?? e?.name ?? 'error'}.`);
    }
  } finally {
    running = undefined;
    ui.verify.disabled = false;
    ui.txCheck.disabled = false;
    ui.cancel.disabled = true;
    await refreshTrust().catch(() => {});
  }
}

function onCancel() {
  running?.abort(new Error('cancelled by the user'));
  if (runningPanel) {
    ui.txCancel.disabled = true;
    ui.txStatus.textContent = 'Cancelling…';
  } else {
    ui.cancel.disabled = true;
    setStatus('Cancelling…');
  }
}

async function onClearTrust() {
  if (!genesisKey || running) return;
  await trustReader().clearTrust();
  log('trust', 'trust checkpoints cleared');
  await refreshTrust();
  setStatus('Trust checkpoints cleared: the next walk goes back to genesis.');
}

// ---------------------------------------------------------------------------------------------
// "Is my transaction certified?"

/**
 * The hashes typed in the panel, lower case, each once, in order; or the reason they are
 * refused.
 * @returns {{hashes: string[]} | {error: string}}
 */
function panelHashes() {
  const words = ui.txHashes.value.split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 0) return { error: 'Enter at least one transaction hash.' };
  const bad = words.filter((w) => !HASH.test(w.toLowerCase()));
  if (bad.length > 0) {
    return { error: `Not a transaction hash (64 hexadecimal digits): ${bad.map(short).join(', ')}` };
  }
  const hashes = [...new Set(words.map((w) => w.toLowerCase()))];
  if (hashes.length > TX_LIMIT) return { error: `At most ${TX_LIMIT} hashes at a time.` };
  return { hashes };
}

/**
 * A `dt`/`dd` pair for a result's details.
 * @param {string} term
 * @param {Node | string} value
 * @param {string} name the `data-field` of the `dd`, for the tests and styles
 */
function detail(term, value, name) {
  return [el('dt', {}, [term]), el('dd', { 'data-field': name }, [value])];
}

/**
 * What the verified chain of a proof's certificate says, e.g. "Verified back to genesis: 11
 * certificates, epoch 24".
 * @param {import('mithril-lite').VerifiedChain} chain
 */
function describeChain(chain) {
  const to = chain.anchor.kind === 'genesis' ? 'back to the genesis certificate' : 'to a trusted checkpoint';
  return `Verified ${to}: ${count(chain.certificatesChecked, 'certificate')} checked, epoch ${chain.epoch}`;
}

/**
 * The finality hint of a verified proof: what the certificate covers and, when the proof
 * gives its block-number offset, the tip from which those blocks are final.
 * @param {import('mithril-lite').TransactionProofResult} r
 */
function describeFinality(r) {
  if (r.version === 2) {
    const finalAt = r.latestBlockNumber + r.blockNumberOffset;
    return (
      `Certified up to block ${r.latestBlockNumber}; final once the chain tip reaches block ` +
      `${finalAt} (offset ${r.blockNumberOffset})`
    );
  }
  return `Certified up to block ${r.latestBlockNumber} (a v1 proof gives no finality offset)`;
}

/**
 * One hash's row, as it starts.
 * @param {string} hash
 */
function pendingRow(hash) {
  return el('li', { class: 'tx-result', 'data-hash': hash, 'data-state': 'pending' }, [
    el('p', { class: 'tx-head' }, [
      el('span', { class: 'tx-verdict' }, ['Waiting']),
      el('code', { class: 'hash tx-hash' }, [hash]),
    ]),
  ]);
}

/**
 * Fill a row with its outcome.
 * @param {HTMLElement} row
 * @param {'checking' | 'certified' | 'not-certified' | 'failed' | 'aborted'} state
 * @param {string} verdict
 * @param {Array<Node>} [details]
 */
function setRow(row, state, verdict, details = []) {
  row.dataset.state = state;
  /** @type {HTMLElement} */ (row.querySelector('.tx-verdict')).textContent = verdict;
  row.querySelector('dl')?.remove();
  if (details.length > 0) row.append(el('dl', { class: 'details' }, details));
}

/**
 * The outcome of one hash's verified proof.
 * @param {HTMLElement} row
 * @param {string} hash
 * @param {import('mithril-lite').TransactionProofResult} r
 */
function renderProof(row, hash, r) {
  const item = r.certified.find((t) => t.transactionHash.toLowerCase() === hash);
  const common = [
    ...detail('Certificate', el('code', { class: 'hash' }, [r.certificateHash]), 'certificate'),
    ...detail('Chain', describeChain(r.certificate), 'chain'),
  ];
  if (!item) {
    setRow(row, 'not-certified', 'Not certified', [
      ...detail(
        'Proof',
        `Valid, but it does not include this transaction (v${r.version}, root ${short(r.merkleRoot)})`,
        'proof',
      ),
      ...common,
      ...detail(
        'Covers',
        `Blocks up to ${r.latestBlockNumber}: a transaction of a later block is not certified yet`,
        'covers',
      ),
    ]);
    return;
  }
  /** @type {Node[]} */
  let block;
  if ('blockNumber' in item) {
    const number = /** @type {import('mithril-lite').CertifiedTransaction} */ (item);
    block = [
      ...detail('Block', String(number.blockNumber), 'block'),
      ...detail('Slot', String(number.slotNumber), 'slot'),
      ...detail('Block hash', el('code', { class: 'hash' }, [number.blockHash]), 'block-hash'),
    ];
  } else {
    block = detail('Block', 'Not given (v1 proof)', 'block');
  }
  setRow(row, 'certified', 'Certified', [
    ...block,
    ...common,
    ...detail('Finality', describeFinality(r), 'finality'),
  ]);
}

/**
 * The outcome of one hash whose check failed.
 * @param {HTMLElement} row
 * @param {any} err
 * @param {import('mithril-lite').ProgressEvent | undefined} chainEvent the chain-verified
 *   event of this check, if its chain verified before the proof was refused
 */
function renderProofFailure(row, err, chainEvent) {
  const code = String(err?.code ?? err?.name ?? 'error');
  const details = [
    ...detail('Error code', el('code', {}, [code]), 'code'),
    ...detail('Message', String(err?.message ?? err), 'message'),
  ];
  const concerned = err?.cause?.item ?? err?.cause?.certificate ?? err?.cause?.url;
  if (concerned) details.push(...detail('Concerns', el('code', { class: 'hash' }, [String(concerned)]), 'concerns'));
  if (chainEvent?.type === 'chain-verified') {
    details.push(
      ...detail(
        'Chain',
        `Certificate ${short(chainEvent.hash)} verified (${count(chainEvent.certificatesChecked, 'certificate')} checked); its proof was refused`,
        'chain',
      ),
    );
  }
  // A proof that certifies none of the requested hashes answers the question too.
  const verdict = code === 'proof_nothing_certified' ? 'Not certified' : 'Check failed';
  setRow(row, code === 'proof_nothing_certified' ? 'not-certified' : 'failed', verdict, details);
}

/** @param {Event} event */
async function onCheckTransactions(event) {
  event.preventDefault();
  if (running || !genesisKey) return;
  const input = panelHashes();
  if ('error' in input) {
    ui.txError.textContent = input.error;
    ui.txError.hidden = false;
    ui.txHashes.setAttribute('aria-invalid', 'true');
    ui.txHashes.focus();
    return;
  }
  ui.txError.hidden = true;
  ui.txHashes.removeAttribute('aria-invalid');
  const { hashes } = input;

  const controller = new AbortController();
  running = controller;
  runningPanel = true;
  ui.txCheck.disabled = true;
  ui.verify.disabled = true;
  ui.txCancel.disabled = false;
  ui.clearTrust.disabled = true;
  const bar = /** @param {number} p */ (p) => setProgress(p, ui.txProgress, ui.txProgressText);
  bar(0);
  const block = $('tx-progress-block');
  block.dataset.state = 'running';
  ui.txResults.dataset.state = 'running';
  ui.txResults.setAttribute('aria-busy', 'true');
  const rows = hashes.map(pendingRow);
  ui.txResults.replaceChildren(...rows);
  const source = ui.txTampered.checked ? 'forged-proof-aggregator' : 'aggregator';
  const url = new URL(`/${source}`, location.href).href;
  logStart = performance.now();
  ui.log.replaceChildren(); // the log shows the current run
  log('start', `${count(hashes.length, 'transaction')} from ${url}`);

  const tally = { certified: 0, 'not-certified': 0, failed: 0 };
  const t0 = performance.now();
  let aborted = false;
  try {
    for (const [i, hash] of hashes.entries()) {
      const row = rows[i];
      setRow(row, 'checking', 'Checking…');
      ui.txStatus.textContent = `Checking ${i + 1} of ${hashes.length}: ${short(hash)}…`;
      /** @type {import('mithril-lite').ProgressEvent | undefined} */
      let chainEvent;
      /** @param {number} share of this hash's check */
      const advance = (share) => bar(Math.max(ui.txProgress.value, ((i + share) / hashes.length) * 100));
      /** @param {import('mithril-lite').ProgressEvent} e */
      const onProgress = (e) => {
        switch (e.type) {
          case 'proof-fetched':
            log('proof', `${short(hash)}: proof fetched (${size(e.bytes)})`);
            break;
          case 'certificate-fetched':
            log('fetched', `#${e.index} ${short(e.hash)} epoch ${e.epoch ?? '?'} (${size(e.bytes)})`);
            break;
          case 'certificate-verified':
            log('verified', `#${e.index} ${short(e.hash)} epoch ${e.epoch ?? '?'}`);
            {
              // The core's share when the walk knows its anchor, else the devnet's epochs.
              const { fraction, startEpoch } = e.progress;
              const share =
                fraction ??
                (startEpoch !== undefined && e.epoch !== undefined ? walkShare(startEpoch, e.epoch) : undefined);
              if (share !== undefined) advance(0.95 * share);
            }
            break;
          case 'chain-verified':
            chainEvent = e;
            log(
              'chain',
              `verified ${short(e.hash)}: ${count(e.certificatesChecked, 'certificate')}, anchor ${e.anchor.kind} ${short(e.anchor.hash)}`,
            );
            advance(0.95);
            break;
        }
      };
      try {
        const r = await verifier().verifyTransactionProof({ transactions: [hash] }, url, {
          onProgress,
          signal: controller.signal,
        });
        renderProof(row, hash, r);
        const state = /** @type {'certified' | 'not-certified'} */ (row.dataset.state);
        tally[state]++;
        log(state === 'certified' ? 'done' : 'proof', `${short(hash)}: ${state.replace('-', ' ')}`);
      } catch (err) {
        const e = /** @type {any} */ (err);
        if (e?.code === 'aborted' || e?.name === 'AbortError') {
          aborted = true;
          for (const r of rows.slice(i)) setRow(r, 'aborted', 'Cancelled');
          log('aborted', 'cancelled');
          break;
        }
        renderProofFailure(row, e, chainEvent);
        tally[row.dataset.state === 'not-certified' ? 'not-certified' : 'failed']++;
        log('error', `${short(hash)}: ${e?.code ?? e?.name}: ${e?.message ?? e}`);
      }
      advance(1);
    }

    const ms = performance.now() - t0;
    const summary =
      `${tally.certified} of ${hashes.length} certified` +
      (tally['not-certified'] ? `, ${tally['not-certified']} not certified` : '') +
      (tally.failed ? `, ${tally.failed} failed` : '') +
      ` (${duration(ms)})`;
    const state = aborted ? 'aborted' : tally.failed > 0 ? 'failure' : 'success';
    block.dataset.state = state;
    ui.txResults.dataset.state = state;
    ui.txResults.removeAttribute('aria-busy');
    ui.txStatus.textContent = aborted ? `Cancelled: ${summary}.` : `${summary}.`;
    log('done', summary);
  } catch (err) {
    // Not a verdict (those are caught per hash): a fault of the page itself, shown as such.
    block.dataset.state = 'failure';
    ui.txResults.dataset.state = 'failure';
    ui.txResults.removeAttribute('aria-busy');
    ui.txStatus.textContent = `The check stopped: ${/** @type {Error} */ (err)?.message ?? err}`;
    log('error', `panel: ${err}`);
  } finally {
    running = undefined;
    runningPanel = false;
    ui.txCheck.disabled = false;
    ui.verify.disabled = false;
    ui.txCancel.disabled = true;
    await refreshTrust().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Start

async function main() {
  ui.form.addEventListener('submit', onVerify);
  ui.cancel.addEventListener('click', onCancel);
  ui.clearTrust.addEventListener('click', () => void onClearTrust());
  $('clear-log').addEventListener('click', () => ui.log.replaceChildren());
  ui.txForm.addEventListener('submit', (e) => void onCheckTransactions(e));
  ui.txCancel.addEventListener('click', onCancel);
  ui.txHashes.addEventListener('input', () => {
    ui.txError.hidden = true;
    ui.txHashes.removeAttribute('aria-invalid');
  });
  ui.hash.addEventListener('input', () => {
    ui.hashError.hidden = true;
    ui.hash.removeAttribute('aria-invalid');
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && running) onCancel();
  });
  window.addEventListener('storage', () => void refreshTrust());

  const t0 = performance.now();
  try {
    const [key] = await Promise.all([
      fetch('/devnet/genesis.vkey').then((r) => {
        if (!r.ok) throw new Error(`genesis key: HTTP ${r.status}`);
        return r.text();
      }),
      init(),
    ]);
    genesisKey = key.trim();
  } catch (err) {
    document.body.dataset.wasm = 'failed';
    setStatus(`The verifier could not be loaded: ${/** @type {Error} */ (err).message ?? err}`);
    log('error', `load: ${err}`);
    return;
  }
  const ms = performance.now() - t0;
  $('version').textContent = version();
  $('load-time').textContent = `, loaded in ${duration(ms)}`;
  $('genesis-key').textContent = short(genesisKey);
  $('genesis-key').title = genesisKey;
  log('ready', `verifier ${version()} loaded in ${duration(ms)}`);
  await refreshTrust();
  ui.verify.disabled = false;
  ui.txCheck.disabled = false;
  document.body.dataset.wasm = 'ready';
  setStatus('Ready: choose an aggregator and press Verify.');
}

main();
