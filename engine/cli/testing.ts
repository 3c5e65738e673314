import { main } from './main';

/** Runs the CLI in-process, as `npx batchscope ...argv` would, and keeps what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  let stdout = '';
  let stderr = '';
  const t0 = performance.now();
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr, ms: performance.now() - t0 };
}
