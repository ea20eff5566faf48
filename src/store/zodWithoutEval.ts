import { z } from 'zod';

/**
 * zod compiles its object parsers with `new Function` when it may, and probes for that as each
 * object schema is built. The page's Content-Security-Policy allows no eval, so the probe is
 * refused and the browser reports a CSP violation. Parse without compiling: the same results, no
 * violation (a 50,000-entry plan parses a few tens of milliseconds slower). Imported first by
 * ./schemaWithoutEval.ts, the one way the page loads the schemas, so it runs before any schema is
 * built.
 */
z.config({ jitless: true });
