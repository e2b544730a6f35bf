// Types for the layer rule, so the TypeScript test of it type-checks.
import type { Rule } from 'eslint';

export declare const layerBoundaries: Rule.RuleModule;
export declare const layerRules: Record<string, { may: string[]; typeOnly?: string[] }>;
export declare function layerOf(repoRelativeFile: string): string | null;
