/**
 * Names of destinations and diagnostic settings. They appear in URLs and, for some sinks, in
 * file and blob paths, so only a safe alphabet is allowed: no separators, no dot segments.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function nameProblem(name: string): string | undefined {
  if (NAME.test(name)) return undefined;
  return `the name ${JSON.stringify(name)} is not allowed: use 1-64 letters, digits, '-' or '_', starting with a letter or digit`;
}
