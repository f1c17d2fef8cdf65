// A small JSON scanner that reads string values out of JSON text without ever turning a
// number into a JavaScript number. Aggregator JSON carries stakes above 2^53 (spec §2.2), so
// certificate text is never JSON.parse'd in JavaScript; the walk parses it in Rust. The only
// JSON this package reads itself is the certificate list, for its `hash` fields.

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class ScanError extends Error {}

/**
 * @param {string} s
 * @param {number} i
 */
function skipWs(s, i) {
  while (i < s.length && WS.has(s.charCodeAt(i))) i++;
  return i;
}

/**
 * End (exclusive) of the string literal starting at `s[i] === '"'`.
 * @param {string} s
 * @param {number} i
 */
function stringEnd(s, i) {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) j++; // backslash: skip the escaped character
    else if (c === 0x22) return j + 1;
    else if (c < 0x20) throw new ScanError('control character in a string');
  }
  throw new ScanError('unterminated string');
}

/**
 * Decode the string literal at `s[i]`: JSON.parse of a lone string literal is exact.
 * @param {string} s
 * @param {number} i
 * @returns {[string, number]} the value and the index after it
 */
function readString(s, i) {
  if (s[i] !== '"') throw new ScanError(`expected a string at ${i}`);
  const end = stringEnd(s, i);
  return [/** @type {string} */ (JSON.parse(s.slice(i, end))), end];
}

/**
 * Index after the JSON value starting at `i` (after whitespace). Numbers are skipped as text.
 * @param {string} s
 * @param {number} i
 */
function skipValue(s, i) {
  i = skipWs(s, i);
  const c = s[i];
  if (c === '"') return stringEnd(s, i);
  if (c === '{' || c === '[') {
    /** @type {string[]} */
    const stack = [c === '{' ? '}' : ']'];
    i++;
    while (stack.length > 0) {
      if (i >= s.length) throw new ScanError('unterminated structure');
      const d = s[i];
      if (d === '"') i = stringEnd(s, i);
      else if (d === '{') (stack.push('}'), i++);
      else if (d === '[') (stack.push(']'), i++);
      else if (d === '}' || d === ']') {
        if (stack.pop() !== d) throw new ScanError(`mismatched ${d} at ${i}`);
        i++;
      } else i++;
    }
    return i;
  }
  const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i, i + 400));
  if (!m) throw new ScanError(`unexpected character at ${i}`);
  return i + m[0].length;
}

/**
 * Members of the object starting at `i`, as key → [start, end) spans of their value text.
 * @param {string} s
 * @param {number} i
 * @returns {{members: Map<string, [number, number]>, end: number}}
 */
function objectSpans(s, i) {
  i = skipWs(s, i);
  if (s[i] !== '{') throw new ScanError(`expected an object at ${i}`);
  /** @type {Map<string, [number, number]>} */
  const members = new Map();
  i = skipWs(s, i + 1);
  if (s[i] === '}') return { members, end: i + 1 };
  for (;;) {
    const [key, afterKey] = readString(s, skipWs(s, i));
    i = skipWs(s, afterKey);
    if (s[i] !== ':') throw new ScanError(`expected ':' at ${i}`);
    const start = skipWs(s, i + 1);
    const end = skipValue(s, start);
    if (!members.has(key)) members.set(key, [start, end]);
    i = skipWs(s, end);
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '}') return { members, end: i + 1 };
    throw new ScanError(`expected ',' or '}' at ${i}`);
  }
}

/**
 * The `hash` string of every element of a JSON array of objects (the aggregator's
 * `/certificates` list, newest first), without parsing any number. Returns undefined if the
 * text is not such an array.
 * @param {string} text
 * @returns {string[] | undefined}
 */
export function listHashes(text) {
  try {
    let i = skipWs(text, 0);
    if (text[i] !== '[') return undefined;
    /** @type {string[]} */
    const hashes = [];
    i = skipWs(text, i + 1);
    if (text[i] === ']') return skipWs(text, i + 1) === text.length ? hashes : undefined;
    for (;;) {
      const { members, end } = objectSpans(text, i);
      const span = members.get('hash');
      if (!span) return undefined;
      const [hash, after] = readString(text, span[0]);
      if (after !== span[1]) return undefined;
      hashes.push(hash);
      i = skipWs(text, end);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') return skipWs(text, i + 1) === text.length ? hashes : undefined;
      return undefined;
    }
  } catch (e) {
    if (e instanceof ScanError || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * The text of the top-level members `keys` of a JSON object text (the first occurrence of
 * each; numbers stay text), or undefined if the text is not one JSON object. Used to read a
 * proof's `certificate_hash` and its shape; the proof itself is parsed in Rust.
 * @param {string} text
 * @param {readonly string[]} keys
 * @returns {Map<string, string> | undefined}
 */
export function topLevelMembers(text, keys) {
  try {
    const { members, end } = objectSpans(text, 0);
    if (skipWs(text, end) !== text.length) return undefined;
    /** @type {Map<string, string>} */
    const out = new Map();
    for (const key of keys) {
      const span = members.get(key);
      if (span) out.set(key, text.slice(span[0], span[1]));
    }
    return out;
  } catch (e) {
    if (e instanceof ScanError || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * A JSON string literal's value (exact), or undefined if `literal` is not one.
 * @param {string | undefined} literal
 * @returns {string | undefined}
 */
export function stringValue(literal) {
  if (literal === undefined || literal[0] !== '"') return undefined;
  try {
    return /** @type {string} */ (JSON.parse(literal));
  } catch {
    return undefined;
  }
}
