import { SLUG_PATTERN } from '../../config/index.ts';
import { isDisplaySafe } from '../../security/index.ts';
import { ROLES, type Role } from '../../storage/index.ts';
import { accountErrors } from './errors.ts';

// RFC 5321 caps a path at 256 octets, so an address at 254. The pattern is deliberately loose: one @,
// no spaces, a dot in the domain. Deliverability is not ours to judge.
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/;
/** Whether `value` (already trimmed) is at most `max` characters, none of them controls or invisible. */
export function isPrintableText(value: string, max: number): boolean {
  return value.length <= max && isDisplaySafe(value);
}

export function checkEmail(email: string): string {
  const value = email.trim();
  if (value.length > 254 || !EMAIL_PATTERN.test(value) || !isDisplaySafe(value)) {
    throw accountErrors.INVALID_EMAIL(`"${email}" is not an email address like ada@example.com.`);
  }
  return value;
}

export function checkUserName(name: string): string {
  const value = name.trim();
  if (value.length === 0 || !isPrintableText(value, 200)) {
    throw accountErrors.INVALID_NAME('A user name is 1-200 printable characters.');
  }
  return value;
}

export function checkWorkspaceName(name: string): string {
  const value = name.trim();
  if (value.length === 0 || !isPrintableText(value, 200)) {
    throw accountErrors.INVALID_WORKSPACE_NAME('A workspace name is 1-200 printable characters.');
  }
  return value;
}

export function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw accountErrors.INVALID_ROLE(`"${role}" is not a role: use one of ${ROLES.join(', ')}.`);
  }
  return role as Role;
}

export function checkSlug(slug: string): string {
  if (!SLUG_PATTERN.test(slug)) {
    throw accountErrors.INVALID_SLUG(
      `"${slug}" is not a workspace slug: use 1-63 lowercase letters, digits and inner hyphens, like "acme".`,
    );
  }
  return slug;
}

export function checkPassword(password: string): string {
  if (password.length < 8 || password.length > 1024) {
    throw accountErrors.INVALID_PASSWORD('A password is 8-1024 characters.');
  }
  return password;
}
