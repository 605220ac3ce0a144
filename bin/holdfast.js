#!/usr/bin/env node
// The `holdfast` command. The sources are TypeScript, loaded through tsx: no build step between a clone and a run.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
