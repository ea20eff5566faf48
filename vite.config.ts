/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: './',
  build: {
    outDir: 'dist',
    sourcemap: false,
    // the page must work offline: everything it needs is bundled, nothing is fetched at run time
    assetsInlineLimit: 0,
    // the gzipped budget of scripts/check-bundle-size.mjs is what counts; this only silences Vite's raw-size hint
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      // the engine is pure (no DOM, no globals; eslint holds it): importing a module of it does
      // nothing but define things, so a module no view uses is never kept for its "side effects"
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]src[\\/]engine[\\/]/.test(id) },
    },
  },
  // the expansion worker (src/store/expansion/expand.worker.ts) is a module worker of its own file
  // from the page's origin: the CSP's script-src 'self' covers it, no blob: or data: URL is made
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    /**
     * unit: beside the code, fast, no root. contract: golden files, scale counts, quoting — whole
     * exports, still no root. system: the real firewall tools and real kernels (root; skipped with
     * a message without it, required under CI=true). `npm run test:unit` runs the first two only.
     */
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] } },
      { extends: true, test: { name: 'contract', include: ['tests/*.test.ts', 'tests/scale/**/*.test.ts'] } },
      { extends: true, test: { name: 'system', include: ['tests/real-tools/**/*.test.ts', 'tests/enforcement/**/*.test.ts', 'tests/audit/**/*.test.ts'] } },
    ],
  },
});
