// Parses Swift files with tree-sitter-swift and fails on any syntax error.
//
//   node check.mjs FILE_OR_DIR...
//
// Swift cannot be compiled on the Linux machines that run the tests, so this is the
// check that the generated bindings and the hand-written package code are well-formed
// Swift. It proves syntax only: types and names are checked by `swift build` and the
// XCTest tests on a Mac (README: what is verified where).
//
// tree-sitter-swift 0.7.1 cannot parse an `#if` that wraps only an attribute, which
// UniFFI generates (`#if swift(>=5.8) @_documentation(visibility: private) #endif`) and
// Swift accepts. So each file is first resolved the way a compiler resolves conditional
// compilation, once for each of two toolchains (a new one on iOS where every condition
// holds, an old one on macOS where none does), and each result must parse: every line of
// every branch is parsed at least once. Inactive lines become blank, so positions in
// error reports are the file's own.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Parser = require("tree-sitter");
const Swift = require("tree-sitter-swift");

function swiftFiles(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .sort()
      .flatMap((name) => swiftFiles(join(path, name)));
  }
  return path.endsWith(".swift") ? [path] : [];
}

function problems(node, out) {
  if (node.type === "ERROR" || node.isMissing) {
    out.push(node);
  }
  // Only descend where an error can be.
  if (node.hasError) {
    for (const child of node.children) {
      problems(child, out);
    }
  }
  return out;
}

// The two toolchains: every `#if` branch is active in one of them.
const TOOLCHAINS = [
  { name: "Swift 6, iOS", version: 6.0, os: "iOS", canImport: true },
  { name: "Swift 5.7, macOS", version: 5.7, os: "macOS", canImport: false },
];

function evaluate(condition, tc, where) {
  const expr = condition
    .replace(/\b(swift|compiler)\(\s*(>=|<)\s*([0-9.]+)\s*\)/g, (_, _kind, op, v) =>
      String(op === ">=" ? tc.version >= parseFloat(v) : tc.version < parseFloat(v)))
    .replace(/\bcanImport\(\s*[\w.]+\s*\)/g, String(tc.canImport))
    .replace(/\bos\(\s*(\w+)\s*\)/g, (_, os) => String(os === tc.os))
    .replace(/\btargetEnvironment\(\s*\w+\s*\)/g, "false")
    .replace(/\bDEBUG\b/g, "false");
  if (!/^[\s()!&|truefals]*$/.test(expr)) {
    throw new Error(`${where}: unsupported #if condition: ${condition}`);
  }
  return Function(`"use strict"; return (${expr});`)();
}

// Keeps the active lines of `#if`/`#elseif`/`#else`/`#endif` blocks, blanks the rest.
function resolve(source, tc, file) {
  const out = [];
  const stack = []; // { parentActive, taken, active }
  const active = () => stack.every((f) => f.active);
  source.split("\n").forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    const m = line.match(/^\s*#(if|elseif|else|endif)\b(.*)$/);
    if (!m) {
      out.push(active() ? line : "");
      return;
    }
    const [, directive, rest] = m;
    const cond = rest.replace(/\/\/.*$/, "").trim();
    if (directive === "if") {
      const parentActive = active();
      const value = parentActive && evaluate(cond, tc, where);
      stack.push({ taken: value, active: value });
    } else if (directive === "elseif" || directive === "else") {
      const frame = stack[stack.length - 1];
      if (!frame) throw new Error(`${where}: #${directive} without #if`);
      stack.pop();
      const parentActive = active();
      const value = parentActive && !frame.taken && (directive === "else" || evaluate(cond, tc, where));
      stack.push({ taken: frame.taken || value, active: value });
    } else {
      if (!stack.pop()) throw new Error(`${where}: #endif without #if`);
    }
    out.push("");
  });
  if (stack.length) throw new Error(`${file}: unterminated #if`);
  return out.join("\n");
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: node check.mjs FILE_OR_DIR...");
  process.exit(2);
}
const files = args.flatMap(swiftFiles);
if (files.length === 0) {
  console.error(`no .swift files under ${args.join(" ")}`);
  process.exit(2);
}

const parser = new Parser();
parser.setLanguage(Swift);
let failed = 0;
for (const file of files) {
  const original = readFileSync(file, "utf8");
  const lines = original.split("\n");
  let errors = 0;
  for (const tc of TOOLCHAINS) {
    const source = resolve(original, tc, file);
    // The default 32 KiB buffer is too small for the generated file.
    const tree = parser.parse(source, undefined, { bufferSize: Math.max(source.length * 2, 1 << 16) });
    const found = problems(tree.rootNode, []);
    if (found.length === 0 && !tree.rootNode.hasError) continue;
    errors += Math.max(found.length, 1);
    console.log(`FAILED  ${file} as ${tc.name}: ${found.length} syntax error(s)`);
    for (const node of found.slice(0, 20)) {
      const { row, column } = node.startPosition;
      const what = node.isMissing ? `missing ${node.type}` : "unexpected";
      console.log(`  ${file}:${row + 1}:${column + 1}: ${what}: ${(lines[row] ?? "").trim().slice(0, 120)}`);
    }
  }
  if (errors === 0) {
    console.log(`ok      ${file} (${lines.length} lines, ${TOOLCHAINS.length} toolchains)`);
  } else {
    failed++;
  }
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
