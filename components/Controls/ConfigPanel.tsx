import { BLOCK_SIZES, GPU_OPTIONS, MODEL_OPTIONS, SIM_MODEL_OPTIONS, SIM_ONLY_WORKLOADS, modelSummary, presetDefaults, simPool, workloadDescription, workloadOptions } from '../../src/run/catalog';
import { DEFAULT_CONFIG, LIMITS, type BackendChoice, type KvManager, type RunConfig, type Strategy } from '../../src/store/config';
import { proposedBudget } from '../../src/run/compare';
import { useApp, useAppStore } from '../../src/store/store';
import { BackendStatus } from './BackendStatus';
import { FormatsGroup } from './FormatsGroup';
import { CheckField, Group, NumberField, SelectField } from './fields';

const range = (k: keyof typeof LIMITS) => ({ min: LIMITS[k][0], max: LIMITS[k][1] });

/** Every knob, grouped as a learner thinks about them. Strategy and memory apply at the next iteration. */
export function ConfigPanel() {
  const store = useAppStore();
  const c = useApp((s) => s.config);
  const compare = useApp((s) => s.compare);
  const compareBy = useApp((s) => s.compareBy);
  const set = (patch: Partial<RunConfig>) => store.getState().setConfig(patch);
  // Compare by strategy pins the lanes to static and continuous; any other comparison keeps this strategy.
  const strategyPinned = compare && compareBy === 'strategy';
  const isStatic = c.strategy === 'static' && !strategyPinned;
  return (
    <div className="config" aria-label="Configuration">
      <Group title="Strategy" tour="strategy" note={strategyPinned ? 'Compare mode runs static on top and continuous below, on the same workload.' : compare ? 'Compare mode changes one setting between its two runs (chosen beside Compare); the rest applies to both.' : 'Changes apply at the next iteration; no request is lost.'}>
        <SelectField<Strategy>
          label="Batching"
          testid="strategy"
          value={c.strategy}
          disabled={strategyPinned}
          options={[
            { value: 'static', label: 'static' },
            { value: 'continuous', label: 'continuous' },
          ]}
          onChange={(strategy) => set({ strategy })}
          hint="static: a batch runs until its last request ends. continuous: finished requests leave and waiting ones join every iteration."
        />
        <NumberField label="max_num_seqs" testid="max-num-seqs" value={c.maxNumSeqs} {...range('maxNumSeqs')} onChange={(maxNumSeqs) => set({ maxNumSeqs })} hint="Batch slots: requests running at once (vLLM max_num_seqs)." />
        <NumberField label="max_num_batched_tokens" testid="token-budget" value={c.maxNumBatchedTokens} {...range('maxNumBatchedTokens')} onChange={(maxNumBatchedTokens) => set({ maxNumBatchedTokens })} hint="Token budget of one step, prompt and generated tokens together (vLLM)." />
        <CheckField label="chunked prefill" testid="chunked-prefill" tour="chunked-prefill" value={c.chunkedPrefill} disabled={isStatic} onChange={(chunkedPrefill) => set({ chunkedPrefill })} hint="Split long prompts across steps so running decodes never wait (Sarathi-Serve, vLLM)." />
        <CheckField label="prefill alone (TGI)" testid="separate-prefill" value={c.separatePrefill} disabled={isStatic || c.chunkedPrefill} onChange={(separatePrefill) => set({ separatePrefill })} hint="Newcomers prefill in a step of their own and running decodes stall for it, as TGI does." />
        <NumberField label="waiting_served_ratio" testid="waiting-served-ratio" value={c.waitingServedRatio} step={0.1} {...range('waitingServedRatio')} disabled={isStatic || c.chunkedPrefill} onChange={(waitingServedRatio) => set({ waitingServedRatio })} hint="TGI: newcomers join a running batch only when at least ratio × running of them can join at once. 0 admits whenever a slot is free. TGI ignores it with chunked prefill, and so does batchscope." />
        <NumberField label="max_waiting_tokens" testid="max-waiting-tokens" value={c.maxWaitingTokens} {...range('maxWaitingTokens')} disabled={isStatic || c.chunkedPrefill} onChange={(maxWaitingTokens) => set({ maxWaitingTokens })} hint="TGI: its waiting_tokens counter is 1 after newcomers' prefill and grows by one per decode step; when it reaches this value, waiting requests are let in whatever the ratio. Ignored with chunked prefill, as in TGI." />
      </Group>
      <Group title="Memory" tour="memory" note="Changes apply at the next iteration. A new block size or capacity moves the run to a new pool: running requests recompute their KV cache there.">
        <SelectField<KvManager>
          label="KV manager"
          testid="kv-manager"
          value={c.kv}
          options={[
            { value: 'paged', label: 'paged' },
            { value: 'contiguous', label: 'contiguous' },
          ]}
          onChange={(kv) => set({ kv })}
          hint="paged: fixed-size blocks on demand (vLLM). contiguous: each request reserves its maximum length up front in one range (Orca, TGI)."
        />
        <p className="fineprint">
          <button className="link" data-testid="compare-kv" onClick={() => store.getState().setUi({ compare: true, compareBy: 'kv', suggestedTopic: 'paged' })}>
            compare contiguous and paged
          </button>
        </p>
        <SelectField
          label="block size"
          testid="block-size"
          value={String(c.blockSize)}
          options={BLOCK_SIZES.map((b) => ({ value: String(b), label: `${b} tokens` }))}
          onChange={(b) => set({ blockSize: Number(b) })}
          hint="Token positions per KV block. Larger blocks waste more in each request's last block."
        />
        <p className="fineprint" data-testid="block-size-note">
          {c.blockSize === 16
            ? "vLLM's default. These requests (~40 tokens) are about ten times shorter than the ones vLLM measured, so half-empty last blocks waste a fifth of the memory here. "
            : `${c.blockSize}-token blocks here play the role of vLLM's 16: these requests (~40 tokens) are about ten times shorter than the ones vLLM measured. `}
          <button className="link" data-testid="try-block-size" onClick={() => set({ blockSize: c.blockSize === 16 ? DEFAULT_CONFIG.blockSize : 16 })}>
            {c.blockSize === 16 ? `back to ${DEFAULT_CONFIG.blockSize}` : 'try 16'}
          </button>
        </p>
        <div data-tour="prefix-caching" onPointerEnter={() => store.getState().setUi({ suggestedTopic: 'prefix-caching' })}>
          <CheckField
            label="prefix caching"
            testid="prefix-caching"
            value={c.prefixCaching}
            onChange={(prefixCaching) => {
              set({ prefixCaching });
              store.getState().setUi({ suggestedTopic: 'prefix-caching' });
            }}
            hint={
              c.kv === 'contiguous'
                ? 'Reuse the KV blocks of a prompt prefix computed before (vLLM automatic prefix caching). A contiguous reservation cannot share blocks: switch to paged for it to take effect.'
                : 'Reuse the KV blocks of a prompt prefix computed before (vLLM automatic prefix caching): requests that start the same way prefill only the rest. Try the system-prompt preset.'
            }
          />
          {c.prefixCaching && c.kv === 'contiguous' && <p className="fineprint">Contiguous reservations cannot share: nothing is cached until the KV manager is paged.</p>}
        </div>
        {c.backend === 'sim' ? (
          <SimPoolField />
        ) : (
          <NumberField
            label="KV capacity (tokens)"
            testid="kv-capacity"
            value={c.kvCapacity}
            step={64}
            {...range('kvCapacity')}
            disabled={c.kvMemoryMib > 0}
            onChange={(kvCapacity) => set({ kvCapacity })}
            hint="Token positions the KV pool holds. If a request no longer fits, the run starts over. Unused while the pool is given in MiB (Bytes per token)."
          />
        )}
      </Group>
      <FormatsGroup />
      <Group title="Workload" tour="workload" note="Workload changes restart the run.">
        <SelectField label="preset" testid="workload" value={c.workload} options={workloadOptions(c.backend)} onChange={(workload) => set({ workload, ...presetDefaults(workload) })} hint="Seeded request generators: how many requests, when they arrive, and how long their prompts and answers are." />
        {/* The description on its own lines: inside the select a narrow sidebar cut it mid-word. */}
        <p className="fineprint" data-testid="workload-description">
          {workloadDescription(c.workload)}
        </p>
        {c.workload === 'long-prompts' && <LongPromptsHint />}
        <NumberField label="requests" testid="requests" value={c.requests} {...range('requests')} onChange={(requests) => set({ requests })} />
        <NumberField label="arrival rate (req/s, 0 = all at once)" testid="rate" value={c.rate} step={0.5} {...range('rate')} onChange={(rate) => set({ rate })} hint="Poisson arrivals at this rate; 0 submits every request at the start, as Anyscale's throughput benchmark does." />
        <NumberField label="seed" testid="seed" value={c.seed} {...range('seed')} onChange={(seed) => set({ seed })} />
        <NumberField
          label="completions per request (n, 0 = preset's)"
          testid="completions"
          value={c.completions}
          {...range('completions')}
          onChange={(completions) => set({ completions })}
          hint="Parallel sampling (vLLM's n): each request asks for this many answers, each with its own random stream and its own batch slot. Under paged KV they share their prompt's blocks. 0 keeps the preset's own (2-8 for parallel-sampling, else 1)."
        />
        <PromptsField />
      </Group>
      <Group title="Model" tour="model" note="Another model restarts the run on the same workload.">
        <SelectField
          label="model"
          testid="model"
          value={c.model}
          disabled={c.backend === 'sim'}
          options={MODEL_OPTIONS}
          onChange={(model) => set({ model })}
          hint="The real model the engine runs: batchscope-tiny (dense), or a mixture of experts whose FFN is 8 experts of which each token uses 2: tiny-moe was trained to spread tokens evenly over them, tiny-moe-unbalanced was not. Same tasks, same tokenizer, same workload."
        />
        <p className="fineprint" data-testid="model-description">
          {c.backend === 'sim' ? 'The simulator uses only its tokenizer.' : modelSummary(c.model)}
        </p>
      </Group>
      <Group title="Backend" note="WebGPU ↔ CPU, or another simulated GPU, takes over at the next iteration (running requests recompute their KV cache). Switching to or from the simulator restarts the run.">
        <SelectField<BackendChoice>
          label="engine"
          testid="backend"
          value={c.backend}
          options={[
            { value: 'webgpu', label: 'webgpu' },
            { value: 'cpu', label: 'cpu' },
            { value: 'sim', label: 'sim (simulated)' },
          ]}
          onChange={(backend) => set({ backend, ...(backend !== 'sim' && SIM_ONLY_WORKLOADS.includes(c.workload) ? { workload: 'high-variance', ...presetDefaults('high-variance') } : {}) })}
          hint="webgpu runs the real model on your GPU, cpu on your processor (WebAssembly SIMD), both measured; sim predicts times for a production GPU and model and is labelled simulated."
        />
        <SelectField label="simulated GPU" testid="sim-gpu" value={c.gpu} disabled={c.backend !== 'sim'} options={GPU_OPTIONS} onChange={(gpu) => set({ gpu })} />
        <SelectField label="simulated model" testid="sim-model" value={c.simModel} disabled={c.backend !== 'sim'} options={SIM_MODEL_OPTIONS} onChange={(simModel) => set({ simModel })} />
        <BackendStatus />
      </Group>
    </div>
  );
}

