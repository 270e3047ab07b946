/**
 * Where a workspace answers: the public URL for the default workspace, `{slug}.{host}` of it for the
 * others when workspaces are served as subdomains (the public URL's host is then the base domain).
 */
export function workspaceUrl(
  slug: string,
  {
    publicUrl,
    baseDomain,
    defaultWorkspace,
  }: { publicUrl: string; baseDomain: string | undefined; defaultWorkspace: string },
): string | null {
  if (slug === defaultWorkspace) return publicUrl;
  if (!baseDomain) return null;
  const url = new URL(publicUrl);
  url.hostname = `${slug}.${baseDomain}`;
  return url.href.replace(/\/$/, '');
}
