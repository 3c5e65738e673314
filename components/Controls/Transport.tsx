import { useCommands } from '../../src/run/commands';
import type { Speed } from '../../src/store/config';
import { useApp, useAppStore } from '../../src/store/store';

/** Play, pause, step, reset and speed: the buttons a teacher reaches for first. */
export function Transport() {
  const cmd = useCommands();
  const store = useAppStore();
  const phase = useApp((s) => s.lanes.a.phase);
  const source = useApp((s) => s.lanes.a.source);
  const speed = useApp((s) => s.config.speed);
  const running = phase === 'running';
  // While the recorded demo plays, Play means "run it live", so it stays enabled.
  const playDisabled = running && source !== 'recorded';
  return (
    <div className="transport" role="group" aria-label="Run controls">
      <button data-testid="play" className="primary" onClick={cmd.play} disabled={playDisabled} title="Play (Space)">
        ▶ Play
      </button>
      <button data-testid="pause" onClick={cmd.pause} disabled={!running} title="Pause (Space)">
        ❚❚ Pause
      </button>
      <button data-testid="step" onClick={cmd.step} title="Run one iteration (S)">
        ⇥ Step
      </button>
      <button data-testid="reset" onClick={cmd.reset} title="Start the workload over (R)">
        ↺ Reset
      </button>
      <select data-testid="speed" aria-label="Speed" title="Speed: real time, slowed down for a class to follow, or one iteration per Play" value={speed} onChange={(e) => store.getState().setConfig({ speed: e.target.value as Speed })}>
        <option value="max">real time</option>
        <option value="slow">slowed down</option>
        <option value="step">step by step</option>
      </select>
    </div>
  );
}