/** Long prompts are chunked prefill's lesson: the page proposes a budget fitted to this engine. */
function LongPromptsHint() {
  const store = useAppStore();
  const c = useApp((s) => s.config);
  const measured = useApp((s) => (s.sweep.measured?.backend === c.backend ? s.sweep.measured.result : undefined));
  const budget = proposedBudget(c, measured);
  const on = c.chunkedPrefill && c.maxNumBatchedTokens === budget;
  return (
    <p className="fineprint" data-testid="long-prompts-hint">
      {on ? `Chunked prefill is on at the proposed budget (${budget}): prompts spread over several iterations, decodes keep going. ` : 'Whole prompts stall the decodes beside them. '}
      <button className="link" data-testid="propose-budget" onClick={() => store.getState().setConfig(on ? { chunkedPrefill: false, maxNumBatchedTokens: 2048 } : { chunkedPrefill: true, maxNumBatchedTokens: budget, strategy: 'continuous' })}>
        {on ? 'turn it off' : `chunked prefill, budget ${budget}`}
      </button>{' '}
      ·{' '}
      <button className="link" data-testid="compare-chunked" onClick={() => store.getState().setUi({ compare: true, compareBy: 'chunkedPrefill', suggestedTopic: 'chunked-prefill' })}>
        compare with and without
      </button>
    </p>
  );
}

