export type { FirstStart } from './first-start.ts';
export { formatBanner, runFirstStart } from './first-start.ts';
export { createSampleSpace } from './sample-space.ts';
