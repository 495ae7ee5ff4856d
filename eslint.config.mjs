import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Replayed code — workflows/ and the decisions/ they call — must stay deterministic and reach no
 * I/O (Temporal replays it): no Node built-in in either form (`fs`, `node:fs`; a few, like
 * `node:test`, exist only with the prefix), no package that does I/O.
 */
const nodeBuiltins = builtinModules.flatMap((name) => (name.startsWith('node:') ? [name] : [name, `node:${name}`]));
const ioPackages = ['pino', 'kafkajs', 'fastify', 'yaml', 'libphonenumber-js'];
const replayed = 'replayed code (workflows/, decisions/) must be deterministic and do no I/O';
/** The determinism rule (builtinModules is the running Node's own list), with what a folder may not import besides. */
function determinism(...patterns) {
  return ['error', {
    paths: [...nodeBuiltins, ...ioPackages].map((name) => ({ name, message: replayed })),
    patterns: [
      { regex: `^(${ioPackages.join('|')})/`, message: replayed },
      ...patterns,
    ],
  }];
}

/**
 * Version 1 is frozen (docs/upgrades.md): its workflows replay and act on workflows/legacy/ only,
 * so an edit to live code cannot change what version-1 calls do. A file at `depth` folders below
 * workflows/legacy/ may import, relatively: workflows/legacy/** (`./`, or at most `depth` times
 * `../`), workflows/contract/ (the wire names: signals, queries, search attributes, activity
 * interfaces), and schemas/ as types only (erased at build: they cannot change behaviour); of
 * packages, @temporalio/workflow only.
 */
function frozenLegacy(depth) {
  const staysInside = depth === 0 ? '\\./' : `\\./|(\\.\\./){1,${depth}}(?!\\.\\./)`;
  const up = (n) => `(\\.\\./){${n}}`;
  const message = 'version 1 is frozen: workflows/legacy/ imports only itself, workflows/contract/, schemas/ types and @temporalio/workflow (copy what it needs into workflows/legacy/frozen/, docs/upgrades.md)';
  return {
    files: [`workflows/legacy/${'*/'.repeat(depth)}*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { regex: `^(?!${staysInside}|${up(depth + 1)}contract(/|$)|${up(depth + 2)}schemas/|@temporalio/workflow$)`, message },
          { regex: `^${up(depth + 2)}schemas/`, allowTypeImports: true, message: `${message}: schemas/ as types only` },
        ],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.infra/**', '.data/**', 'dist/**', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflows reach activities, the dispatcher and the rest only through their contract (workflows/contract).
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': determinism(
        { regex: '^@temporalio/(activity|client|worker|testing)(/|$)', message: 'workflow code imports @temporalio/workflow (and common), not the worker side' },
        {
          regex: '^(\\.\\./)+(activities|bitrix|cli|config|dispatcher|http|integration|observability|platform|ringostat|tools|workers|test)(/|$)',
          message: 'workflows/ imports only decisions/, schemas/ and itself: activity interfaces, ids and messages are in workflows/contract',
        },
      ),
    },
  },
  // workflows/legacy/*.ts, legacy/frozen/*.ts, legacy/frozen/decisions/*.ts, and one level more for room.
  ...[0, 1, 2, 3].map(frozenLegacy),
  {
    // The decision table is pure: what it reads comes in as arguments, typed by schemas/.
    files: ['decisions/**/*.ts'],
    rules: {
      'no-restricted-imports': determinism(
        { regex: '^(?!\\./|\\.\\./schemas/)', message: 'decisions/ imports only schemas/ and itself' },
      ),
    },
  },
);
