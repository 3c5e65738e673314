import type { KvLayout, SequenceStep } from '../types';
import { writeStruct, type StructLayout } from './reflect';

/**
 * A ragged step flattened into the arrays the kernels read. Token t of the step is the j-th new
 * token of sequence i; every per-token fact a kernel needs is in its TokenInfo record.
 */
export interface StepData {
  tokens: number;
  /** (T, 4) TokenInfo {token, pos, slot, table}: slot = physical KV row of (its block, pos % blockSize), table = offset of its sequence's block table in `tables`. */
  tokenInfo: Uint32Array;
  /** Every sequence's block table, one after another. */
  tables: Uint32Array;
  /** (R) token index of each logits row. */
  rows: Uint32Array;
  /** (S) Job records for the sampler, laid out as sample.wgsl's struct Job. */
  jobs: ArrayBuffer;
  samples: number;
  /** Per sequence: its first logits row and row count (0 when no logits are returned). */
  logitRows: { first: number; count: number }[];
  /** Per sequence: its job index, or -1 when it does not sample. */
  jobOf: Int32Array;
}

export function packStep(seqs: readonly SequenceStep[], kv: KvLayout, job: StructLayout): StepData {
  const T = seqs.reduce((n, s) => n + s.tokens.length, 0);
  const tokenInfo = new Uint32Array(4 * T);
  const tables = new Uint32Array(seqs.reduce((n, s) => n + s.blockTable.length, 0));
  const rowList: number[] = [];
  const logitRows: StepData['logitRows'] = [];
  const jobOf = new Int32Array(seqs.length).fill(-1);
  const jobs = new ArrayBuffer(job.size * seqs.filter((s) => s.sample).length);
  const jobView = new DataView(jobs);
  let t = 0;
  let tableAt = 0;
  let samples = 0;
  seqs.forEach((s, i) => {
    const n = s.tokens.length;
    for (let j = 0; j < s.blockTable.length; j++) tables[tableAt + j] = s.blockTable[j];
    for (let j = 0; j < n; j++) {
      const pos = s.startPos + j;
      const slot = s.blockTable[Math.floor(pos / kv.blockSize)] * kv.blockSize + (pos % kv.blockSize);
      tokenInfo.set([s.tokens[j], pos, slot, tableAt], 4 * (t + j));
    }
    // Sampling reads the last row, so a sequence that samples has one even when it wants none back.
    const mode = s.logits ?? 'last';
    const first = rowList.length;
    if (mode === 'all') for (let j = 0; j < n; j++) rowList.push(t + j);
    else if (mode === 'last' || s.sample) rowList.push(t + n - 1);
    logitRows.push({ first, count: mode === 'none' ? 0 : rowList.length - first });
    if (s.sample) {
      writeStruct(jobView, job.size * samples, job, {
        row: rowList.length - 1,
        seed: s.sample.seed,
        pos: s.startPos + n,
        temperature: s.sample.temperature,
        top_p: s.sample.topP,
      });
      jobOf[i] = samples++;
    }
    t += n;
    tableAt += s.blockTable.length;
  });
  return { tokens: T, tokenInfo, tables, rows: Uint32Array.from(rowList), jobs, samples, logitRows, jobOf };
}
