/**
 * A CEF reader for tests, written from the CEF Implementation Standard's escaping rules rather
 * than from src/router/cef.ts, so a test checks the writer against the format, not against itself.
 */
export interface CefEvent {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signature: string;
  name: string;
  severity: string;
  ext: Record<string, string>;
}

export function parseCef(line: string): CefEvent {
  if (!line.startsWith('CEF:')) throw new Error(`not a CEF event: ${line.slice(0, 40)}`);
  const header: string[] = [];
  let cur = '';
  let i = 4;
  while (header.length < 7) {
    const c = line[i++];
    if (c === undefined) throw new Error('CEF header ends early');
    if (c === '\\') {
      const n = line[i++];
      if (n !== '\\' && n !== '|') throw new Error(`bad header escape \\${n}`);
      cur += n;
    } else if (c === '|') {
      header.push(cur);
      cur = '';
    } else cur += c;
  }
  const ext: Record<string, string> = {};
  const rest = line.slice(i);
  // Keys are word characters followed by an unescaped '='; a value runs to the next such key.
  const keyAt = /(?:^|\s)([A-Za-z0-9_]+)=/g;
  const keys: Array<{ key: string; start: number; valueStart: number }> = [];
  for (let m = keyAt.exec(rest); m; m = keyAt.exec(rest)) {
    // An escaped '=' belongs to a value: skip matches whose '=' is preceded by a backslash run of odd length.
    let bs = 0;
    for (let j = m.index + m[0].length - 2; j >= 0 && rest[j] === '\\'; j--) bs++;
    if (bs % 2 === 1) continue;
    keys.push({ key: m[1]!, start: m.index, valueStart: m.index + m[0].length });
  }
  for (const [k, e] of keys.entries()) {
    const end = k + 1 < keys.length ? keys[k + 1]!.start : rest.length;
    const raw = rest.slice(e.valueStart, end);
    ext[e.key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
  }
  const [version, vendor, product, deviceVersion, signature, name, severity] = header as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { version, vendor, product, deviceVersion, signature, name, severity, ext };
}
