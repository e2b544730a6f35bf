// The expression grammar of one policy rule: a metric path, one comparison operator and a number, e.g.
// `tpr_at_fpr["0.001"] <= 0.01`. Parsed by hand into data and compared in code; nothing is ever evaluated as script.
//
//   rule     := path operator number          (spaces allowed between the three parts)
//   path     := name ( "." name | "[" quoted "]" )*
//   name     := [a-z_][a-z0-9_]*
//   quoted   := a string in double or single quotes (no quote inside)
//   operator := "<=" | "<" | ">=" | ">"
//   number   := a finite decimal, optionally signed, optionally with an exponent (1e-3)
//
// The path must be one of policyMetrics; quotes are normalised to double quotes before the lookup.
import { policyMetrics } from './policy-metrics';

export const comparisonOperators = ['<=', '<', '>=', '>'] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

export interface PolicyExpression {
  /** The metric path in its canonical spelling (a key of policyMetrics). */
  metric: string;
  operator: ComparisonOperator;
  threshold: number;
}

/** The rule's expression, or a sentence saying what was expected where it went wrong. */
export type ParsedExpression = { ok: true; expression: PolicyExpression } | { ok: false; expected: string };

const pathPattern = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*|\["[^"]*"\]|\['[^']*'\])*/;
const operatorPattern = /^(<=|>=|<|>)/;
const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parsePolicyExpression(text: string): ParsedExpression {
  const source = text.trim();
  const path = pathPattern.exec(source)?.[0];
  if (!path) return { ok: false, expected: `expected a metric name at the start of "${source}" (one of ${knownMetrics()})` };
  const metric = path.replace(/\['([^']*)'\]/g, '["$1"]');
  if (!(metric in policyMetrics)) return { ok: false, expected: `unknown metric "${path}"; expected one of ${knownMetrics()}` };
  const afterPath = source.slice(path.length).trimStart();
  const operator = operatorPattern.exec(afterPath)?.[0] as ComparisonOperator | undefined;
  if (!operator) {
    return {
      ok: false,
      expected: `expected one of ${comparisonOperators.join(' ')} after ${path}, found "${afterPath || 'nothing'}"`,
    };
  }
  const number = afterPath.slice(operator.length).trim();
  const threshold = Number(number);
  if (!numberPattern.test(number) || !Number.isFinite(threshold)) {
    return { ok: false, expected: `expected a single number after ${path} ${operator}, found "${number || 'nothing'}"` };
  }
  return { ok: true, expression: { metric, operator, threshold } };
}

/** Whether a measured value satisfies the expression. */
export function satisfies(value: number, expression: PolicyExpression): boolean {
  switch (expression.operator) {
    case '<=':
      return value <= expression.threshold;
    case '<':
      return value < expression.threshold;
    case '>=':
      return value >= expression.threshold;
    case '>':
      return value > expression.threshold;
  }
}

function knownMetrics(): string {
  return Object.keys(policyMetrics).join(', ');
}
