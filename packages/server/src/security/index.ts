export { isDisplaySafe } from './display-safe-text.ts';
export { randomBase62 } from './random-string.ts';
export { openText, sealText } from './sealed.ts';
export { constantTimeEqual, sha256Hex } from './secrets.ts';
