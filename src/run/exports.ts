import { gridToPng } from '../../components/BatchGrid/png';
import { gridToSvg } from '../../components/BatchGrid/svg';
import { GridLayout } from '../../components/BatchGrid/layout';
import type { AppState, LaneId } from '../store/slices';
import { palettes } from '../theme/palette';
import type { ExportKind } from './commands';
import { download, fileName } from './download';
import { exportCsv, exportTrace } from './trace-io';

/**
 * Saves what is on screen: the lanes as one Perfetto trace, the first lane's iterations as CSV,
 * or its grid as SVG or PNG (the whole run, in the current column mode and theme). The workload
 * is the engine's to write, so it is not handled here.
 */
export async function exportView(kind: Exclude<ExportKind, 'workload'>, s: AppState, lanes: readonly LaneId[]): Promise<void> {
  const strategy = (id: LaneId) => s.lanes[id].strategy;
  if (kind === 'trace') {
    const runs = lanes.map((id) => ({ name: `${strategy(id)} batching`, log: s.logs[id], backend: s.lanes[id].backend?.kind ?? 'unknown', modelName: s.lanes[id].modelName ?? undefined }));
    return download(fileName(`${lanes.map(strategy).join('-vs-')}-trace`, 'json'), exportTrace(runs));
  }
  if (kind === 'csv') return download(fileName(`${strategy('a')}-iterations`, 'csv'), exportCsv(s.logs.a), 'text/csv');
  const layout = GridLayout.from(s.gridMode, s.logs.a.events);
  if (kind === 'svg') return download(fileName(`${strategy('a')}-grid`, 'svg'), gridToSvg(layout, palettes[s.theme], { title: `${strategy('a')} batching` }), 'image/svg+xml');
  download(fileName(`${strategy('a')}-grid`, 'png'), await gridToPng(layout, s.theme, `${strategy('a')} batching`));
}
