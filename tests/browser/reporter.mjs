// node:test reporter of the browser tests: one line per test (with its diagnostics and, on
// failure, the error), then the closing line "N passed, N failed".
//
//   node --test --test-reporter=./tests/browser/reporter.mjs --test-reporter-destination=stdout ...

import path from 'node:path';
import { inspect } from 'node:util';

/** @param {number | undefined} ms */
const took = (ms) => (ms === undefined ? '' : ms < 1000 ? ` (${Math.round(ms)} ms)` : ` (${(ms / 1000).toFixed(1)} s)`);

/** @param {unknown} error */
function describeError(error) {
  const e = /** @type {any} */ (error);
  const inner = e?.cause ?? e; // node:test wraps the test's error
  const text = inner?.stack ?? inspect(inner, { depth: 4 });
  return String(text)
    .split('\n')
    .slice(0, 25)
    .map((l) => `      ${l}`)
    .join('\n');
}

/** @param {AsyncIterable<{type: string, data: any}>} source */
export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const started = Date.now();
  /** @type {string | undefined} */
  let currentFile;
  const SUMMARY = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) \S+$/;

  for await (const { type, data } of source) {
    switch (type) {
      case 'test:diagnostic':
        // A test's diagnostics follow its result. The run's own summary (tests, pass, fail...)
        // is replaced by our closing line.
        if (!(data.nesting === 0 && SUMMARY.test(data.message))) {
          yield `${'  '.repeat(data.nesting + 1)}    ${data.message}\n`;
        }
        break;
      case 'test:pass':
      case 'test:fail': {
        if (data.details?.type === 'suite') break;
        if (data.file && data.file !== currentFile) {
          currentFile = data.file;
          yield `\n${path.relative(process.cwd(), data.file)}\n`;
        }
        const indent = '  '.repeat(data.nesting + 1);
        const ms = data.details?.duration_ms;
        if (data.skip !== undefined && data.skip !== false) {
          skipped++;
          yield `${indent}- ${data.name} (skipped${typeof data.skip === 'string' ? `: ${data.skip}` : ''})\n`;
          break;
        }
        if (type === 'test:pass') {
          passed++;
          yield `${indent}✔ ${data.name}${took(ms)}\n`;
        } else {
          failed++;
          yield `${indent}✘ ${data.name}${took(ms)}\n${describeError(data.details?.error)}\n`;
        }
        break;
      }
      case 'test:stderr':
      case 'test:stdout':
        if (data.message) yield data.message;
        break;
      default:
        break;
    }
  }
  yield `\n${took(Date.now() - started).trim().replace(/[()]/g, '')} in all; screenshots in tests/output/\n`;
  yield `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
