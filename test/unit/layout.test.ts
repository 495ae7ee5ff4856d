/**
 * The layout the README promises a newcomer: product folders apart from tools/, no folder that
 * imports another which imports it back, no grab-bag lib/, and the environment read only where a
 * process starts (config/settings.ts parses it there and the settings are passed down).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { projectRoot } from '../../platform/paths';

const PRODUCT = ['activities', 'bitrix', 'cli', 'config', 'decisions', 'dispatcher', 'http', 'integration', 'observability', 'platform', 'ringostat', 'schemas', 'workers', 'workflows'];
/** Folders whose sub-folders are units of their own (features of one service, separate tools). */
const SPLIT = new Set(['http', 'tools']);
/** The entry points: where a process starts and reads its environment. */
const ENTRY_POINTS = new Set(['workers/main.ts', 'http/main.ts', 'cli/index.ts']);

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The folder a file belongs to for layout purposes: `bitrix`, `http/ingest`, `tools/sandbox`, … */
function unitOf(relative: string): string {
  const parts = relative.split('/');
  if (SPLIT.has(parts[0]!) && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

interface Import { from: string; to: string }

/** Every relative import (type-only ones too: a cycle of types is still a cycle to read). */
function importsOf(file: string): Import[] {
  const from = path.relative(projectRoot, file);
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ from, to: path.relative(projectRoot, path.resolve(path.dirname(file), spec)) }));
}

const files = ['test', 'tools', ...PRODUCT].flatMap((dir) => tsFiles(path.join(projectRoot, dir)));
const imports = files.flatMap(importsOf);

/** Folder → folder edges, each with one import that makes it (for the failure message). */
function folderGraph(): Map<string, Map<string, Import>> {
  const graph = new Map<string, Map<string, Import>>();
  for (const edge of imports) {
    const a = unitOf(edge.from);
    const b = unitOf(edge.to);
    if (a === b) continue;
    const out = graph.get(a) ?? new Map<string, Import>();
    if (!out.has(b)) out.set(b, edge);
    graph.set(a, out);
  }
  return graph;
}

/** One cycle as its list of folders, or undefined: depth-first search with an on-path set. */
function findCycle(graph: Map<string, Map<string, Import>>): string[] | undefined {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (onPath.includes(node)) return [...onPath.slice(onPath.indexOf(node)), node];
    if (done.has(node)) return undefined;
    onPath.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(node);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Every import of a file, resolved (relative ones to a project path), and whether it is erased at
 * build: `import type`, or only `type` specifiers, or an `export type … from`.
 */
function resolvedImports(file: string): Array<{ to: string; typeOnly: boolean }> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: Array<{ to: string; typeOnly: boolean }> = [];
  for (const node of source.statements) {
    let spec: ts.Expression | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(node)) {
      spec = node.moduleSpecifier;
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      spec = node.moduleSpecifier;
      typeOnly = node.isTypeOnly;
    }
    if (!spec || !ts.isStringLiteral(spec)) continue;
    const to = spec.text.startsWith('.') ? path.relative(projectRoot, path.resolve(path.dirname(file), spec.text)) : spec.text;
    out.push({ to, typeOnly });
  }
  return out;
}

/**
 * What a frozen folder's files import that they may not: `allowed` prefixes at run time,
 * `typesFrom` prefixes as types only. An empty list is a frozen folder.
 */
function escapes(dir: string, allowed: string[], typesFrom: string[]): string[] {
  return tsFiles(path.join(projectRoot, dir)).flatMap((file) => resolvedImports(file)
    .filter(({ to, typeOnly }) => !allowed.some((a) => to === a || to.startsWith(`${a}/`)) && !(typeOnly && typesFrom.some((t) => to.startsWith(`${t}/`))))
    .map(({ to, typeOnly }) => `${path.relative(projectRoot, file)} imports ${typeOnly ? 'types of ' : ''}${to}`));
}

