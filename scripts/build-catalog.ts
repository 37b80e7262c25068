/**
 * Build src/registry/catalog/audit-catalog.json from the two scraped Entra "audit log activities" pages.
 *
 *   npx tsx scripts/build-catalog.ts
 *
 * Seeds are read from ../shared/seeds (relative to the repo root) or from $IDTRAIL_SEEDS_DIR.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  mergeCatalogs,
  parseCatalog2018,
  parseCatalog2024,
  type Row,
  SEED_FILE_2018,
  SEED_FILE_2024,
} from '../src/registry/catalog/parse-seeds.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seedsDir = process.env['IDTRAIL_SEEDS_DIR'] || path.resolve(repoRoot, '../shared/seeds');
const outFile = path.join(repoRoot, 'src/registry/catalog/audit-catalog.json');

/** One row per line: diff-friendly and still valid JSON. */
function formatCatalog(rows: readonly Row[]): string {
  if (rows.length === 0) return '[]\n';
  return `[\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`;
}

function main(): void {
  const read = (name: string): string => readFileSync(path.join(seedsDir, name), 'utf8');
  const rows2024 = parseCatalog2024(read(SEED_FILE_2024));
  const rows2018 = parseCatalog2018(read(SEED_FILE_2018));
  const rows = mergeCatalogs(rows2024, rows2018);
  writeFileSync(outFile, formatCatalog(rows));

  const from2018 = rows.filter((r) => r.source === '2018').length;
  console.log(
    `parsed ${rows2024.length} rows (2024) and ${rows2018.length} rows (2018); ` +
      `wrote ${rows.length} rows (${rows.length - from2018} from 2024, ${from2018} 2018-only) to ` +
      path.relative(repoRoot, outFile),
  );
}

main();
