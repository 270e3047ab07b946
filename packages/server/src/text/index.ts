export { closest, didYouMean } from './suggest.ts';
