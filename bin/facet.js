#!/usr/bin/env node
// The `facet` command. Runs the TypeScript sources through tsx so that a clone works after
// `npm install` with no build step; the Electron app bundles the same sources with electron-vite.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/index.ts');
