/**
 * The KQL editor: Monaco with monaco-kusto (language `kusto`), its IntelliSense bound to the
 * workspace's own tables, Shift+Enter to run, and the query API's error marked where it points.
 */
import type { EngineSchema } from '@kusto/monaco-kusto';
import { useEffect, useRef } from 'react';
import { getKustoWorker, monaco } from './monaco.ts';
import type { QueryFailure } from './result.ts';

interface Props {
  value: string;
  onChange: (text: string) => void;
  /** Called with the editor's text as it is at that moment. */
  onRun: (text: string) => void;
  schema: EngineSchema | null;
  error: QueryFailure | null;
}

const OWNER = 'idtrail-query';

export function KqlEditor({ value, onChange, onRun, schema, error }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  /** The failed token's highlight, beside the marker's squiggle. */
  const errorMark = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  // The editor is made once; callbacks are read through refs so they stay current.
  const handlers = useRef({ onChange, onRun });
  handlers.current = { onChange, onRun };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once; `value` is synced below
  useEffect(() => {
    if (!host.current) return;
    const e = monaco.editor.create(host.current, {
      value,
      language: 'kusto',
      theme: 'kusto-light',
      minimap: { enabled: false },
      automaticLayout: true,
      fontSize: 13,
      lineNumbers: 'on',
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      fixedOverflowWidgets: true,
      suggest: { showStatusBar: false },
      ariaLabel: 'Query editor',
    });
    editor.current = e;
    // An action (not a bare command) so it wins over the suggest widget's own Shift+Enter.
    e.addAction({
      id: 'idtrail.run',
      label: 'Run query',
      keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      run: () => {
        e.trigger('idtrail', 'hideSuggestWidget', null);
        handlers.current.onRun(e.getValue());
      },
    });
    errorMark.current = e.createDecorationsCollection();
    const sub = e.onDidChangeModelContent(() => {
      const model = e.getModel();
      if (model) monaco.editor.setModelMarkers(model, OWNER, []);
      errorMark.current?.clear();
      handlers.current.onChange(e.getValue());
    });
    e.focus();
    return () => {
      sub.dispose();
      e.getModel()?.dispose();
      e.dispose();
      editor.current = null;
    };
  }, []);

  // A query loaded from history, a saved query or the URL replaces the text.
  useEffect(() => {
    const e = editor.current;
    if (e && e.getValue() !== value) e.setValue(value);
  }, [value]);

  // The schema the language service binds against: the caller's tables and their columns.
  useEffect(() => {
    const model = editor.current?.getModel();
    if (!schema || !model) return;
    let stale = false;
    getKustoWorker()
      .then((accessor) => accessor(model.uri))
      .then((worker) => (stale ? undefined : worker.setSchema(schema)))
      .catch((err: unknown) => console.error('Kusto language service', err));
    return () => {
      stale = true;
    };
  }, [schema]);

  // The query API's error, underlined where its line and position point.
  useEffect(() => {
    const e = editor.current;
    const model = e?.getModel();
    if (!e || !model) return;
    if (!error?.line || !error.pos) {
      monaco.editor.setModelMarkers(model, OWNER, []);
      errorMark.current?.clear();
      return;
    }
    const line = Math.min(error.line, model.getLineCount());
    const start = Math.min(error.pos, model.getLineMaxColumn(line));
    const end = Math.min(start + Math.max(error.token?.length ?? 1, 1), model.getLineMaxColumn(line) + 1);
    const range = {
      startLineNumber: line,
      startColumn: start,
      endLineNumber: line,
      endColumn: Math.max(end, start + 1),
    };
    monaco.editor.setModelMarkers(model, OWNER, [
      { severity: monaco.MarkerSeverity.Error, message: error.message, source: 'idtrail', ...range },
    ]);
    errorMark.current?.set([{ range, options: { inlineClassName: 'kql-error-token' } }]);
    e.revealLineInCenterIfOutsideViewport(line);
  }, [error]);

  return <div className="kql-editor" ref={host} data-testid="kql-editor" />;
}
