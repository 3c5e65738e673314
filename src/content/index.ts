import type { Topic } from '../store/slices';
import { anyscale } from './anyscale';
import { blockSize } from './block-size';
import { bound } from './bound';
import { chunkedPrefill } from './chunked-prefill';
import { deviceRatio } from './device-ratio';
import { compare } from './compare';
import { experts } from './experts';
import { grid } from './grid';
import { knobs } from './knobs';
import { kvWaste } from './kv-waste';
import { overview } from './overview';
import { paged } from './paged';
import { prefillDecode } from './prefill-decode';
import { prefixCaching } from './prefix-caching';
import { staticIdle } from './static-idle';
import { traffic } from './traffic';
import { quantization } from './quantization';
import { flashAttention } from './flash-attention';
import type { Lesson } from './types';

export const LESSONS: Record<Topic, Lesson> = {
  overview,
  grid,
  'prefill-decode': prefillDecode,
  'static-idle': staticIdle,
  'kv-waste': kvWaste,
  paged,
  bound,
  knobs,
  compare,
  'block-size': blockSize,
  'chunked-prefill': chunkedPrefill,
  'device-ratio': deviceRatio,
  anyscale,
  'prefix-caching': prefixCaching,
  traffic,
  quantization,
  'flash-attention': flashAttention,
  experts,
};

export type { Lesson } from './types';
