// The demo page's tests again with `?workers=0`: the same verdicts with the STM checks in the
// page's own thread (demo.test.mjs runs them on the package's default pool of Web Workers).

process.env.DEMO_WORKERS = '0';
await import('./demo.test.mjs');
