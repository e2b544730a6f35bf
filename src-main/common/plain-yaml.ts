// Config files written by people (audit configs, serve configs): read as text, and parsed from YAML into plain
// JSON-like values, with errors that name the file and the line.
import fs from 'node:fs';
import { isNode, LineCounter, parseDocument, visit } from 'yaml';
import { MiaError } from './errors';

/** The tags a config may spell out: JSON's kinds of value. Anything else (`!!binary`, `!!set`, `!foo`) is refused. */
const plainTags = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

/**
 * Parses YAML into plain values. Explicit tags would otherwise give Buffers, Sets, Maps or Dates whose schema errors
 * list their methods, or (unknown tags) a warning printed to the terminal and a string. `what` names the file in
 * messages ("The audit config /path/audit.yaml").
 */
export function plainYaml(text: string, what: string): unknown {
  const lines = new LineCounter();
  const document = parseDocument(text, { schema: 'core', logLevel: 'silent', prettyErrors: true, lineCounter: lines });
  const [error] = document.errors;
  if (error) throw new MiaError('config.syntax', `${what} is not valid YAML: ${error.message}`);
  visit(document, (_key, node) => {
    if (!isNode(node) || node.tag === undefined || plainTags.has(node.tag)) return undefined;
    const line = node.range ? lines.linePos(node.range[0]).line : null;
    throw new MiaError(
      'config.yaml-tag',
      `${what}${line ? ` (line ${line})` : ''} uses the YAML tag ${node.tag.replace('tag:yaml.org,2002:', '!!')}; only plain strings, numbers, booleans, lists and maps are allowed (remove the tag).`,
      { tag: node.tag, ...(line ? { line } : {}) },
    );
  });
  return document.toJS({ maxAliasCount: 100 });
}

/** The text of a config file; `what` names it in the error ("audit config"). */
export function readConfigText(absolute: string, what: string): string {
  try {
    return fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new MiaError(
      'config.unreadable',
      `Cannot read the ${what} ${absolute}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
}
