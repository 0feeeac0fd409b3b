import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'resources/',
      'coverage/',
      '.cache/',
      'native/',
      'bin/',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // The layers' import directions (docs/ARCHITECTURE.md; dependency-cruiser checks the same in
  // `npm test`, and cycles): a wrong-direction import is a lint error in the editor already.
  zone(
    ['src/renderer/**', 'src/preload/**'],
    ['**/main/**'],
    'the page reaches main only through the contract in src/shared',
  ),
  zone(
    ['src/shared/**'],
    ['**/main/**', '**/renderer/**', '**/preload/**'],
    'src/shared is the contract: it imports none of its users',
  ),
  zone(
    ['src/main/core/**'],
    ['**/db/**', '**/adapters/**', '**/composition/**', '**/hosts/**'],
    'core declares ports; the composition root wires storage and adapters to them',
  ),
  zone(
    ['src/main/db/**'],
    ['**/composition/**', '**/hosts/**'],
    'repositories store rows; they never reach the wiring or the hosts',
  ),
  zone(
    ['src/main/hosts/**', 'src/main/index.ts'],
    ['**/db/**'],
    'hosts get a built station from src/main/composition',
  ),
);

/** One layer's forbidden import paths, with the reason shown in the lint error. */
function zone(files, group, message) {
  return {
    files,
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
  };
}
