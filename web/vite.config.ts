/**
 * The console build: web/ -> dist/console, served by `holdfast serve` at `/`. `npm run dev:web` serves it with
 * hot reload and sends /api to a service on 127.0.0.1:3000 (HOLDFAST_API to change it).
 */
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.HOLDFAST_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  // Out of node_modules, as vitest.config.ts says why.
  cacheDir: path.resolve(import.meta.dirname, '../.cache/vite-web'),
  plugins: [react()],
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': api, '/health': api } },
});
