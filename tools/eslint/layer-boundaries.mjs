// The layer rule of the workbench, as an ESLint rule: every source file belongs to one layer (named by the folder
// it lives in), and each layer may import only from the layers listed for it below. docs/ARCHITECTURE.md explains
// the layers; change the table there and here together.
import path from 'node:path';

/** Layers, most specific folder first. A file outside every folder here (tests, tools, configs) is not checked. */
const layerFolders = [
  ['src-main/electron/', 'main/electron'],
  ['src-main/cli/', 'main/cli'],
  ['src-main/web/', 'main/web'],
  ['src-main/services/', 'main/services'],
  ['src-main/host/', 'main/host'],
  ['src-main/engine/', 'main/engine'],
  ['src-main/workspace/', 'main/workspace'],
  ['src-main/common/', 'main/common'],
  ['src-main/types/', 'main/types'],
  ['src-preload/', 'preload'],
  ['src-shared/domain/', 'shared/domain'],
  ['src-shared/contract/', 'shared/contract'],
  ['src-shared/presentation/', 'shared/presentation'],
  ['src-shared/charts/', 'shared/charts'],
  ['src-renderer/', 'renderer'],
];

const shared = ['shared/domain', 'shared/contract', 'shared/presentation', 'shared/charts'];
const mainBelowFrontDoors = ['main/services', 'main/host', 'main/engine', 'main/workspace', 'main/common', 'main/types'];

/**
 * Which layers each layer may import from (itself always). `typeOnly` lists layers it may take types from but no
 * code: the workspace stores what the engine prepares, so it names the engine's record type without running it.
 */
export const layerRules = {
  'shared/domain': { may: [] },
  'shared/contract': { may: ['shared/domain'] },
  'shared/presentation': { may: ['shared/domain', 'shared/contract'] },
  'shared/charts': { may: ['shared/domain', 'shared/contract', 'shared/presentation'] },
  'main/types': { may: [] },
  'main/common': { may: ['shared/domain', 'main/types'] },
  'main/engine': { may: ['main/common', 'shared/domain', 'main/types'] },
  'main/workspace': { may: ['main/common', 'shared/domain', 'main/types'], typeOnly: ['main/engine'] },
  'main/host': { may: ['main/engine', 'main/common', 'shared/domain', 'main/types'] },
  'main/services': { may: ['main/host', 'main/engine', 'main/workspace', 'main/common', 'main/types', ...shared] },
  'main/cli': { may: [...mainBelowFrontDoors, ...shared] },
  'main/web': { may: [...mainBelowFrontDoors, ...shared] },
  'main/electron': { may: [...mainBelowFrontDoors, ...shared] },
  preload: { may: ['shared/domain', 'shared/contract'] },
  renderer: { may: shared },
};

/** Packages that only some layers may import. Node's own modules count as 'node:'. */
export const packageRules = [
  { packages: ['electron'], only: ['main/electron', 'preload'], why: 'Electron is imported only by src-main/electron and the preload' },
  { packages: ['vue', 'pinia', 'vue-router'], only: ['renderer'], why: 'Vue belongs to the renderer' },
  {
    packages: ['node:', 'better-sqlite3', 'onnxruntime-node', 'sharp', 'pdfkit', 'svg-to-pdfkit', 'ws'],
    except: ['renderer', 'shared/domain', 'shared/contract', 'shared/presentation', 'shared/charts'],
    why: 'the renderer and src-shared run in the browser too, without Node',
  },
];

export function layerOf(repoRelativeFile) {
  const normalised = repoRelativeFile.split(path.sep).join('/');
  for (const [folder, layer] of layerFolders) if (normalised.startsWith(folder)) return layer;
  return null;
}

function packageName(specifier) {
  if (specifier.startsWith('node:')) return 'node:';
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export const layerBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each layer to the imports docs/ARCHITECTURE.md allows it.' },
    schema: [],
    messages: {
      layer: '{{from}} may not import from {{to}} ({{target}}); see docs/ARCHITECTURE.md for what each layer may import.',
      typeOnlyLayer: '{{from}} may take only types from {{to}} ({{target}}): use `import type`.',
      package: '{{from}} may not import "{{name}}": {{why}}.',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename);
    const from = layerOf(file);
    if (!from) return {};
    const check = (node, specifier, typeOnly) => {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(context.filename), specifier));
        const to = layerOf(target);
        if (!to || to === from) return;
        const rules = layerRules[from];
        if (rules.may.includes(to)) return;
        if (rules.typeOnly?.includes(to)) {
          if (!typeOnly) context.report({ node, messageId: 'typeOnlyLayer', data: { from, to, target } });
          return;
        }
        context.report({ node, messageId: 'layer', data: { from, to, target } });
        return;
      }
      const name = packageName(specifier);
      for (const rule of packageRules) {
        if (!rule.packages.includes(name)) continue;
        const allowed = rule.only ? rule.only.includes(from) : !rule.except.includes(from);
        if (!allowed) context.report({ node, messageId: 'package', data: { from, name: specifier, why: rule.why } });
      }
    };
    return {
      ImportDeclaration: (node) =>
        check(
          node,
          node.source.value,
          node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')),
        ),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};
