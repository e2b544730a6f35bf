// Types for the no-SQL-in-services config, so the TypeScript test of it type-checks.
import type { Linter } from 'eslint';

export declare const noSqlInServices: Linter.Config;
