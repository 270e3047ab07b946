import { writeFileSync } from 'node:fs';
import { ERRORS_DOC, README, readText, renderErrorsDoc, renderReadme } from './docs.ts';

writeFileSync(README, renderReadme(readText(README)));
writeFileSync(ERRORS_DOC, renderErrorsDoc());
console.log('wrote README.md (configuration table) and docs/errors.md');
