/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, self time per
 * pipeline stage, and inclusive time of the pipeline's entry points. Only the JavaScript thread is
 * sampled; DuckDB's own threads show up as idle time there (see bench/lib/cpu.ts for those).
 *
 *   node --import tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Frames that are a stage by themselves (V8's pseudo-frames). */
const LEAF_STAGES = new Map([
  ['(idle)', 'idle (waiting: DuckDB threads, I/O)'],
  ['(garbage collector)', 'garbage collection'],
  ['(program)', 'native / runtime (program)'],
]);

/**
 * Pipeline stages by file. A sample belongs to the stage of the innermost frame on its stack that
 * matches, so engine built-ins are charged to their caller: JSON.parse to parseBody, the UTF-8
 * encoding of the scratch file to the store's append, crypto's `update` to the hash chain.
 */
const STAGES: ReadonlyArray<[string, RegExp]> = [
  ['SHA-256 chain (security/hash-chain.ts, incl. crypto update)', /security\/hash-chain\.ts$/],
  ['canonical JSON (security/canonical-json.ts)', /security\/canonical-json\.ts$/],
  ['JSON.parse of the body (ingest/parse.ts)', /ingest\/parse\.ts$/],
  ['normalisation (records/normalize.ts)', /records\/normalize\.ts$/],
  ['TypeBox check (ingest/validate.ts, compiled checker)', /ingest\/validate\.ts$|@sinclair\/typebox/],
  ['column extraction (ingest/prepare.ts)', /ingest\/prepare\.ts$/],
  ['committer (dedup, fingerprints, sealing loop)', /ingest\/(committer|fingerprint-set)\.ts$/],
  [
    'store append: row JSON.stringify, UTF-8 encode, scratch file write, SQL',
    /store\/duckdb\/duckdb-store\.ts$/,
  ],
  ['DuckDB node-api (JS side)', /@duckdb\//],
  [
    'HTTP: sockets, body read + UTF-8 decode, fastify',
    /fastify|find-my-way|avvio|content-type-parser|node:(_http|http|net)|node:internal\/(http|net|stream|streams)|api\//,
  ],
  ['tsx loader / module loading', /tsx|esbuild|node:internal\/modules/],
];

function stageOf(stack: CallFrame[]): string {
  const leaf = LEAF_STAGES.get(stack[0]!.functionName);
  if (leaf) return leaf;
  for (const f of stack) {
    if (!f.url) continue;
    const hit = STAGES.find(([, re]) => re.test(f.url));
    if (hit) return hit[0];
  }
  return 'other JavaScript';
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: Array<{ name: string; where: string; ms: number }>;
  byStage: Array<{ stage: string; ms: number }>;
  inclusive: Array<{ name: string; ms: number }>;
}

const short = (url: string) => {
  if (!url) return '(native)';
  const m = /(src\/.*|node_modules\/.*|node:.*)$/.exec(url.replace(/^file:\/\//, ''));
  return m ? m[1]! : url;
};

/** Entry points whose inclusive time tells the story. */
const INCLUSIVE = [
  'parseBody',
  'prepareItems',
  'checkRecord',
  'canonicalJson',
  'chainHash',
  'commitGroup',
  'append',
  'ingestText',
];

export function summarise(file: string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const fn = new Map<string, { name: string; where: string; ms: number }>();
  const stage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    totalMs += ms;
    const key = `${f.functionName}@${f.url}`;
    const e = fn.get(key) ?? {
      name: f.functionName || '(anonymous)',
      // tsx serves each module as one line, so line numbers say nothing: name the file only.
      where: short(f.url),
      ms: 0,
    };
    e.ms += ms;
    fn.set(key, e);
    const stack: CallFrame[] = [];
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n))
      stack.push(byId.get(n)!.callFrame);
    const s = stageOf(stack);
    stage.set(s, (stage.get(s) ?? 0) + ms);
    // Inclusive time: count each named entry point once per sample stack.
    const seen = new Set<string>();
    for (const frame of stack) {
      const name = frame.functionName;
      if (INCLUSIVE.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    }
  }
  return {
    totalMs,
    byFunction: [...fn.values()].sort((a, b) => b.ms - a.ms),
    byStage: [...stage].map(([s, ms]) => ({ stage: s, ms })).sort((a, b) => b.ms - a.ms),
    inclusive: INCLUSIVE.map((name) => ({ name, ms: inclusive.get(name) ?? 0 })),
  };
}

export function formatSummary(s: ProfileSummary, top = 25): string {
  const busy = s.totalMs - (s.byStage.find((x) => x.stage.startsWith('idle'))?.ms ?? 0);
  const pct = (ms: number, of: number) => `${((100 * ms) / of).toFixed(1)}%`.padStart(6);
  const lines: string[] = [];
  lines.push(
    `JS thread: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (shares below are of busy time)`,
  );
  lines.push('', 'By stage (self time):');
  for (const x of s.byStage) {
    if (x.stage.startsWith('idle')) continue;
    lines.push(`  ${pct(x.ms, busy)}  ${(x.ms / 1000).toFixed(2).padStart(7)} s  ${x.stage}`);
  }
  lines.push('', 'Inclusive time of pipeline entry points:');
  for (const x of s.inclusive)
    lines.push(`  ${pct(x.ms, busy)}  ${(x.ms / 1000).toFixed(2).padStart(7)} s  ${x.name}`);
  lines.push('', `Top ${top} functions by self time:`);
  for (const x of s.byFunction.filter((f) => f.name !== '(idle)').slice(0, top)) {
    lines.push(`  ${pct(x.ms, busy)}  ${(x.ms / 1000).toFixed(2).padStart(7)} s  ${x.name}  ${x.where}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatSummary(summarise(file), Number(process.argv[3] ?? 25))}\n`);
}
