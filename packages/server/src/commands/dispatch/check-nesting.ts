/** How deep one command object may nest arrays and objects (a query's own limit is lower: 64). */
export const MAX_COMMAND_NESTING = 256;

/**
 * Whether `value` nests arrays and objects more than `max` levels deep. Iterative, so any depth is
 * safe to ask about; what passes is then safe for the recursive code after it (JSON.stringify, the
 * query parser), which a body of a million brackets would otherwise overflow into a RangeError.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  // Two stacks side by side: containers and their depths (no object per container).
  const containers: object[] = [];
  const depths: number[] = [];
  if (typeof value === 'object' && value !== null) {
    containers.push(value);
    depths.push(1);
  }
  while (containers.length > 0) {
    const container = containers.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (typeof child === 'object' && child !== null) {
        containers.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
