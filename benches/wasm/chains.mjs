// Chain helpers shared by the node harness (bench.mjs, memory.mjs) and the Chromium page
// (benches/browser/page.mjs): the exact text of each certificate in a chain directory's
// certificates.json, and mithril-lite's inline walk over it. No node or DOM imports.

/**
 * The members of a top-level JSON object, as a Map from key to the exact text of each value.
 * Certificates carry stakes above 2^53: parsing and re-serializing them in JS would change them,
 * so the bodies are cut out of the file as they are.
 */
export function exactMembers(text) {
  let i = 0;
  const fail = (what) => {
    throw new Error(`certificates file: ${what} at offset ${i}`);
  };
  const skipWs = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const skipString = () => {
    // text[i] is the opening quote.
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === "\\") i += 2;
      else if (c === '"') {
        i++;
        return;
      } else i++;
    }
    fail("unterminated string");
  };
  const skipValue = () => {
    const c = text[i];
    if (c === '"') return skipString();
    if (c === "{" || c === "[") {
      let depth = 0;
      while (i < text.length) {
        const d = text[i];
        if (d === '"') {
          skipString();
          continue;
        }
        if (d === "{" || d === "[") depth++;
        else if (d === "}" || d === "]") {
          depth--;
          if (depth === 0) {
            i++;
            return;
          }
        }
        i++;
      }
      fail("unterminated value");
    }
    while (i < text.length && !",}] \t\r\n".includes(text[i])) i++;
  };

  const members = new Map();
  skipWs();
  if (text[i] !== "{") fail("expected an object");
  i++;
  skipWs();
  if (text[i] === "}") return members;
  for (;;) {
    skipWs();
    if (text[i] !== '"') fail("expected a key");
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i));
    skipWs();
    if (text[i] !== ":") fail("expected ':'");
    i++;
    skipWs();
    const valueStart = i;
    skipValue();
    members.set(key, text.slice(valueStart, i));
    skipWs();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return members;
    fail("expected ',' or '}'");
  }
}

/**
 * A chain from its files' text: the exact body of each certificate (text, and bytes for
 * mithril-lite's `feed`), the genesis key and the starting hash.
 * @param {string} certificatesText certificates.json
 * @param {string} genesisKeyText genesis.vkey
 * @param {string} start
 */
export function chainFromFiles(certificatesText, genesisKeyText, start) {
  const bodies = exactMembers(certificatesText);
  const encoder = new TextEncoder();
  const bytes = new Map([...bodies].map(([hash, body]) => [hash, encoder.encode(body)]));
  return { genesisKey: genesisKeyText.trim(), start: start.trim(), bodies, bytes };
}

/**
 * The epoch and previous hash of a certificate body (small numbers and strings: safe to read
 * with JSON.parse, unlike the stakes elsewhere in the body).
 * @param {string} body
 */
export function chainFields(body) {
  const c = JSON.parse(body);
  return { epoch: Number(c.epoch), previousHash: String(c.previous_hash), hash: String(c.hash) };
}

/**
 * mithril-lite inline (one thread): walk from `start` (default `chain.start`) to an anchor,
 * stopping at a `trusted` hash; returns the number of certificates checked.
 */
export function liteWalk(lite, chain, start = chain.start, trusted = []) {
  const w = new lite.Walk(chain.genesisKey, start, { trusted });
  try {
    for (;;) {
      const s = w.step();
      if (s.kind === "fetch") {
        const bytes = chain.bytes.get(s.hash);
        if (bytes === undefined) {
          w.fetchFailed(s.hash, "not in the fixture");
          continue;
        }
        const id = w.feed(s.hash, bytes);
        if (id !== undefined) w.runCheck(id);
      } else if (s.kind === "done") {
        if (s.error !== undefined) {
          const e = s.error;
          throw new Error(`mithril-lite rejected the chain: ${e.code ?? ""} ${e.message ?? e}`);
        }
        return s.result.certificatesChecked;
      } else {
        throw new Error(`unexpected step ${JSON.stringify(s)}`);
      }
    }
  } finally {
    w.free();
  }
}
