import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.infra/**', '.data/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: it must stay deterministic and reach no I/O (Temporal).
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['pino', 'kafkajs', 'fastify', 'yaml', 'libphonenumber-js'],
        patterns: [
          { group: ['node:*', 'fs', 'http', 'https', 'crypto'], message: 'workflows may not do I/O' },
          { group: ['../activities/*', '../activities'], allowImportNames: [], message: 'import activities as types only (import type)' },
        ],
      }],
    },
  },
);
