// Popup of the mithril-lite demo extension: shows the service worker's last verification
// (chrome.storage.local "lastVerification"), follows a run in progress ("verificationStatus")
// and asks the service worker for a new run or to forget its trust checkpoints.

const RESULT_KEY = 'lastVerification';
const STATUS_KEY = 'verificationStatus';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Fill a definition row, or hide it (its <dt> too) when there is nothing to show.
 * @param {string} id the <dd> or the element inside it
 * @param {string | null | undefined} value
 */
function row(id, value) {
  const node = $(id);
  const dd = node.tagName === 'DD' ? node : /** @type {HTMLElement} */ (node.closest('dd'));
  const dt = /** @type {HTMLElement} */ (dd.previousElementSibling);
  const show = value !== null && value !== undefined && value !== '';
  node.textContent = show ? String(value) : '';
  dd.hidden = !show;
  dt.hidden = !show;
}

/** @param {any} r */
function render(r) {
  const section = $('last');
  const verdict = $('verdict');
  if (!r) {
    section.dataset.state = 'none';
    verdict.textContent = 'No verification yet.';
    $('details').hidden = true;
    return;
  }
  section.dataset.state = r.ok ? 'ok' : 'failed';
  verdict.textContent = r.ok
    ? `✓ Verified: ${r.certificatesChecked} certificate${r.certificatesChecked === 1 ? '' : 's'} in ${r.durationMs} ms`
    : `✗ Verification failed: ${r.error?.code}`;
  row('d-hash', r.ok ? r.hash : null);
  row('d-epoch', r.ok ? String(r.epoch) : null);
  row('d-entity', r.ok ? r.signedEntityType : null);
  row('d-checked', r.ok ? String(r.certificatesChecked) : null);
  row('d-anchor', r.ok ? `${r.anchor.kind} ${r.anchor.hash.slice(0, 16)}…` : null);
  row('d-code', r.ok ? null : r.error?.code);
  row('d-message', r.ok ? null : r.error?.message);
  row('d-certificate', r.ok ? null : r.error?.certificate);
  row('d-aggregator', r.aggregator);
  row('d-when', `${new Date(r.finishedAt).toLocaleString()} (${r.trigger})`);
  $('details').hidden = false;
}

/** @param {any} s */
function renderStatus(s) {
  const running = s?.state === 'running';
  $('progress').textContent = running
    ? `Verifying… ${s.fetched} certificate${s.fetched === 1 ? '' : 's'} fetched` +
      (s.epoch !== null && s.epoch !== undefined ? `, epoch ${s.epoch}` : '')
    : '';
  /** @type {HTMLButtonElement} */ ($('verify')).disabled = running;
}

async function main() {
  const stored = await chrome.storage.local.get([RESULT_KEY, STATUS_KEY]);
  render(stored[RESULT_KEY]);
  renderStatus(stored[STATUS_KEY]);
  document.body.dataset.ready = 'true';

  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (changes[RESULT_KEY]) render(changes[RESULT_KEY].newValue);
    if (changes[STATUS_KEY]) renderStatus(changes[STATUS_KEY].newValue);
  });

  $('verify').addEventListener('click', async () => {
    /** @type {HTMLButtonElement} */ ($('verify')).disabled = true;
    try {
      render(await chrome.runtime.sendMessage({ type: 'verify' }));
    } finally {
      /** @type {HTMLButtonElement} */ ($('verify')).disabled = false;
    }
  });

  $('clear-trust').addEventListener('click', async () => {
    const answer = await chrome.runtime.sendMessage({ type: 'clear-trust' });
    $('progress').textContent = answer?.ok
      ? 'Trust checkpoints cleared: the next run goes back to genesis.'
      : `Could not clear the trust checkpoints: ${answer?.message}`;
  });
}

main();
