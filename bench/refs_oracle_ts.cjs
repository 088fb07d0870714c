// The TypeScript oracle of bench/refs_oracle.py: the TypeScript compiler API's
// answer to "which declaration does this identifier name", for a tree's TS/JS files.
//
//   node bench/refs_oracle_ts.cjs TYPESCRIPT_DIR INPUT.json > OUT.jsonl
//
// INPUT: {"root": abs path, "files": [rel paths], "paths": {module: [rel dir]},
//         "ask": {rel path: ["line:col", ...]}}
// "paths" maps the tree's own package names to their directories (the tree has
// no node_modules linking them). One JSON array per line of output:
//   [file, line, col, name, kind, [[decl file, first line, name line], ...], outside]
// line 1-based, col 0-based in code points (as symidx's); kind: see kindOf;
// outside: some declaration lies outside the tree (the TS libs, @types packages). Emitted: every
// identifier whose declarations include another file of the tree, and the
// identifiers at the positions "ask" names (symidx's resolved references), so
// the comparison can judge those too.
"use strict";
const fs = require("fs");
const path = require("path");

const [tsDir, inputPath] = process.argv.slice(2);
const ts = require(path.join(tsDir, "node_modules", "typescript"));
const input = JSON.parse(fs.readFileSync(inputPath, "utf8"));
const root = path.resolve(input.root);
const inTree = new Set(input.files);
const ask = new Map(Object.entries(input.ask || {}).map(([f, ps]) => [f, new Set(ps)]));

const options = {
  allowJs: true, checkJs: false, noEmit: true, skipLibCheck: true, resolveJsonModule: true,
  esModuleInterop: true, allowSyntheticDefaultImports: true, jsx: ts.JsxEmit.Preserve,
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10, baseUrl: root, paths: input.paths || {},
  types: [], maxNodeModuleJsDepth: 0,
};
const program = ts.createProgram(input.files.map((f) => path.join(root, f)), options);
const checker = program.getTypeChecker();

function rel(fileName) {
  const r = path.relative(root, fileName).split(path.sep).join("/");
  return r.startsWith("..") ? null : r;
}

// Code points before `character` (UTF-16 units) on the line: symidx counts code points.
function column(sf, line, character) {
  const start = sf.getLineStarts()[line];
  const prefix = sf.text.slice(start, start + character);
  return /[\uD800-\uDFFF]/.test(prefix) ? Array.from(prefix).length : character;
}

function lineOf(sf, pos) {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

const IMPORTS = new Set([ts.SyntaxKind.ImportSpecifier, ts.SyntaxKind.ImportClause, ts.SyntaxKind.ExportSpecifier,
  ts.SyntaxKind.ImportEqualsDeclaration]);

// A declaration's own name is no use; an import's is (symidx has import references),
// but of `import {a as b}` only `a`, the name the other file declares.
function isDeclarationName(node) {
  const parent = node.parent;
  if (!parent || parent.name !== node || !ts.isDeclaration(parent)) return false;
  return !IMPORTS.has(parent.kind) || Boolean(parent.propertyName);
}

function symbolOf(node) {
  let symbol = checker.getSymbolAtLocation(node);
  if (!symbol) return null;
  if (symbol.flags & ts.SymbolFlags.Alias) {
    try { symbol = checker.getAliasedSymbol(symbol); } catch { return null; }
  }
  return symbol;
}

// Where a CommonJS export's "declaration" (`module.exports = {f}`, `exports.f = f`,
// `export default f`) only names a value declared elsewhere: that value.
function valueOf(decl) {
  if (ts.isShorthandPropertyAssignment(decl)) return checker.getShorthandAssignmentValueSymbol(decl) || null;
  let expr = null;
  if (ts.isPropertyAssignment(decl) || ts.isExportAssignment(decl)) expr = decl.initializer || decl.expression;
  else if (ts.isBinaryExpression(decl)) expr = decl.right;
  else if (ts.isPropertyAccessExpression(decl) && decl.parent && ts.isBinaryExpression(decl.parent)
           && decl.parent.left === decl) expr = decl.parent.right;
  if (expr && ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === "require"
      && expr.arguments.length === 1 && ts.isStringLiteral(expr.arguments[0])) {
    const mod = checker.getSymbolAtLocation(expr.arguments[0]);  // `module.exports = require("./x")`
    return mod ? checker.resolveExternalModuleSymbol(mod) : null;
  }
  if (!expr || !(ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr))) return null;
  return symbolOf(ts.isPropertyAccessExpression(expr) ? expr.name : expr);
}

