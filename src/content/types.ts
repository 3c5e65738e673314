import type { Topic } from '../store/slices';

/** A short explanation shown beside a view: a title and a few short paragraphs. */
export interface Lesson {
  id: Topic;
  title: string;
  body: string[];
}
