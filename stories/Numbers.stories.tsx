import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect } from 'react';
import { TimeChart } from '../components/Charts/TimeChart';
import { RatioBar } from '../components/Compare/RatioBar';
import { LiveNumbers } from '../components/Metrics/LiveNumbers';
import { SweepChart } from '../components/Sweep/SweepChart';
import { useAppStore } from '../src/store/store';
import { FIXTURES, SWEEP_CPU } from './fixtures';
import { KNEE_RULE, gpuPreset, simModelPreset, simSweep } from '../engine';
import { Harness } from './harness';

const meta = {
  title: 'Views/Numbers and charts',
  component: LiveNumbers,
  args: { lane: 'a' },
} satisfies Meta<typeof LiveNumbers>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Numbers: Story = {
  render: (args) => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={{ width: 300 }}>
      <LiveNumbers {...args} />
    </Harness>
  ),
};

export const Charts: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.staticPaged }} size={{ width: 760, height: 190, flexDirection: 'row', gap: 6 }}>
      <TimeChart lanes={['a']} kind="throughput" />
      <TimeChart lanes={['a']} kind="batch" />
      <TimeChart lanes={['a']} kind="kv" />
    </Harness>
  ),
};

export const CompareCharts: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.staticPaged, b: FIXTURES.continuousPaged }} size={{ width: 760, height: 190, flexDirection: 'row', gap: 6 }}>
      <TimeChart lanes={['a', 'b']} kind="throughput" />
      <TimeChart lanes={['a', 'b']} kind="batch" />
      <TimeChart lanes={['a', 'b']} kind="kv" />
    </Harness>
  ),
};

export const Ratio: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.staticPaged, b: FIXTURES.continuousPaged }} size={{ width: 700 }}>
      <RatioBar />
    </Harness>
  ),
};

/** The sweep chart after a sweep measured on the CPU engine: step time grows from batch 1 (no free batching on a CPU). */
function MeasuredSweep() {
  const store = useAppStore();
  useEffect(() => store.getState().setSweep({ measured: SWEEP_CPU }), [store]);
  return <SweepChart />;
}

export const Sweep: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={{ width: 260, height: 220 }}>
      <MeasuredSweep />
    </Harness>
  ),
};

/** Compare by KV manager on the CPU engine: waste and busy slots named as run averages, and the GPU's ratio for the same schedule beside the measured one. */
export const RatioByKvManager: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousContiguous, b: FIXTURES.continuousPaged }} ui={{ compare: true, compareBy: 'kv' }} labels={{ a: 'Contiguous KV', b: 'Paged KV' }} size={{ width: 760 }}>
      <RatioBar />
    </Harness>
  ),
};

/** The sweep on the simulated A100 with OPT-13B: flat, then rising, the knee marked near FLOPs / bandwidth. */
function SimulatedSweep() {
  const store = useAppStore();
  useEffect(() => {
    const k = simSweep(gpuPreset('A100-40GB'), simModelPreset('OPT-13B'));
    store.getState().setSweep({ measured: { adapter: 'OPT-13B on NVIDIA A100 40GB', backend: 'sim', result: { ...k, rule: KNEE_RULE, stoppedBy: 'max-tokens', timeSource: 'simulated' } } });
  }, [store]);
  return <SweepChart />;
}

export const SweepSimulatedKnee: Story = {
  render: () => (
    <Harness runs={{ a: FIXTURES.continuousPaged }} size={{ width: 300, height: 240 }}>
      <SimulatedSweep />
    </Harness>
  ),
};
