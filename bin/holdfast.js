#!/usr/bin/env node
// The `holdfast` command: the compiled JavaScript in dist/ (built by `npm ci` through `prepare`, and by
// `npm start` / `npm test`). For development from the TypeScript sources: `npm run dev -- <command>`.
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('holdfast: not built yet; run `npm ci` (or `npm run build`) in the project folder first\n');
    process.exit(1);
  }
  throw error;
}
