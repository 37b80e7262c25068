/**
 * Pure parsers for the two scraped "Entra audit log categories and activities" pages.
 *
 * - 2024 page: plain-text scrape. Each service is a heading line, optional prose, an " Expand table"
 *   line, then a tab-separated table whose header is "Audit Category<TAB>Activity[<TAB>Description]".
 * - 2018 page: markdown. Each service is a "## Heading" followed by a pipe table.
 *
 * No I/O here: scripts/build-catalog.ts reads the files and writes the JSON.
 */

export type Source = '2024' | '2018';

/** Seed file names inside the seeds directory (../shared/seeds, or $IDTRAIL_SEEDS_DIR). */
export const SEED_FILE_2024 = '000_db79292fead3a7c2.txt';
export const SEED_FILE_2018 = '001_e645f87ee3e04e67.txt';

export interface Row {
  service: string;
  category: string;
  activity: string;
  description?: string;
  source: Source;
}

/** Raised when the page no longer has the shape the parser relies on (so a changed seed fails loudly). */
export class SeedFormatError extends Error {
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `${message} (line ${line + 1})`);
    this.name = 'SeedFormatError';
  }
}

/** Markdown links `[text](target)` reduced to their text; whitespace collapsed and trimmed. */
export function cleanCell(cell: string): string {
  return cell
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A row made only of dashes/colons (markdown table separator, e.g. "----------------<TAB>----------"). */
function isSeparatorRow(cells: readonly string[]): boolean {
  return cells.every((c) => c === '' || /^:?-{3,}:?$/.test(c)) && cells.some((c) => c !== '');
}

function isHeaderRow(cells: readonly string[]): boolean {
  return cells[0] === 'Audit Category';
}

// ---------------------------------------------------------------------------------------------------------
// 2024
// ---------------------------------------------------------------------------------------------------------

const TABLE_HEADER_2024 = /^Audit Category\t/;

/**
 * True for a line that can be a section heading: short, not prose (no sentence-final punctuation,
 * no links), not a navigation-list item.
 */
function looksLikeHeading(line: string): boolean {
  const t = line.trim();
  if (t === '' || t.includes('\t')) return false;
  if (t === 'Expand table' || t === 'In this article') return false;
  if (/[.!?:,;]$/.test(t)) return false;
  if (t.includes('](')) return false;
  if (/^([-*>▼<]|\d+\.)\s?/.test(t)) return false;
  return t.split(/\s+/).length <= 10;
}

/**
 * Walk back from a table header to the section heading: skip blank lines, the "Expand table" line and
 * prose paragraphs; the first heading-like line is the service name. Stops (and throws) at a table row.
 */
function findHeading(lines: readonly string[], headerIdx: number): { name: string; idx: number } {
  for (let i = headerIdx - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.includes('\t')) break;
    if (looksLikeHeading(line)) return { name: line.trim(), idx: i };
  }
  throw new SeedFormatError('no section heading found above table header', headerIdx);
}

const TRAILING_LINK_TEXT = /\s*Learn more$/;

/**
 * Parse the 2024 page. Noise handled:
 * - everything outside tables (cookie banner, nav, intro, prose, footer): only tab-separated lines are
 *   table data, and only those after a table header count;
 * - navigation text leaked inside a table (non-tab lines between rows): ignored;
 * - blank lines inside tables (page-break artifacts): ignored;
 * - markdown separator rows ("----------------<TAB>----------") and repeated header rows: dropped;
 * - rows split over two lines: a tab line whose only non-empty cell is the first one (e.g.
 *   "configuration<TAB><TAB>") is the wrapped tail of the previous row's activity (or of its description,
 *   when that description is an unfinished sentence); a line with an empty category continues the
 *   previous row column-wise;
 * - link text leaked into descriptions ("... application. Learn more"): the trailing "Learn more" is cut;
 * - sections whose table has no rows (or no table at all) contribute nothing.
 */
