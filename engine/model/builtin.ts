/**
 * The models shipped in public/models/, by the names the CLI (`--model tiny-moe`) and the app's
 * model picker use. Each has its own card in public/models/README.md. Pure data: the CLI resolves
 * the files on disk, the app as URLs.
 */
export interface BuiltInModel {
  name: string;
  /** Other names accepted for it. */
  aliases: readonly string[];
  /** File names under public/models/. */
  checkpoint: string;
  tokenizer: string;
  /** One line for a picker or --help. */
  summary: string;
}

export const BUILT_IN_MODELS: readonly BuiltInModel[] = [
  {
    name: 'batchscope-tiny',
    aliases: ['tiny'],
    checkpoint: 'batchscope-tiny.bin',
    tokenizer: 'batchscope-tiny.tok.bin',
    summary: 'dense Llama, 0.82 M parameters (the default)',
  },
  {
    name: 'tiny-moe',
    aliases: ['batchscope-tiny-moe'],
    checkpoint: 'batchscope-tiny-moe.bin',
    tokenizer: 'batchscope-tiny.tok.bin',
    summary: 'mixture of 8 experts, top 2 per token, trained with a load-balancing loss',
  },
  {
    name: 'tiny-moe-unbalanced',
    aliases: ['batchscope-tiny-moe-unbalanced'],
    checkpoint: 'batchscope-tiny-moe-unbalanced.bin',
    tokenizer: 'batchscope-tiny.tok.bin',
    summary: 'the same mixture trained without the balancing loss: uneven expert load',
  },
];

export const DEFAULT_MODEL = BUILT_IN_MODELS[0];

/** The built-in model called `name` (or one of its aliases), if any. */
export const builtInModel = (name: string): BuiltInModel | undefined => BUILT_IN_MODELS.find((m) => m.name === name || m.aliases.includes(name));
