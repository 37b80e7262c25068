/**
 * monaco-kusto's language-service worker. Its Bridge.NET runtime (`bridge.min.js`) looks for
 * Node's `global` when it finds a CommonJS `module` — which the bundler's CommonJS wrapper
 * provides — so a worker needs `global` to be the worker's global scope before it loads.
 */
import './worker-global.ts';
import '@kusto/monaco-kusto/release/esm/kusto.worker.js';
