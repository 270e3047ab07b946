import { defineErrors } from '../../errors/index.ts';

export const tokenErrors = defineErrors('tokens', {
  TOKEN_LIMIT_REACHED: {
    status: 409,
    doc: 'The user has the most API tokens allowed (WEFT_TOKEN_LIMIT, 3 by default); delete one to create another.',
  },
  TOKEN_NOT_FOUND: { status: 404, doc: 'The caller has no API token with this id.' },
  INVALID_TOKEN_DESCRIPTION: { status: 400, doc: 'A token description is at most 200 printable characters.' },
});
