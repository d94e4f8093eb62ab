// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const GEMINI_SDK_ONLY_IN_PROVIDER = [
  {
    group: ['@google/genai', '@google/genai/*'],
    message: 'Only src/providers/gemini/ and tests may import the Gemini SDK.',
  },
];

/** Outside src/ledger/, a ledger module other than its index.ts is an internal (SQL, row plumbing, `internalsOf`). */
const LEDGER_ONLY_THROUGH_INDEX = {
  group: ['**/ledger/*', '!**/ledger/index.ts', '!**/ledger/index.js'],
  message: 'Import the ledger through src/ledger/index.ts: its other modules are internal.',
};

/**
 * `.db` and `.sql` (or `['db']`, `['sql']`) on anything outside src/ledger/: the Ledger keeps them private, and no other
 * object in the code has such a member, so this flags only a way around the typed queries.
 */
const NO_LEDGER_SQL_HANDLE = [
  {
    selector: 'MemberExpression[computed=false][property.name=/^(db|sql)$/]',
    message: "No SQL outside src/ledger/: read and write through the Ledger's typed queries.",
  },
  {
    selector: 'MemberExpression[computed=true][property.value=/^(db|sql)$/]',
    message: "No SQL outside src/ledger/: read and write through the Ledger's typed queries.",
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [...GEMINI_SDK_ONLY_IN_PROVIDER, LEDGER_ONLY_THROUGH_INDEX],
        },
      ],
    },
  },
  {
    files: ['src/providers/gemini/**', '**/*.test.ts', 'src/emulator/test-support.ts', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LEDGER_ONLY_THROUGH_INDEX] }] },
  },
  // A closed ledger: outside src/ledger/ (tests and bench/ included) the ledger is its index.ts, and no SQL handle is
  // reached for; inside, its modules use each other freely.
  {
    files: ['src/ledger/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: GEMINI_SDK_ONLY_IN_PROVIDER }] },
  },
  { files: ['src/ledger/**/*.test.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['**/*.ts'],
    ignores: ['src/ledger/**'],
    rules: { 'no-restricted-syntax': ['error', ...NO_LEDGER_SQL_HANDLE] },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
