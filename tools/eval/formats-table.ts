/**
 * npm run eval:formats [-- --write]: `batchscope eval --json` for every weights x KV combination, on
 * the built-in model (its held-out tasks, and logits vs f32) and on stories260K (logits vs f32), as
 * the markdown table of the model card's "Number formats" section (public/models/README.md, between
 * the eval:formats markers; rewritten only with --write).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../engine/cli/main';
import { repoRoot, storiesPath } from '../testing/stories260k';

const COMBOS = [
  ['f32', 'f32'],
  ['f32', 'f16'],
  ['f32', 'int8'],
  ['int8', 'f32'],
  ['int8', 'f16'],
  ['int8', 'int8'],
] as const;

async function evalJson(args: string[]): Promise<Record<string, any>> {
  let out = '';
  let err = '';
  const code = await main(['eval', ...args, '--json'], { out: (t) => void (out += t), err: (t) => void (err += t) });
  if (!out) throw new Error(`batchscope eval ${args.join(' ')} failed (${code}): ${err}`);
  return JSON.parse(out);
}

const pct = (t?: { correct: number; total: number }) => (t ? `${t.correct}/${t.total}` : '-');
const lines: string[] = [];
lines.push('| weights | KV cache | capital | count-down (held out) | count-from | repeat | list-capitals | targets | max logit diff vs f32 | greedy agreement vs f32 | stories260K: max logit diff | stories260K: greedy agreement |');
lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
const stories = ['--model', storiesPath('stories260K.bin'), '--tokenizer', storiesPath('tok512.bin')];
for (const [w, kv] of COMBOS) {
  const flags = ['--weights', w, '--kv-dtype', kv];
  const tiny = await evalJson(flags);
  const s = await evalJson([...stories, ...flags]);
  const agree = (a: { greedyAgreement: number; positions: number }) => `${(100 * a.greedyAgreement).toFixed(2)}% of ${a.positions}`;
  lines.push(
    `| ${w} | ${kv} | ${pct(tiny.capital)} | ${pct(tiny.countDown)} | ${pct(tiny.countFrom)} | ${pct(tiny.repeat)} | ${pct(tiny.listCapitals)} | ${tiny.targetsMet ? 'met' : '**missed**'} | ${tiny.vsF32.maxLogitDiff.toFixed(3)} | ${agree(tiny.vsF32)} | ${s.vsF32.maxLogitDiff.toFixed(3)} | ${agree(s.vsF32)} |`,
  );
  console.error(`${w} weights, ${kv} KV: done`);
}
const table = lines.join('\n');
console.log(table);
if (process.argv.includes('--write')) {
  const file = join(repoRoot, 'public/models/README.md');
  const doc = readFileSync(file, 'utf8');
  const [begin, end] = ['<!-- eval:formats begin -->', '<!-- eval:formats end -->'];
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`public/models/README.md has no ${begin} ... ${end} block`);
  writeFileSync(file, `${doc.slice(0, a + begin.length)}\n${table}\n${doc.slice(b)}`);
  console.error('public/models/README.md updated');
}
process.exit(0);
