// Module paths of Monaco's ESM build that its package types do not name.
declare module 'monaco-editor/esm/vs/editor/edcore.main.js' {
  export * from 'monaco-editor';
}
declare module '@kusto/monaco-kusto/release/esm/kusto.worker.js';
