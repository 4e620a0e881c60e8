// Flat ESLint config. Layer rules keep the architecture honest: the core and hosts never import
// Electron, and the renderer never imports Node built-ins or core modules other than the contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'native/build/**', 'test-results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['core/**/*.ts', 'host/**/*.ts', 'cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The core and hosts are Electron-free; only electron/ may import it.' }] }],
    },
  },
  {
    files: ['core/api/**/*.ts', 'core/snn/spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'electron', 'ws'], message: 'core/api is shared with the renderer: environment-neutral only.' }] }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'electron', 'ws', 'worker_threads'], message: 'The renderer runs in a browser sandbox.' },
        { group: ['**/core/lab/**', '**/core/snn/**', '!**/core/snn/spec', '**/core/train/**', '**/core/native/**', '**/host/**'], message: 'The renderer knows only the API contract (core/api).' },
      ] }],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
