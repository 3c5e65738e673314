import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithStore } from '../shared/testing';
import { TINY, trafficEvent } from './testing';
import { TrafficView } from './TrafficView';

describe('TrafficView', () => {
  it('shows the latest step’s bytes (computed) and time, and what each technique saves or would save', async () => {
    const { store } = renderWithStore(<TrafficView lanes={['a']} />);
    expect(screen.getByTestId('traffic-step-a').textContent).toMatch(/No step yet/);
    act(() => {
      store.getState().setLane('a', { backend: { kind: 'cpu', description: 'WebAssembly SIMD', config: TINY, formats: { weights: 'int8', kv: 'f32', attention: 'fused' } } });
      store.getState().logs.a.append([trafficEvent(0, { weights: 'int8', kv: 'f32', attention: 'fused' }, [40, 50, 60])]);
    });
    await act(() => new Promise((r) => setTimeout(r, 300)));
    expect(screen.getByTestId('traffic-badge').textContent).toBe('computed bytes');
    expect(screen.getByTestId('traffic-step-a').textContent).toMatch(/^step 0 · 3 tokens · [\d.]+ (KiB|MiB) in 2\.00 ms \(measured\)$/);
    const t = screen.getByTestId('traffic-techniques-a').textContent!;
    expect(t).toMatch(/^saved: int8 weights −[\d.]+ (KiB|MiB), fused attention −[\d.]+ KiB · off \(would save\): int8 KV cache −[\d.]+ KiB$/);
    expect(document.querySelectorAll('[data-testid="traffic-a"] rect').length).toBeGreaterThanOrEqual(3);
    // Kernel by kernel, from the same shapes: the bytes add up to the step's.
    const rows = [...screen.getByTestId('traffic-kernels-a').querySelectorAll('tbody tr')].map((r) => r.firstElementChild!.textContent);
    expect(rows).toEqual(['embed', 'qkv_rope', 'attention_out', 'ffn_up', 'matmul_residual', 'logits']);
    // Bytes of one prefill against its length on both paths: the run's own (fused) solid, unfused dashed.
    expect(screen.getByTestId('traffic-context').textContent).toMatch(/^One prefill of n ≤ 512 tokens: unfused [\d.]+ MiB \(∝ n²\), fused [\d.]+ MiB \(∝ n\)$/);
    const [fused, unfused] = [...screen.getByTestId('traffic-context').querySelectorAll('polyline')];
    expect(fused.getAttribute('stroke-dasharray')).toBeNull();
    expect(unfused.getAttribute('stroke-dasharray')).not.toBeNull();
  });

  it('draws one bar per lane on one scale in compare mode', async () => {
    const { store } = renderWithStore(<TrafficView lanes={['a', 'b']} />);
    act(() => {
      store.getState().logs.a.append([trafficEvent(0, { weights: 'f32', kv: 'f32', attention: 'fused' }, [100])]);
      store.getState().logs.b.append([trafficEvent(0, { weights: 'int8', kv: 'f32', attention: 'fused' }, [100])]);
    });
    await act(() => new Promise((r) => setTimeout(r, 300)));
    const width = (lane: string) => [...document.querySelectorAll(`[data-testid="traffic-${lane}"] rect`)].reduce((n, r) => n + Number(r.getAttribute('width')), 0);
    expect(width('a')).toBeCloseTo(300, 0);
    expect(width('b') / width('a')).toBeLessThan(0.4);
  });
});
