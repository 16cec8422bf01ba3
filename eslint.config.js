// ESLint (flat config): typescript-eslint's recommended rules with type information, plus the
// few rules this codebase leans on; formatting is Prettier's (eslint-config-prettier turns the
// stylistic rules off). Chosen over eslint-config-oclif: that config bundles unicorn, perfectionist
// and mocha plugins whose style rules would rewrite most of the tree for no behaviour change.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['build/**', 'dist/**', 'node_modules/**', 'man/**', 'tmp/**', '.bench-tmp/**', 'oclif.manifest.json', 'test/fixtures/**/node_modules/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.node}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      eqeqeq: ['error', 'always', {null: 'ignore'}],
      'no-console': 'off',
      'prefer-const': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: {globals: {...globals.mocha}},
    rules: {
      // chai's property assertions (`expect(x).to.be.true`) are expressions.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  prettier,
)
