import { useApp } from '../../src/store/store';

/** Says where the events on screen come from whenever they are not a live run of the model. */
export function SourceBanner() {
  const lane = useApp((s) => s.lanes.a);
  const strategy = useApp((s) => s.config.strategy);
  const compare = useApp((s) => s.compare);
  if (lane.phase === 'error') {
    return (
      <div className="banner" role="alert" data-testid="source-banner">
        {lane.message}
      </div>
    );
  }
  if (lane.source === 'recorded' && !lane.sourceNote) {
    return (
      <div className="banner info" data-testid="source-banner" data-source="loading">
        {lane.message ?? 'Loading the model…'}
      </div>
    );
  }
  if (lane.source === 'recorded') {
    const ready = lane.phase !== 'loading';
    return (
      <div className="banner info" data-testid="source-banner" data-source="recorded">
        <span>
          <strong>Recorded run: {lane.demoScene?.title ?? `${lane.strategy} batching`}</strong>
          <span className="banner-extra"> (measured earlier on {lane.sourceNote})</span>.{' '}
          {lane.demoScene && <span data-testid="demo-caption">{lane.demoScene.caption} </span>}
          {lane.demoAlternates && <span className="banner-extra">Next it shows {lane.demoScene?.next ?? `${lane.strategy === 'static' ? 'continuous' : 'static'} batching`} on the same requests. </span>}
          {ready ? (
            <span data-testid="play-says">
              Play serves the workload live in this page with {compare ? 'static and continuous batching side by side' : <strong>{strategy} batching</strong>}, as the settings say.
            </span>
          ) : (
            lane.message ?? 'Loading the model…'
          )}
        </span>
      </div>
    );
  }
  if (lane.source === 'replay') {
    return (
      <div className="banner info" data-testid="source-banner" data-source="replay">
        <span>
          <strong>Replaying an imported trace</strong>: {lane.sourceNote}. Reset returns to the live engine.
        </span>
      </div>
    );
  }
  return null;
}
