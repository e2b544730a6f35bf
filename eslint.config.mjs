// ESLint for the whole project: typescript-eslint's recommended rules, eslint-plugin-vue's for the renderer, and the
// workbench's own layer rule (tools/eslint/layer-boundaries.mjs), which keeps every layer to its allowed imports.
import js from '@eslint/js';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerBoundaries } from './tools/eslint/layer-boundaries.mjs';
import { noSqlInServices } from './tools/eslint/no-sql-in-services.mjs';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'resources/**', 'test-results/**', 'playwright-report/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.{ts,mts,mjs,cjs,vue}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { workbench: { rules: { 'layer-boundaries': layerBoundaries } } },
    rules: {
      'workbench/layer-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Formatting is Prettier's job (npm run format); these would only argue with it.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
  noSqlInServices,
);
