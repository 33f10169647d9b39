import { defineConfig } from 'vitest/config';

// `npm test` runs with this file; the options of a single run stay on its command line (package.json).
export default defineConfig({
  test: {
    globalSetup: ['test/helpers/temp-root.ts'],
  },
});