/** On the simulator the pool is not a knob: it is what the simulated GPU holds after the weights. */
function SimPoolField() {
  const c = useApp((s) => s.config);
  let text: string;
  try {
    const pool = simPool(c);
    text = `${pool.tokens.toLocaleString('en-US')} tokens · ${(pool.bytes / 2 ** 30).toFixed(1)} GiB`;
  } catch (e) {
    text = e instanceof Error ? e.message : String(e);
  }
  return (
    <div className="field readout" title="Simulated: the GPU's memory × 0.9 (vLLM's gpu_memory_utilization) minus the model weights, in KV token slots.">
      <span className="readout-label">KV capacity (simulated)</span>
      <output data-testid="kv-capacity">{text}</output>
    </div>
  );
}

function PromptsField() {
  const store = useAppStore();
  const prompts = useApp((s) => s.config.prompts);
  return (
    <div className="field">
      <label htmlFor="custom-prompts">your prompts (one per line)</label>
      <textarea
        id="custom-prompts"
        data-testid="prompts"
        rows={2}
        defaultValue={prompts.join('\n')}
        placeholder="What is the capital of Ohio:"
        onBlur={(e) => {
          const next = e.target.value.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 32);
          if (next.join('\n') !== prompts.join('\n')) store.getState().setConfig({ prompts: next });
        }}
      />
    </div>
  );
}
