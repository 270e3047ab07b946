export { createPostgresDriver } from './postgres-driver.ts';
