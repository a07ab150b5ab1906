/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM: string;
/** The flags every run here needs (see chromium.mjs). */
export const CHROMIUM_ARGS: readonly string[];
/** Starts `vite preview` of the production build on `port`. */
export function startPreview(port: number): Promise<{ origin: string; stop: () => void }>;
