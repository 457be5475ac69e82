#!/usr/bin/env node
// React and Ink pick their production builds from NODE_ENV when first loaded: the development builds'
// checks cost the console a third of its CPU on a busy tail. A user's own NODE_ENV is kept.
process.env.NODE_ENV ??= 'production';
await import('../dist/source/cli.js');
