import type { ModelConfig } from '../../engine/model/config';
import { kvBytesPerToken } from '../../engine/model/quant/formats';
import { kvCapacityOf } from '../../src/run/catalog';
import { isMoeModel } from '../../src/run/model-formats';
import { LIMITS, type RunConfig } from '../../src/store/config';
import { useApp, useAppStore } from '../../src/store/store';
import { Group, NumberField, SelectField } from './fields';

/**
 * "Bytes per token": the weights' and the KV cache's number formats, the attention path, and the
 * KV pool as a budget in MiB (so its capacity in tokens follows the KV format). On the simulator
 * the float32 choices stand for the simulated model's own fp16.
 */
export function FormatsGroup() {
  const store = useAppStore();
  const c = useApp((s) => s.config);
  const modelConfig = useApp((s) => s.lanes.a.backend?.config);
  const set = (patch: Partial<RunConfig>) => store.getState().setConfig(patch);
  const sim = c.backend === 'sim';
  const full = sim ? 'fp16 (as published)' : 'f32';
  const moe = !sim && isMoeModel(c.model);
  return (
    <Group title="Bytes per token" tour="formats" note="A new format moves the run to new backends at the next iteration: running requests recompute their KV cache there.">
      <SelectField<RunConfig['weights']>
        label="weights"
        testid="weights"
        value={c.weights}
        disabled={moe}
        options={moe ? [{ value: 'f32', label: 'f32 (int8: dense models only)' }] : [
          { value: 'f32', label: full },
          { value: 'int8', label: 'int8 (Q8_0)' },
        ]}
        onChange={(weights) => set({ weights })}
        hint={
          moe
            ? 'A mixture of experts runs with float32 weights here: the expert kernels have no int8 path. Its KV cache format and attention path are free to change.'
            : "int8 stores every matmul weight in 8 bits with one fp16 scale per 32 (llama.cpp's Q8_0): 3.8x fewer bytes to read each step. The kernels widen each weight back to float as they use it; no float copy is kept."
        }
      />
      <SelectField<RunConfig['kvDtype']>
        label="KV cache"
        testid="kv-dtype"
        value={c.kvDtype}
        options={[
          { value: 'f32', label: full },
          ...(sim ? [] : [{ value: 'f16' as const, label: 'f16' }]),
          { value: 'int8', label: 'int8 (scale per head)' },
        ]}
        onChange={(kvDtype) => set({ kvDtype })}
        hint="How each cached key and value is stored: f16 halves the bytes; int8 keeps one fp16 scale per head vector per position (about 3.6x fewer bytes here). The same memory then holds more tokens, so more requests fit in the batch."
      />
      <SelectField<RunConfig['attention']>
        label="attention"
        testid="attention"
        value={c.attention}
        disabled={c.backend === 'cpu'}
        options={[
          { value: 'fused', label: 'fused (FlashAttention-style)' },
          { value: 'unfused', label: 'unfused (score matrix)' },
        ]}
        onChange={(attention) => set({ attention })}
        hint="fused: one kernel keeps a running softmax per query, so the scores never leave the chip. unfused: the textbook way, every score written to memory, softmaxed there and read back to multiply V: bytes that grow with the context squared in a prefill. The CPU engine has only its own per-token attention."
      />
      {!sim && (
        <NumberField
          label="KV memory (MiB, 0 = use capacity)"
          testid="kv-memory-mib"
          value={c.kvMemoryMib}
          step={0.25}
          min={LIMITS.kvMemoryMib[0]}
          max={LIMITS.kvMemoryMib[1]}
          onChange={(kvMemoryMib) => set({ kvMemoryMib })}
          hint="Give the KV pool as bytes instead of tokens: the tokens it holds then follow the KV format (2x in f16, ~3.6x in int8). 0 uses the KV capacity in tokens above."
        />
      )}
      {!sim && modelConfig && <PoolReadout c={c} model={modelConfig} />}
    </Group>
  );
}

function PoolReadout({ c, model }: { c: RunConfig; model: ModelConfig }) {
  const tokens = kvCapacityOf(c, model);
  const per = kvBytesPerToken(model, c.kvDtype);
  return (
    <p className="fineprint" data-testid="kv-pool-bytes" title="K and V of every layer for one position, in the KV format, times the positions the pool holds">
      Pool: {tokens.toLocaleString('en-US')} positions × {per.toLocaleString('en-US')} B = {((tokens * per) / 2 ** 20).toFixed(2)} MiB
    </p>
  );
}
