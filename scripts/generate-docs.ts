import { writeFileSync } from 'node:fs';
import { CONFIG_DOC, ERRORS_DOC, renderConfigDoc, renderErrorsDoc } from './docs.ts';

writeFileSync(CONFIG_DOC, renderConfigDoc());
writeFileSync(ERRORS_DOC, renderErrorsDoc());
console.log('wrote docs/configuration.md and docs/errors.md');
