// `node scripts/import-graph.mjs [folder] [--files] [--json] [--fail-on-cycle]`: the import graph of a source
// folder (default src/core), folder to folder, with the loops in it. Reads the TypeScript syntax tree, so
// `import type`, `export ... from` and `import()` are all seen; what leaves the folder is listed as external.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier in a file, and whether the import carries values or only types. */
export function importsOf(path, text = readFileSync(path, 'utf8')) {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Files, folders and the edges between them; `external` holds what the folder imports from outside it. */
export function importGraph(folder) {
  const base = resolve(ROOT, folder);
  const rel = (path) => relative(ROOT, path).split(sep).join('/');
  const files = new Map();
  const external = new Map();
  for (const path of sourceFiles(base)) {
    const edges = [];
    for (const { specifier, typeOnly, dynamic = false } of importsOf(path)) {
      if (!specifier.startsWith('.')) {
        external.set(specifier, (external.get(specifier) ?? 0) + 1);
        continue;
      }
      const target = resolve(dirname(path), specifier);
      if (!target.startsWith(base + sep)) external.set(rel(target), (external.get(rel(target)) ?? 0) + 1);
      else edges.push({ to: rel(target), typeOnly, dynamic });
    }
    files.set(rel(path), edges);
  }
  const folderOf = (file) => file.slice(0, file.lastIndexOf('/'));
  const folders = new Map();
  for (const [file, edges] of files) {
    const from = folderOf(file);
    if (!folders.has(from)) folders.set(from, new Map());
    for (const edge of edges) {
      const to = folderOf(edge.to);
      if (to === from) continue;
      const entry = folders.get(from).get(to) ?? { imports: 0, valueImports: 0, files: new Set() };
      entry.imports++;
      if (!edge.typeOnly) entry.valueImports++;
      entry.files.add(`${file} -> ${edge.to}${edge.typeOnly ? ' (type)' : edge.dynamic ? ' (dynamic)' : ''}`);
      folders.get(from).set(to, entry);
    }
  }
  return { files, folders, external };
}

/** Strongly connected components with more than one node (Tarjan): each is a set of nodes in one loop. */
export function cycles(nodes, successors) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const loops = [];
  const connect = (node) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of successors(node)) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) loops.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return loops;
}

function main() {
  const args = process.argv.slice(2);
  const folder = args.find((a) => !a.startsWith('--')) ?? 'src/core';
  const { files, folders, external } = importGraph(folder);
  const folderLoops = cycles([...folders.keys()], (f) => [...(folders.get(f)?.keys() ?? [])]);
  const fileLoops = cycles([...files.keys()], (f) => (files.get(f) ?? []).map((e) => e.to));
  if (args.includes('--json')) {
    const edges = [...folders].flatMap(([from, to]) =>
      [...to].map(([target, e]) => ({ from, to: target, imports: e.imports, valueImports: e.valueImports })),
    );
    process.stdout.write(
      `${JSON.stringify({ folder, edges, folderLoops, fileLoops, external: Object.fromEntries(external) }, null, 2)}\n`,
    );
  } else {
    const out = [
      `Import graph of ${folder}: ${files.size} files in ${folders.size} folders`,
      '',
      'Folder edges:',
    ];
    for (const [from, to] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
      if (to.size === 0) out.push(`  ${from} -> (nothing inside ${folder})`);
      for (const [target, e] of [...to].sort(([a], [b]) => a.localeCompare(b))) {
        const kinds = e.valueImports === 0 ? 'types only' : `${e.valueImports} with values`;
        out.push(`  ${from} -> ${target}: ${e.imports} import${e.imports === 1 ? '' : 's'} (${kinds})`);
        if (args.includes('--files')) for (const line of [...e.files].sort()) out.push(`      ${line}`);
      }
    }
    out.push('', `Folder loops: ${folderLoops.length === 0 ? 'none' : ''}`);
    for (const loop of folderLoops) {
      out.push(`  ${loop.join(' <-> ')}`);
      for (const from of loop) {
        for (const to of loop) {
          const e = folders.get(from)?.get(to);
          if (e) for (const line of [...e.files].sort()) out.push(`      ${line}`);
        }
      }
    }
    out.push(`File loops: ${fileLoops.length === 0 ? 'none' : ''}`);
    for (const loop of fileLoops) out.push(`  ${loop.join(', ')}`);
    out.push(
      '',
      `External imports: ${[...external]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, n]) => `${name} (${n})`)
        .join(', ')}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (args.includes('--fail-on-cycle') && (folderLoops.length > 0 || fileLoops.length > 0))
    process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
