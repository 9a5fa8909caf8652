import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', 'grafana-app/.config/**', '**/.state/**', '**/.run/**', '**/artifacts/**', '**/.harness-dist/**', '**/test-results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // Type-aware rules where a promise left floating loses an error or a write: every
  // TypeScript file, typed by the tsconfig nearest to it.
  {
    files: ['**/*.{ts,tsx,mts}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  { files: ['grafana-app/src/**/*.{ts,tsx}', 'grafana-app/harness/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['grafana-app/**/*.{ts,tsx}'], ...reactHooks.configs.flat['recommended-latest'] },
  // A missed dependency is a page showing stale data during an outage: an error, not a hint.
  { files: ['grafana-app/**/*.{ts,tsx}'], rules: { 'react-hooks/exhaustive-deps': 'error' } },
);
