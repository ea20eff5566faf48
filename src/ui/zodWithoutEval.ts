import { z } from 'zod';

/**
 * zod compiles its object parsers with `new Function` when it may. The page's Content-Security-Policy
 * allows no eval, so zod's probe for it is refused, and the browser reports a CSP violation on every
 * load. Parse without compiling: the same results, no violation (a 50,000-entry plan parses a few
 * tens of milliseconds slower). Imported first by App.tsx so it runs before any plan is parsed.
 */
z.config({ jitless: true });
