export { sessionErrors } from './errors.ts';
export { createLoginThrottle, type LoginThrottle } from './login-throttle.ts';
export { createSessionsService, type SessionsService, type SessionTimeouts } from './sessions-service.ts';
