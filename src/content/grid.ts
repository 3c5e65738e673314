import type { Lesson } from './types';

export const grid: Lesson = {
  id: 'grid',
  title: 'Reading the grid',
  body: [
    'Each row is a batch slot, a seat in the batch. Each column is one iteration (or, in the Tokens view, one token position, the way Anyscale drew it).',
    'Yellow cells process prompt tokens (prefill), blue cells generate one token each (decode), and a red cell is the token that ends a request. Hatched cells are slots that did nothing that iteration: that is compute the hardware spent on no one.',
    'Hover a cell to see its request, token and measured step time; click it to follow that request and read its text. Use the arrow keys when the grid has focus.',
  ],
};
