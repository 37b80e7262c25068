/**
 * Monaco with monaco-kusto, bundled by Vite (no CDN: the portal works offline). Only the Logs
 * page imports this module, lazily, so the other views never load the editor.
 *
 * `edcore.main` is the editor with all its features (suggest widget, find, folding) but without
 * Monaco's other languages and their workers; Kusto is the only language the page needs. It must
 * be evaluated before monaco-kusto, whose contribution starts Monaco's services (defineTheme):
 * features registered after that find no services ("depends on UNKNOWN service"). So every use
 * of monaco-kusto goes through this module, and the bare imports below keep their order.
 */
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import '@kusto/monaco-kusto';
import { getKustoWorker, kustoDefaults } from '@kusto/monaco-kusto';
import * as monaco from 'monaco-editor/esm/vs/editor/edcore.main.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import KustoWorker from './kusto-worker.ts?worker';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'kusto' ? new KustoWorker() : new EditorWorker()),
};

// The query API runs queries, not management commands (`.show …`): do not offer them.
kustoDefaults.setLanguageSettings({ ...kustoDefaults.languageSettings, includeControlCommands: false });

export { getKustoWorker, monaco };
