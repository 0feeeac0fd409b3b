/**
 * The import rules of the layers (docs/ARCHITECTURE.md). `npm test` runs them
 * (tests/unit/architecture.test.ts): a cycle or a wrong-direction import fails the build.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle (type-only imports count): split the shared part out.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-a-leaf',
      comment: 'src/shared is the contract the page, the preload and main share: it imports none of them.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(main|renderer|preload)/' },
    },
    {
      name: 'renderer-only-shared',
      comment: 'The page reaches main only through the contract (preload or the loopback host).',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(main|preload)/' },
    },
    {
      name: 'preload-only-shared',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: '^src/(main|renderer)/' },
    },
    {
      name: 'core-not-outward',
      comment: 'Core declares ports; storage, native adapters, hosts and wiring implement or use them.',
      severity: 'error',
      from: { path: '^src/main/core/' },
      to: { path: '^src/main/(db|adapters|composition|cli|electron|hosts?)/' },
    },
    {
      name: 'db-not-core',
      comment: 'Repositories store rows; rules (the audit MAC chain, ciphers) live in core.',
      severity: 'error',
      from: { path: '^src/main/db/' },
      to: { path: '^src/main/(core|composition|cli|electron|hosts?)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-not-outward',
      severity: 'error',
      from: { path: '^src/main/adapters/' },
      to: { path: '^src/main/(db|composition|cli|electron|hosts?)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
