/** The provider's routes, as Fibery names them (and Hydra: see docs/oauth.md). */
export const OAUTH_ROUTES = {
  authorization: '/oauth2/auth',
  token: '/oauth2/token',
  revocation: '/oauth2/revoke',
  introspection: '/oauth2/introspect',
  jwks: '/.well-known/jwks.json',
  userinfo: '/userinfo',
} as const;

/** Where the provider sends the browser to log in and consent (our pages). */
export const interactionPath = (uid: string) => `/oauth2/interaction/${uid}`;
