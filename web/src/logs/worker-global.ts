// Runs before the Kusto worker's modules (see kusto-worker.ts).
(globalThis as unknown as { global: typeof globalThis }).global = globalThis;
