import { isBatchscopeError } from '../errors';
import { benchCommand } from './bench';
import { experimentCommand } from './experiment';
import { generateCommand } from './generate';
import type { Io } from './io';
import { runCommand } from './run';
import { sweepCommand } from './sweep';

const HELP = `batchscope: static vs continuous batching on a real tiny transformer

Usage: batchscope <command> [options]

Commands:
  generate   generate text for one or more prompts (batched together)
  run        serve a workload with static or continuous batching; metrics, traces
  bench      static vs continuous (and paged vs contiguous KV) on the standard workloads
  sweep      step time vs tokens per step, and the knee where batching stops being free
  experiment anyscale: Anyscale's benchmark, throughput vs output-length cap per strategy

Run "batchscope <command> --help" for a command's options.`;

type Command = (argv: string[], io: Io) => Promise<number>;
const COMMANDS: Record<string, Command> = { generate: generateCommand, run: runCommand, bench: benchCommand, sweep: sweepCommand, experiment: experimentCommand };

/** Runs the CLI; returns the exit code. Errors a user can cause print one line unless --debug. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP + '\n');
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`batchscope: unknown command "${name}" (try: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (rest.includes('--debug')) io.err(`${(e instanceof Error && e.stack) || String(e)}\n`);
    else if (isBatchscopeError(e)) io.err(`batchscope ${name}: ${e.message}\n`);
    else io.err(`batchscope ${name}: internal error: ${e instanceof Error ? e.message : String(e)} (run with --debug for details)\n`);
    return 1;
  }
}