// A declaration of an @types package describes a module or global outside the tree
// (for a use outside the @types packages themselves).
const AMBIENT = /(^|\/)@types\//;

// [targets in the tree, outside?], or null when unclear: a declaration in a tree
// file that is not indexed, or a module (`import * as m`), which is no symbol.
function isAssignment(decl) {
  return ts.isBinaryExpression(decl) || ts.isPropertyAccessExpression(decl) || ts.isElementAccessExpression(decl)
    || ts.isIdentifier(decl);  // `process` of `process.cwd = f`
}

function declarations(symbol, useFile, depth = 0) {
  const targets = [];
  let outside = false;
  // JS binds `process.cwd = f` as a declaration of `process`: a patch, once a real declaration exists.
  const patched = (symbol.declarations || []).some((d) => !isAssignment(d));
  const files = new Set((symbol.declarations || []).map((d) => d.getSourceFile().fileName));
  if (!patched && files.size && (files.size > 1 || (symbol.declarations || []).every(ts.isIdentifier))) return null;  // a patched global
  for (const decl of symbol.declarations || []) {
    const followed = depth < 4 ? valueOf(decl) : null;
    if (followed && followed !== symbol) {
      const inner = declarations(followed, useFile, depth + 1);
      if (inner && (inner[0].length || inner[1])) {
        targets.push(...inner[0]);
        outside = outside || inner[1];
        continue;
      }
    }
    const sf = decl.getSourceFile();
    const file = rel(sf.fileName);
    if (file === null || AMBIENT.test(file) && !AMBIENT.test(useFile)) { outside = true; continue; }
    if (!inTree.has(file) || ts.isSourceFile(decl)) return null;
    // A top-level name of a JS file that is no module (no import/export/require) is a
    // global to TypeScript: `process` would name every script's `var process`.
    if (file !== useFile && !sf.isDeclarationFile && !sf.externalModuleIndicator && !sf.commonJsModuleIndicator
        && ts.isSourceFile(ts.getRootDeclaration(decl).parent?.parent?.parent || decl)) return null;
    if (patched && isAssignment(decl)) continue;
    const named = decl.name || decl;
    targets.push([file, lineOf(sf, decl.getStart(sf)), lineOf(sf, named.getStart(sf))]);
  }
  return [targets, outside];
}

// What role the identifier plays, to split recall: import, type, receiver (`o` of
// `o.m`), member (`m` of `o.m`) or name; "-call" added when it is called or constructed.
function kindOf(node) {
  const parent = node.parent;
  if (IMPORTS.has(parent.kind)) return "import";
  if (ts.isQualifiedName(parent) && parent.left === node) return "receiver";  // `ns` of `ns.T`
  if (ts.isTypeReferenceNode(parent) || ts.isExpressionWithTypeArguments(parent) || ts.isQualifiedName(parent)) {
    return "type";
  }
  let kind = "name";
  let expr = node;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
    kind = "member";
    expr = parent;
  } else if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    return "receiver";
  }
  const user = expr.parent;
  const called = user && (ts.isCallExpression(user) || ts.isNewExpression(user)) && user.expression === expr;
  return called ? `${kind}-call` : kind;
}

function visitFile(sf, file, out) {
  const wanted = ask.get(file);
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.Identifier && !isDeclarationName(node)) {
      const start = node.getStart(sf);
      const { line, character } = sf.getLineAndCharacterOfPosition(start);
      const col = column(sf, line, character);
      const symbol = symbolOf(node);
      const found = symbol && declarations(symbol, file);
      if (found && (found[0].length || found[1])) {
        const [targets, outside] = found;
        const elsewhere = targets.some((t) => t[0] !== file);
        if (elsewhere || (wanted && wanted.has(`${line + 1}:${col}`))) {
          const kind = kindOf(node);
          out.push(JSON.stringify([file, line + 1, col, node.text, kind, targets, outside]));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

let out = [];
for (const file of input.files) {
  const sf = program.getSourceFile(path.join(root, file));
  if (!sf) continue;
  visitFile(sf, file, out);
  if (out.length > 5000) { process.stdout.write(out.join("\n") + "\n"); out = []; }
}
if (out.length) process.stdout.write(out.join("\n") + "\n");
