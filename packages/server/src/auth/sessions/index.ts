export { DEVICE_COOKIE_MAX_AGE_S } from './device-cookie.ts';
export { sessionErrors } from './errors.ts';
export {
  createLoginThrottle,
  createMemoryThrottleStore,
  LOGIN_LIMITS,
  type LoginThrottle,
  type ThrottleStore,
} from './login-throttle.ts';
export { createRedisThrottleStore } from './redis-throttle-store.ts';
export { createSessionsService, type SessionsService, type SessionTimeouts } from './sessions-service.ts';
