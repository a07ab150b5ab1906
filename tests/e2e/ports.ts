/** Ports of the two preview servers; E2E_PORT moves both (to run two suites side by side). */
export const PROD_PORT = Number(process.env.E2E_PORT ?? 4173);
export const PROD_URL = `http://localhost:${PROD_PORT}`;
export const E2E_URL = `http://localhost:${PROD_PORT + 1}`;
