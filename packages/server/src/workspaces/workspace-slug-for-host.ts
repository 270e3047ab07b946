/**
 * Which workspace a request's Host names: `{slug}.{baseDomain}` names `slug`; any other host (a bare
 * `localhost:3000`, an IP, the base domain itself) names the default workspace.
 */
export function workspaceSlugForHost(
  host: string | undefined,
  { baseDomain, defaultWorkspace }: { baseDomain: string | undefined; defaultWorkspace: string },
): string {
  if (!host || !baseDomain) return defaultWorkspace;
  const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const suffix = `.${baseDomain}`;
  if (!name.endsWith(suffix)) return defaultWorkspace;
  const label = name.slice(0, -suffix.length);
  return label && !label.includes('.') ? label : defaultWorkspace;
}