export function parseCatalog2024(text: string): Row[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // A table starts at a header line that does not directly follow table rows (a header repeated inside a
  // table is dropped as a row below instead).
  const headerIdxs: number[] = [];
  lines.forEach((l, i) => {
    if (!TABLE_HEADER_2024.test(l)) return;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    if (j < 0 || !lines[j]!.includes('\t')) headerIdxs.push(i);
  });

  const sections = headerIdxs.map((h) => ({ header: h, heading: findHeading(lines, h) }));
  const rows: Row[] = [];

  sections.forEach((sec, si) => {
    const columns = lines[sec.header]!.split('\t').map(cleanCell);
    const descCol = columns.indexOf('Description');
    const end = si + 1 < sections.length ? sections[si + 1]!.heading.idx : lines.length;
    const service = sec.heading.name;
    let prev: Row | undefined;

    for (let i = sec.header + 1; i < end; i++) {
      const raw = lines[i]!;
      if (!raw.includes('\t')) continue; // blank line, leaked nav text, footer
      const cells = raw.split('\t').map(cleanCell);
      if (isSeparatorRow(cells) || isHeaderRow(cells)) continue;
      const [first = '', second = ''] = cells;
      const rest = cells.slice(1);
      const third = descCol >= 0 ? (cells[descCol] ?? '') : '';

      if (first !== '' && rest.every((c) => c === '')) {
        // Wrapped tail of the previous row, pushed into the first column by the scrape.
        if (!prev) throw new SeedFormatError(`continuation line "${first}" with no row before it`, i);
        const descUnfinished = prev.description !== undefined && !/[.!?)]$/.test(prev.description);
        if (descUnfinished) prev.description = `${prev.description} ${first}`;
        else prev.activity = `${prev.activity} ${first}`;
        continue;
      }
      if (first === '') {
        if (second === '' && third === '') continue;
        if (!prev) throw new SeedFormatError('row with empty category and no row before it', i);
        if (second !== '') prev.activity = `${prev.activity} ${second}`;
        if (third !== '') prev.description = prev.description ? `${prev.description} ${third}` : third;
        continue;
      }
      if (second === '') throw new SeedFormatError(`row without activity: ${JSON.stringify(raw)}`, i);

      const row: Row = { service, category: first, activity: second, source: '2024' };
      const desc = third.replace(TRAILING_LINK_TEXT, '');
      if (desc !== '') row.description = desc;
      rows.push(row);
      prev = row;
    }
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 2018
// ---------------------------------------------------------------------------------------------------------

/** Sections of the 2018 page that are not services. */
const NON_SERVICE_SECTIONS_2018 = new Set(['Next steps', 'See also', 'Related content']);

/**
 * Parse the 2018 markdown page. Rows keep the page's own (2018) service names; mergeCatalogs maps them.
 * Noise handled: YAML front matter, the "# " title and intro, header rows (spelled "Activty" on that
 * page), "|---|---|" separators, the "Next steps" section, sections without a table.
 */
export function parseCatalog2018(text: string): Row[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  if (lines[0]?.trim() === '---') {
    const close = lines.findIndex((l, j) => j > 0 && l.trim() === '---');
    if (close < 0) throw new SeedFormatError('unterminated front matter');
    i = close + 1;
  }

  const rows: Row[] = [];
  let service: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const name = cleanCell(heading[2]!);
      service = heading[1] === '##' && !NON_SERVICE_SECTIONS_2018.has(name) ? name : undefined;
      continue;
    }
    if (!line.startsWith('|')) continue;
    const cells = line.replace(/^\|/, '').replace(/\|$/, '').split('|').map(cleanCell);
    if (isSeparatorRow(cells) || isHeaderRow(cells)) continue;
    if (service === undefined) throw new SeedFormatError('table row outside a service section', i);
    const [category = '', activity = ''] = cells;
    if (category === '' || activity === '') {
      throw new SeedFormatError(`incomplete row: ${JSON.stringify(lines[i])}`, i);
    }
    rows.push({ service, category, activity, source: '2018' });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Merge
// ---------------------------------------------------------------------------------------------------------

/**
 * 2018 service names that are clearly the same service under its 2024 name. 2018 names not listed here and
 * not spelled identically in 2024 are kept as they are (e.g. "Automated password rollover").
 */
export const SERVICE_MAP_2018: Readonly<Record<string, string>> = {
  'Core directory': 'Core Directory',
  'Identity protection': 'Microsoft Entra ID Protection (Identity Protection)',
  'Microsoft Identity Manager (MIM)': 'Microsoft Identity Manager (MIM) Service',
  'Privileged Identity Management': 'Privileged Identity Management (PIM)',
};

export function map2018Service(service: string): string {
  return SERVICE_MAP_2018[service] ?? service;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort order of the catalog: service, category, activity (code-unit order, locale-independent). */
export function compareRows(a: Row, b: Row): number {
  return cmp(a.service, b.service) || cmp(a.category, b.category) || cmp(a.activity, b.activity);
}

function rowKey(r: Row): string {
  return JSON.stringify([r.service, r.category, r.activity, r.description ?? null, r.source]);
}

/**
 * All 2024 rows, plus 2018 rows (service mapped to its 2024 name) whose service+activity the 2024 page does
 * not list (case-sensitive). Exact duplicate rows are dropped; the result is stably sorted.
 */
export function mergeCatalogs(rows2024: readonly Row[], rows2018: readonly Row[]): Row[] {
  const known = new Set(rows2024.map((r) => JSON.stringify([r.service, r.activity])));
  const extra = rows2018
    .map((r): Row => ({ ...r, service: map2018Service(r.service) }))
    .filter((r) => !known.has(JSON.stringify([r.service, r.activity])));

  const seen = new Set<string>();
  const out: Row[] = [];
  for (const r of [...rows2024, ...extra]) {
    const k = rowKey(r);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({
      service: r.service,
      category: r.category,
      activity: r.activity,
      ...(r.description !== undefined ? { description: r.description } : {}),
      source: r.source,
    });
  }
  return out.sort(compareRows);
}
