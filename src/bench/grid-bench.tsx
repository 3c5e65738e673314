import { createRoot } from 'react-dom/client';
import { gpuPreset, ServingEngine, SimBackend, simKvLayout, simModelPreset, generateWorkload, lengthOnlyPrompts, materialize, workloadPreset, type IterationEvent } from '../../engine';
import { BatchGrid } from '../../components/BatchGrid/BatchGrid';
import { App } from '../App';
import { CommandsContext, type Commands } from '../run/commands';
import { createAppStore, StoreProvider, type AppStore } from '../store/store';

/**
 * The grid's frame-rate benchmark page (?bench=grid), driven by tools/bench/grid.ts in headless
 * Chromium: 64 slots x 2,000+ iterations from the real engine on the simulated backend, drawn
 * (1) live, following new iterations, (2) while zooming and panning over the whole run, and
 * (3) inside the full page. Frames per second come from requestAnimationFrame timestamps.
 */
export interface BenchResult {
  iterations: number;
  slots: number;
  phases: { name: string; fps: number; frames: number; p95FrameMs: number }[];
  drawMs: { p50: number; p95: number };
  userAgent: string;
}

async function simRun(minIterations: number): Promise<IterationEvent[]> {
  const gpu = gpuPreset('A100-40GB');
  const model = simModelPreset('OPT-13B');
  const backend = new SimBackend(gpu, model, simKvLayout(gpu, model, 16));
  const w = generateWorkload({ ...workloadPreset('anyscale', 1), count: 1000 }, lengthOnlyPrompts);
  const engine = new ServingEngine({ backend, requests: materialize(w, null), strategy: 'continuous', knobs: { maxNumSeqs: 64, maxNumBatchedTokens: 8192, chunkedPrefill: true } });
  const events: IterationEvent[] = [];
  for (let e = await engine.step(); e && events.length < minIterations; e = await engine.step()) events.push(e);
  return events;
}

/** Frames per second over `frames` animation frames, calling `each` before every frame. */
function measure(frames: number, each: (i: number) => void): Promise<{ fps: number; frames: number; p95FrameMs: number }> {
  return new Promise((resolve) => {
    const stamps: number[] = [];
    const tick = (t: number) => {
      stamps.push(t);
      if (stamps.length > frames) {
        const gaps = stamps.slice(1).map((s, i) => s - stamps[i]).sort((a, b) => a - b);
        const total = stamps[stamps.length - 1] - stamps[0];
        resolve({ fps: (1000 * frames) / total, frames, p95FrameMs: gaps[Math.floor(gaps.length * 0.95)] });
        return;
      }
      each(stamps.length - 1);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
const noCommands: Commands = { play() {}, pause() {}, step() {}, reset() {}, exportFile() {}, importTrace() {}, runSweep() {}, runExperiment() {}, cancelExperiment() {} };

function mount(el: HTMLElement, store: AppStore, page: 'grid' | 'app') {
  createRoot(el).render(
    <StoreProvider store={store}>
      <CommandsContext.Provider value={noCommands}>
        {page === 'grid' ? (
          <div style={{ width: 1000, height: 600, display: 'flex' }}>
            <BatchGrid lane="a" />
          </div>
        ) : (
          <App />
        )}
      </CommandsContext.Provider>
    </StoreProvider>,
  );
}

export async function runGridBench(root: HTMLElement): Promise<BenchResult> {
  const events = await simRun(2000);
  const phases: BenchResult['phases'] = [];
  const store = createAppStore();
  const log = store.getState().logs.a;
  mount(root, store, 'grid');
  await nextFrame();
  // (1) Live: ~8 new iterations per frame until all 2,000 are in, the view following.
  const perFrame = Math.ceil(events.length / 240);
  phases.push({ name: 'live, following (8 iterations per frame)', ...(await measure(240, (i) => log.append(events.slice(i * perFrame, (i + 1) * perFrame)))) });
  const canvas = root.querySelector('canvas')!;
  const box = canvas.getBoundingClientRect();
  // (2) Zoom out to the whole run, then zoom and pan every frame (d3-zoom wheel events).
  for (let i = 0; i < 12; i++) canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: 400, clientX: box.right - 10, clientY: box.top + 100, bubbles: true, cancelable: true }));
  await nextFrame();
  phases.push({
    name: 'zooming and panning over 2,000 iterations',
    ...(await measure(240, (i) => canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: i % 40 < 20 ? -60 : 60, clientX: box.left + 40 + ((i * 37) % (box.width - 80)), clientY: box.top + 100, bubbles: true, cancelable: true })))),
  });
  // (3) Hover across the whole zoomed-out run: every frame redraws all 64 x 2,000 cells.
  for (let i = 0; i < 12; i++) canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: 400, clientX: box.right - 10, clientY: box.top + 100, bubbles: true, cancelable: true }));
  const figure = root.querySelector('[data-testid=grid]')!;
  const drawTimes: number[] = [];
  phases.push({
    name: 'hovering, whole run on screen',
    ...(await measure(240, (i) => {
      if (i > 0) drawTimes.push(Number(figure.getAttribute('data-draw-ms')));
      canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: box.left + 40 + ((i * 13) % (box.width - 60)), clientY: box.top + 30 + ((i * 7) % (box.height - 60)), bubbles: true }));
    })),
  });
  // (4) The full page (grid, KV map, numbers, charts) while iterations stream in.
  const pageStore = createAppStore();
  const pageRoot = document.createElement('div');
  document.body.appendChild(pageRoot);
  root.style.display = 'none';
  mount(pageRoot, pageStore, 'app');
  await nextFrame();
  const pageLog = pageStore.getState().logs.a;
  phases.push({ name: 'whole page, live (8 iterations per frame)', ...(await measure(240, (i) => pageLog.append(events.slice(i * perFrame, (i + 1) * perFrame)))) });
  drawTimes.sort((a, b) => a - b);
  return {
    iterations: events.length,
    slots: Math.max(...events.map((e) => e.slots.length)),
    phases,
    drawMs: { p50: drawTimes[drawTimes.length >> 1], p95: drawTimes[Math.floor(drawTimes.length * 0.95)] },
    userAgent: navigator.userAgent,
  };
}