describe('layout: what the README promises a newcomer (issue #11)', () => {
  it('has no import cycle between folders', () => {
    const graph = folderGraph();
    const cycle = findCycle(graph);
    const why = cycle?.slice(1).map((to, i) => {
      const edge = graph.get(cycle[i]!)!.get(to)!;
      return `${cycle[i]} → ${to} (${edge.from} imports ${edge.to})`;
    });
    assert.equal(cycle, undefined, `folders import each other: ${why?.join('; ')}`);
  });

  it('finds a cycle when there is one (negative control of the check above)', () => {
    const edge = { from: 'a/x.ts', to: 'b/y.ts' };
    const graph = new Map([['a', new Map([['b', edge]])], ['b', new Map([['c', edge]])], ['c', new Map([['a', edge]])]]);
    assert.deepEqual(findCycle(graph), ['a', 'b', 'c', 'a']);
  });

  it('keeps the tools apart: the product never imports tools/ (the demo is a tool that imports the product; issue 19)', () => {
    const reaching = imports.filter((edge) => PRODUCT.includes(unitOf(edge.from)) && edge.to.startsWith('tools/'));
    assert.deepEqual(reaching.map((edge) => `${edge.from} imports ${edge.to}`), []);
  });

  it('leaves the tools out of the image: the build stage drops dist/tools, the image copies only dist/, bin/ and the dependencies (issue 19)', () => {
    const dockerfile = readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM\s/m).slice(1);
    const build = stages.find((stage) => /\bAS build\b/.test(stage.split('\n')[0] ?? '')) ?? '';
    assert.match(build, /^RUN npm run build$[\s\S]*^RUN rm -rf dist\/tools$/m, 'the build stage removes dist/tools after building');
    const image = stages.at(-1) ?? '';
    const copied = [...image.matchAll(/^COPY\s+(.+)$/gm)].map((m) => m[1]!);
    assert.deepEqual(copied.filter((copy) => !/^(--from=deps \/app\/node_modules|package\.json|bin|--from=build \/app\/dist)\b/.test(copy)), [], 'no other COPY into the image');
  });

  it('keeps version 1 frozen: workflows/legacy/ imports only itself, the contract, schemas/ types and @temporalio/workflow (issue 16)', () => {
    // An edit to live code (call-actor.ts, decisions/, …) must not change what version-1 calls do:
    // what version 1 needs of it is copied into workflows/legacy/frozen/ (docs/upgrades.md).
    assert.deepEqual(escapes('workflows/legacy', ['workflows/legacy', 'workflows/contract', '@temporalio/workflow'], ['schemas']), []);
  });

  it('keeps the contract free of workflow and product code (version 1 imports it)', () => {
    assert.deepEqual(escapes('workflows/contract', ['workflows/contract', '@temporalio/workflow', '@temporalio/common'], ['schemas']), []);
  });

  it('finds a frozen folder\'s escape (negative control of the checks above)', () => {
    // workflows/ imports decisions/ and @temporalio/workflow at run time: not frozen.
    const found = escapes('workflows', ['workflows'], ['schemas']);
    assert.ok(found.some((line) => line.endsWith(' imports decisions')), found.join('; '));
  });

  it('keeps the rules pure: decisions/ imports only itself and schemas/, and reads no clock or chance (issue 19)', () => {
    // Workflows and activities call these; a rule that did I/O or read the time could not be
    // unit-tested on its own, nor called from workflow code deterministically.
    assert.deepEqual(escapes('decisions', ['decisions', 'schemas'], []), []);
    const impure = tsFiles(path.join(projectRoot, 'decisions'))
      .filter((file) => /\bDate\.now\(|new Date\(\)|Math\.random\(|\bprocess\.|\bsetTimeout\(|\bfetch\(/.test(stripComments(readFileSync(file, 'utf8'))))
      .map((file) => path.relative(projectRoot, file));
    assert.deepEqual(impure, []);
  });

  it('has no grab-bag lib/ folder', () => {
    assert.equal(existsSync(path.join(projectRoot, 'lib')), false);
  });

  it('reads the environment only in the entry points (settings are parsed once and passed down)', () => {
    const readers = PRODUCT.flatMap((dir) => tsFiles(path.join(projectRoot, dir)))
      .map((file) => path.relative(projectRoot, file))
      .filter((file) => !ENTRY_POINTS.has(file))
      // A comment may name process.env; code may not touch it.
      .filter((file) => /\bprocess\.env\b/.test(stripComments(readFileSync(path.join(projectRoot, file), 'utf8'))));
    assert.deepEqual(readers, []);
  });
});

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}
