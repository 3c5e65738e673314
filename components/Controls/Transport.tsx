import { useCommands } from '../../src/run/commands';
import { PACE_LABEL } from '../../src/run/pace';
import type { Speed } from '../../src/store/config';
import { useApp, useAppStore } from '../../src/store/store';

const SPEEDS: Speed[] = ['teach', 'slow', 'max', 'step'];

/** Play, pause, step, reset and pace: the buttons a teacher reaches for first. */
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
        <span aria-hidden="true">▶</span> <span className="btn-label">Play</span>
      </button>
      <button data-testid="pause" onClick={cmd.pause} disabled={!running} title="Pause (Space)">
        <span aria-hidden="true">❚❚</span> <span className="btn-label">Pause</span>
      </button>
      <button data-testid="step" onClick={cmd.step} title="Run one iteration (S)">
        <span aria-hidden="true">⇥</span> <span className="btn-label">Step</span>
      </button>
      <button data-testid="reset" onClick={cmd.reset} title="Start the workload over (R)">
        <span aria-hidden="true">↺</span> <span className="btn-label">Reset</span>
      </button>
      <select
        data-testid="speed"
        aria-label="Pace"
        className="pace"
        title="The pace iterations are shown at: teaching (5 a second), slow (1.5), full speed (as fast as this device runs the model) or one per Play. Tokens/s and latencies are the engine's busy time: the same at any pace."
        value={speed}
        onChange={(e) => store.getState().setConfig({ speed: e.target.value as Speed })}
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {PACE_LABEL[s]}
          </option>
        ))}
      </select>
    </div>
  );
}
