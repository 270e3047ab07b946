/**
 * Characters a name shown to other people must not hold: controls (C0, DEL, C1), line and paragraph
 * separators, the bidirectional controls that reorder what a reader sees ("Trojan Source",
 * CVE-2021-42574), and invisible characters (zero-width space, word joiners, byte-order mark, soft
 * hyphen) that make two different names look the same. The zero-width joiner and non-joiner are
 * allowed: Persian, Indic scripts and emoji sequences need them.
 */
const UNSAFE = /[\p{Cc}\u00AD\u061C\u180E\u200B\u200E\u200F\u2028-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

/** Whether `text` is well-formed Unicode (no unpaired surrogate) without any of the characters above. */
export function isDisplaySafe(text: string): boolean {
  return text.isWellFormed() && !UNSAFE.test(text);
}
