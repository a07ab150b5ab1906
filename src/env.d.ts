/// <reference types="vite/client" />

/** Set by vite's `define`: true in the e2e test build, whose extra test workers never ship. */
declare const __E2E__: boolean;
/** The build's identity, shown in the page and used by the update tests. */
declare const __BUILD_ID__: string;
