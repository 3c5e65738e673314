/**
 * Every failure a user can cause (a bad file, a bad flag, a prompt that does not fit) is a
 * BatchscopeError with a stable `code`, so the CLI can print one line and the app can show a
 * sentence instead of a stack trace. Programming errors stay plain Errors.
 */
export type ErrorCode =
  | 'bad-checkpoint'
  | 'bad-tokenizer'
  | 'vocab-mismatch'
  | 'file-not-found'
  | 'bad-argument'
  | 'prompt-too-long'
  | 'out-of-kv-blocks'
  | 'bad-step'
  | 'no-webgpu'
  | 'no-adapter'
  | 'model-too-large'
  | 'model-unsupported'
  | 'device-lost'
  | 'bad-workload'
  | 'bad-trace'
  | 'bad-prompts'
  /** An input path that is not a regular file, or one over its size limit (engine/limits.ts). */
  | 'bad-file'
  /** An output path that cannot be written. */
  | 'bad-output';

export class BatchscopeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BatchscopeError';
    this.code = code;
  }
}

export function isBatchscopeError(e: unknown): e is BatchscopeError {
  return e instanceof BatchscopeError;
}
