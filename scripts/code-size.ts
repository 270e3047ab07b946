// The size rules of the source (not of tests): a file of at most 300 lines, a function of at most 50
// lines of its own (the lines of functions inside it are theirs, so a factory of methods counts only
// its own statements). `node scripts/code-size.ts` lists what is over; a test keeps the list empty.
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export const MAX_FILE_LINES = 300;
export const MAX_FUNCTION_LINES = 50;

export interface Oversize {
  file: string;
  line: number;
  what: string;
  lines: number;
}

const lineOf = (source: ts.SourceFile, position: number) =>
  source.getLineAndCharacterOfPosition(position).line;

function spanOf(source: ts.SourceFile, node: ts.Node) {
  return lineOf(source, node.getEnd()) - lineOf(source, node.getStart()) + 1;
}

function nameOf(node: ts.Node): string {
  const named = (node as { name?: ts.Node }).name;
  if (named) return named.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return 'a function';
}

/** The function's lines less those of the functions inside it. */
function ownLines(source: ts.SourceFile, fn: ts.FunctionLikeDeclaration): number {
  let lines = spanOf(source, fn);
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) lines -= spanOf(source, node);
    else ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return lines;
}

/** What is over the limits, below `cwd` (the repository, by default this process's folder). */
export function oversized(
  cwd = process.cwd(),
  patterns = ['packages/*/src/**/*.ts', 'bin/*.ts', 'scripts/*.ts', 'bench/*.ts'],
) {
  const found: Oversize[] = [];
  for (const file of globSync(patterns, { cwd }).filter((f) => !f.endsWith('.test.ts'))) {
    const text = readFileSync(join(cwd, file), 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE_LINES) found.push({ file, line: 1, what: 'the file', lines });
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
        const own = ownLines(source, node as ts.FunctionLikeDeclaration);
        if (own > MAX_FUNCTION_LINES)
          found.push({ file, line: lineOf(source, node.getStart()) + 1, what: nameOf(node), lines: own });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

if (import.meta.main) {
  for (const { file, line, what, lines } of oversized())
    console.log(`${file}:${line} ${what}: ${lines} lines`);
}
