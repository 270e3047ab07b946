export { assetRoutes } from './asset-routes.ts';
export { authorizedAppsPages } from './authorized-apps-pages.ts';
export { homeRoutes } from './home-routes.ts';
export { CSP, type Html, html, raw, renderPage, sendPage } from './html.ts';
export { loginRoutes } from './login-routes.ts';
export { tokenPages } from './token-pages.ts';
