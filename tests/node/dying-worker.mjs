// A check worker for tests: the package's own worker (pkg/src/worker-node.js) behind a hook
// that fails one of its jobs (dying-hook.mjs, `workerData.mode`).

import './dying-hook.mjs';
import '../../pkg/src/worker-node.js';
