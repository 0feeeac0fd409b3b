/**
 * The layers' import rules (docs/ARCHITECTURE.md). `npm test` runs them
 * (tests/unit/architecture.test.ts), so a cycle or a wrong-direction import fails CI.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle (type-only imports count): move the shared part into its own module.',
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
      comment: 'Core declares ports; storage, native adapters, the wiring and the hosts use them.',
      severity: 'error',
      from: { path: '^src/main/core/' },
      to: { path: '^src/main/(db|adapters|composition|hosts)/' },
    },
    {
      name: 'db-sees-core-ports-only',
      comment: 'Repositories store rows and implement core ports; the rules stay in core.',
      severity: 'error',
      from: { path: '^src/main/db/' },
      to: {
        path: '^src/main/(core|composition|hosts)/',
        pathNot: '^src/main/core/(ports/|site/(site-ports|local-replica-port|site-pairing)\\.ts$)',
      },
    },
    {
      name: 'db-core-type-only',
      severity: 'error',
      from: { path: '^src/main/db/' },
      to: { path: '^src/main/core/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-not-outward',
      severity: 'error',
      from: { path: '^src/main/adapters/' },
      to: { path: '^src/main/(db|composition|hosts)/' },
    },
    {
      name: 'only-composition-opens-db',
      comment: 'Hosts get a built station from composition/; they never open storage themselves.',
      severity: 'error',
      from: { path: '^src/main/', pathNot: ['^src/main/(db|composition)/', '\\.test\\.ts$'] },
      to: { path: '^src/main/db/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
