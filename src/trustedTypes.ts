/**
 * Trusted Types are enforced (`require-trusted-types-for 'script'`): every string that reaches a
 * script-URL sink — `new Worker(url)`, `serviceWorker.register(url)` — passes this default policy,
 * which allows only the app's own scripts. No HTML or script strings are ever allowed.
 * Imported first by each entry point, before anything can reach a sink.
 */
interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createScriptURL(input: string): string }): unknown;
  defaultPolicy: unknown;
}

export function isAllowedScriptUrl(input: string, origin: string): boolean {
  let url: URL;
  try {
    url = new URL(input, origin);
  } catch {
    return false;
  }
  return (
    url.origin === origin &&
    (url.pathname === '/sw.js' || /^\/assets\/[\w.-]+\.js$/.test(url.pathname))
  );
}

export function installTrustedTypesPolicy(): void {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes;
  if (!factory || factory.defaultPolicy) return;
  factory.createPolicy('default', {
    createScriptURL(input) {
      if (isAllowedScriptUrl(input, globalThis.location.origin)) return input;
      throw new TypeError(`Blocked a script URL that is not the app's own: ${input}`);
    },
  });
}

installTrustedTypesPolicy();
