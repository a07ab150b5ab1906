/** Works are addressed by the URL fragment, so links, Back and "open in new tab" all work. */
export function workHref(id: string): string {
  return `#work=${encodeURIComponent(id)}`;
}

export function workIdFromHash(hash: string): string | null {
  const match = /^#work=(.+)$/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
