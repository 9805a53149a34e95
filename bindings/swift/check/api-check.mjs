// Checks that hand-written Swift names only what the generated bindings declare.
//
//   node api-check.mjs GENERATED_SWIFT FILE_OR_DIR...
//
// There is no Swift compiler on the machines that run the tests, so a renamed or misspelt
// binding (`engine.chekSms`, `CallInput(numbr:)`, `.bolck`, `decision.acton`) would only
// fail in Xcode. This reads the declarations of the generated Callguard.swift with
// tree-sitter-swift, then walks the hand-written files and checks:
//
// - calls on a value whose type it can tell is a binding type (`engine.checkSms(input:)`,
//   `Engine.open(dataDir:…)`): the method exists and the argument labels fit one of its
//   signatures (parameters with defaults may be left out, in order);
// - initialisers of binding types (`CallInput(number:presentation:…)`): the labels fit;
// - properties read on such values (`decision.action`, `page.nextAfter`), through optional
//   chains, `try`, `await` and `for … in` over arrays;
// - `Type.member` on a binding type (`Action.block`, `RecordingSink.Call.…` is local);
// - every implicit member (`.block`, `case .remove:`, `.junk`) is a case or static member
//   declared by the bindings, by the hand-written code itself, or named in APPLE_MEMBERS
//   below (Apple's SDK, which is not here to read);
// - `extension BindingType: LocalProtocol {}` : the binding type has every method the
//   protocol requires, with the same labels.
//
// Types are inferred locally and conservatively: from annotations (`let e: Engine`,
// parameters, properties), from binding initialisers and calls, from `for x in` over a
// known array, `if let` / `guard let`. A value whose type it cannot tell is not checked;
// the XCTest tests and the Xcode build on a Mac check the rest (README: what is verified
// where).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Parser = require("tree-sitter");
const Swift = require("tree-sitter-swift");

// Implicit members of Apple's SDK and the Swift standard library that the hand-written
// code uses. Adding a name here is a deliberate act, checked against Apple's
// documentation; a misspelling of a binding case is not in this list and fails.
const APPLE_MEMBERS = new Set([
  // Swift standard library and Foundation
  "none", "some", "success", "failure", "whitespaces", "atomic", "utility", "background",
  "isRegularFileKey", "characters", "offset", "element", "self", "main", "fileNoSuchFile",
  // CallKit: CXCallDirectoryManager.EnabledStatus, CXErrorCodeCallDirectoryManagerError.Code
  "enabled", "disabled", "unknown", "maximumEntriesExceeded", "entriesOutOfOrder",
  "duplicateEntries", "unexpectedIncrementalRemoval", "loadingInterrupted",
  "currentlyLoading", "extensionDisabled", "noExtensionFound",
  // IdentityLookup: ILMessageFilterAction, ILMessageFilterSubAction
  "allow", "junk", "promotion", "promotionalOffers", "promotionalOthers",
  // SwiftUI and UIKit
  "active", "leading", "green", "secondary", "caption", "footnote", "borderedProminent", "segmented",
  "destructive", "cancel", "relative", "phonePad", "abbreviated", "shortened",
]);

function swiftFiles(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).sort().flatMap((name) => swiftFiles(join(path, name)));
  }
  return path.endsWith(".swift") ? [path] : [];
}

const parser = new Parser();
parser.setLanguage(Swift);
function parse(source) {
  return parser.parse(source, undefined, { bufferSize: Math.max(source.length * 2, 1 << 16) });
}

const unquote = (name) => name.replace(/^`|`$/g, "");
const named = (node) => node.namedChildren.filter((c) => !c.type.endsWith("comment"));

// A type as the checker sees it: a name, optional or not, and array/dictionary wrappers
// from the outside in ("[Decision]?" is { name: "Decision", wrap: ["?", "[]"] }).
function typeOf(node) {
  if (!node) return null;
  switch (node.type) {
    case "user_type": {
      const ids = node.namedChildren.filter((c) => c.type === "type_identifier").map((c) => c.text);
      // `Callguard.Settings` names the bindings' type.
      return { name: ids[ids.length - 1], wrap: [] };
    }
    case "optional_type": {
      const inner = typeOf(node.childForFieldName("wrapped") ?? node.namedChildren[0]);
      return inner && { name: inner.name, wrap: ["?", ...inner.wrap] };
    }
    case "array_type": {
      const inner = typeOf(node.childForFieldName("element") ?? node.namedChildren[0]);
      return inner && { name: inner.name, wrap: ["[]", ...inner.wrap] };
    }
    case "dictionary_type": {
      const value = typeOf(node.childForFieldName("value") ?? node.namedChildren[1]);
      return value && { name: value.name, wrap: ["[:]", ...value.wrap] };
    }
    default:
      return null;
  }
}

const TYPE_NODES = new Set(["user_type", "optional_type", "array_type", "dictionary_type"]);
const stripOptional = (t) => {
  if (!t) return t;
  let wrap = t.wrap;
  while (wrap[0] === "?") wrap = wrap.slice(1);
  return { ...t, wrap };
};

// Parameters of a function, initialiser or protocol requirement, with their labels.
function parameters(decl) {
  const params = [];
  const kids = decl.children;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    if (k.type !== "parameter") continue;
    const ids = k.namedChildren.filter((c) => c.type === "simple_identifier");
    const external = k.childForFieldName("external_name");
    let label = ids[0] ? unquote(ids[0].text) : "_";
    if (external) label = unquote(external.text);
    const typeNode = k.namedChildren.find((c) => TYPE_NODES.has(c.type));
    let j = i + 1;
    while (j < kids.length && kids[j].type.endsWith("comment")) j++;
    params.push({ label, type: typeOf(typeNode), hasDefault: kids[j]?.type === "=" });
  }
  return params;
}

function returnType(decl) {
  const kids = decl.children;
  const arrow = kids.findIndex((c) => c.type === "->");
  if (arrow < 0) return null;
  return typeOf(kids.slice(arrow + 1).find((c) => TYPE_NODES.has(c.type)));
}

function isPublic(decl) {
  const mods = decl.namedChildren.find((c) => c.type === "modifiers");
  return !!mods && /\b(public|open)\b/.test(mods.text);
}
function isStatic(decl) {
  const mods = decl.namedChildren.find((c) => c.type === "modifiers");
  return !!mods && /\b(static|class)\b/.test(mods.text);
}

// { TypeName: { kind, members: Map(name → [member]), statics: Map, cases: Set } }
function typeTable(root, { publicOnly }) {
  const types = new Map();
  const visit = (node, outer) => {
    for (const decl of named(node)) {
      if (decl.type !== "class_declaration" && decl.type !== "protocol_declaration") continue;
      if (publicOnly && !isPublic(decl)) continue;
      const nameNode = decl.childForFieldName("name");
      if (!nameNode) continue;
      const name = nameNode.text;
      if (name.startsWith("FfiConverter")) continue;
      const kind = decl.childForFieldName("declaration_kind")?.text ?? "protocol";
      const entry = types.get(name) ?? { kind, members: new Map(), statics: new Map(), cases: new Set(), inits: [] };
      types.set(name, entry);
      const body = decl.childForFieldName("body");
      if (!body) continue;
      for (const m of named(body)) {
        if (publicOnly && kind !== "protocol" && !isPublic(m) && m.type !== "enum_entry") continue;
        const add = (map, key, value) => map.set(key, [...(map.get(key) ?? []), value]);
        if (m.type === "function_declaration" || m.type === "protocol_function_declaration") {
          const fname = unquote(m.childForFieldName("name")?.text ?? "");
          const member = { kind: "func", params: parameters(m), returns: returnType(m) };
          add(isStatic(m) ? entry.statics : entry.members, fname, member);
        } else if (m.type === "init_declaration") {
          entry.inits.push({ kind: "init", params: parameters(m), returns: { name, wrap: [] } });
        } else if (m.type === "property_declaration" || m.type === "protocol_property_declaration") {
          const bound = m.descendantsOfType("simple_identifier")[0];
          const typeNode = m.namedChildren.find((c) => c.type === "type_annotation");
          const t = typeNode ? typeOf(typeNode.namedChildren.find((c) => TYPE_NODES.has(c.type))) : null;
          if (bound) add(isStatic(m) ? entry.statics : entry.members, bound.text, { kind: "var", type: t });
        } else if (m.type === "enum_entry") {
          for (const id of m.children) {
            if (id.type === "simple_identifier") entry.cases.add(unquote(id.text));
          }
        } else if (m.type === "class_declaration") {
          visit({ namedChildren: [m] }, name);
        }
      }
    }
  };
  visit(root, null);
  return types;
}

// ---- the bindings

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error("usage: node api-check.mjs GENERATED_SWIFT FILE_OR_DIR...");
  process.exit(2);
}
const generated = typeTable(parse(readFileSync(args[0], "utf8")).rootNode, { publicOnly: true });
for (const must of ["Engine", "CallInput", "Decision", "Action"]) {
  if (!generated.has(must)) {
    console.error(`${args[0]}: declares no ${must}: is it the generated Callguard.swift?`);
    process.exit(2);
  }
}
// A record's fields are its members; a public struct without an explicit init has none
// to call, but UniFFI writes one for every record.
const bindingCases = new Set([...generated.values()].flatMap((t) => [...t.cases, ...t.statics.keys()]));

// ---- the hand-written files

const files = args.slice(1).flatMap(swiftFiles);
const trees = files.map((file) => ({ file, root: parse(readFileSync(file, "utf8")).rootNode }));

// Names the hand-written code declares: its types' cases and static members, and its
// typealiases to binding types.
const local = new Map();
const aliases = new Map();
const localMembers = new Set();
for (const { root } of trees) {
  for (const [name, t] of typeTable(root, { publicOnly: false })) {
    local.set(name, t);
    for (const c of t.cases) localMembers.add(c);
    for (const s of t.statics.keys()) localMembers.add(s);
    // Instance members reachable as implicit members in key paths (`\.offset`) are rare;
    // enum cases and statics are what `.name` means.
  }
  for (const alias of root.descendantsOfType("typealias_declaration")) {
    const name = alias.childForFieldName("name")?.text;
    const target = typeOf(alias.namedChildren.find((c) => TYPE_NODES.has(c.type)));
    if (name && target) aliases.set(name, target.name);
  }
  // Static members of local extensions (`extension Foo { static let … }`).
  for (const ext of root.descendantsOfType("class_declaration")) {
    if (ext.childForFieldName("declaration_kind")?.text !== "extension") continue;
    const body = ext.childForFieldName("body");
    for (const m of body ? named(body) : []) {
      if (m.type === "function_declaration" && isStatic(m)) localMembers.add(unquote(m.childForFieldName("name")?.text ?? ""));
    }
  }
}

const binding = (name) => {
  const resolved = aliases.get(name) ?? name;
  // A hand-written type of the same name shadows nothing here: the bindings' names are
  // the module's, and the app never redeclares them.
  return generated.has(resolved) ? resolved : null;
};

let problems = 0;
// Uses of the bindings checked and found right: a pass over code that names none of them
// would prove nothing, so the total is printed.
let verified = 0;
function fail(file, node, message) {
  problems++;
  const { row, column } = node.startPosition;
  console.log(`  ${file}:${row + 1}:${column + 1}: ${message}`);
}

// Does a call's label list fit a declared parameter list?
function fits(labels, params) {
  let p = 0;
  for (const label of labels) {
    while (p < params.length && params[p].label !== label && params[p].hasDefault) p++;
    if (p >= params.length || params[p].label !== label) return false;
    p++;
  }
  return params.slice(p).every((q) => q.hasDefault);
}
const signature = (params) => `(${params.map((q) => `${q.label}:`).join("")})`;

function callLabels(call) {
  const suffix = call.namedChildren.find((c) => c.type === "call_suffix");
  const values = suffix?.namedChildren.find((c) => c.type === "value_arguments");
  const labels = (values?.namedChildren ?? [])
    .filter((c) => c.type === "value_argument")
    .map((a) => {
      const label = a.namedChildren.find((c) => c.type === "value_argument_label");
      return label ? unquote(label.text) : "_";
    });
  const trailing = (suffix?.namedChildren ?? []).filter((c) => c.type === "lambda_literal").length;
  return { labels, trailing };
}

class Scope {
  constructor(parent) {
    this.parent = parent;
    this.vars = new Map();
  }
  get(name) {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent ? this.parent.get(name) : undefined;
  }
  set(name, type) {
    // Two bindings of one name with different types in one scope: not checked.
    if (this.vars.has(name) && JSON.stringify(this.vars.get(name)) !== JSON.stringify(type)) {
      this.vars.set(name, null);
    } else {
      this.vars.set(name, type);
    }
  }
}

const SCOPES = new Set(["function_declaration", "init_declaration", "lambda_literal", "computed_property", "class_body", "protocol_body"]);

function checkFile(file, root) {
  const before = problems;

  // Implicit members: `.name` not preceded by an expression.
  const walkImplicit = (node) => {
    const kids = node.children;
    for (let i = 0; i + 1 < kids.length; i++) {
      if (kids[i].type !== "." || kids[i + 1].type !== "simple_identifier") continue;
      if (node.type === "navigation_suffix") continue;
      const name = unquote(kids[i + 1].text);
      if (bindingCases.has(name)) verified++;
      if (!bindingCases.has(name) && !localMembers.has(name) && !APPLE_MEMBERS.has(name)) {
        fail(file, kids[i + 1], `.${name} is not a case or static member of the bindings, of this code, or of the Apple names listed in api-check.mjs`);
      }
    }
    for (const c of node.children) walkImplicit(c);
  };
  walkImplicit(root);

  // Types of expressions. Returns { name, wrap, meta } or null (unknown).
  function infer(node, scope) {
    if (!node) return null;
    switch (node.type) {
      case "simple_identifier": {
        const name = unquote(node.text);
        const v = scope.get(name);
        if (v !== undefined) return v;
        const b = binding(name);
        return b ? { name: b, wrap: [], meta: true } : null;
      }
      case "try_expression":
      case "await_expression":
        return infer(node.childForFieldName("expr") ?? node.namedChildren[node.namedChildren.length - 1], scope);
      case "postfix_expression": {
        const t = infer(node.namedChildren[0], scope);
        return /!$/.test(node.text) ? stripOptional(t) : t;
      }
      case "navigation_expression":
        return member(node, scope, null);
      case "call_expression":
        return call(node, scope);
      default:
        return null;
    }
  }

  // `target.name`, optionally called with `labels`.
  function member(nav, scope, callNode) {
    const target = nav.childForFieldName("target") ?? nav.namedChildren[0];
    const suffix = nav.namedChildren.find((c) => c.type === "navigation_suffix");
    const nameNode = suffix?.namedChildren.find((c) => c.type === "simple_identifier");
    if (!nameNode) return null;
    const name = unquote(nameNode.text);
    const t = stripOptional(infer(target, scope));
    if (!t || t.wrap.length) return null;
    const type = generated.get(t.name);
    if (!type) return null;
    if (t.meta) {
      if (type.cases.has(name)) {
        verified++;
        return { name: t.name, wrap: [] };
      }
      const statics = type.statics.get(name);
      if (!statics) {
        fail(file, nameNode, `${t.name} has no case or static member '${name}'`);
        return null;
      }
      return callNode ? pick(callNode, statics, `${t.name}.${name}`, nameNode) : null;
    }
    const members = type.members.get(name);
    if (!members) {
      fail(file, nameNode, `${t.name} has no member '${name}'`);
      return null;
    }
    if (callNode) return pick(callNode, members, `${t.name}.${name}`, nameNode);
    verified++;
    const v = members.find((m) => m.kind === "var");
    return v ? v.type : null;
  }

  function pick(callNode, candidates, what, at) {
    const { labels, trailing } = callLabels(callNode);
    const funcs = candidates.filter((m) => m.kind === "func" || m.kind === "init");
    if (funcs.length === 0) return null;
    const match = funcs.find((m) => fits(labels, m.params) || (trailing && fits([...labels, "_"], m.params)));
    if (!match) {
      fail(file, at, `${what}(${labels.map((l) => `${l}:`).join("")}) does not fit ${funcs.map((m) => signature(m.params)).join(" or ")}`);
      return null;
    }
    verified++;
    return match.returns;
  }

  function call(node, scope) {
    const callee = node.namedChildren[0];
    if (callee?.type === "simple_identifier") {
      const b = binding(unquote(callee.text));
      if (b && !scope.get(unquote(callee.text))) {
        const type = generated.get(b);
        if (type.inits.length === 0) {
          fail(file, callee, `${b} has no public initialiser`);
          return null;
        }
        return pick(node, type.inits, b, callee);
      }
      return null;
    }
    if (callee?.type === "navigation_expression") return member(callee, scope, node);
    return null;
  }

  // Walk with scopes: declare what binds names, infer and check every expression once.
  const checked = new Set();
  // Infers a whole expression and marks its receiver chain as checked.
  function inferTop(node, scope) {
    if (!node) return null;
    for (const d of [node, ...node.descendantsOfType(["navigation_expression", "call_expression"])]) {
      if (isOnChain(node, d)) checked.add(d.id);
    }
    return infer(node, scope);
  }
  function walk(node, scope) {
    if (SCOPES.has(node.type)) scope = new Scope(scope);
    switch (node.type) {
      case "parameter": {
        const id = node.namedChildren.find((c) => c.type === "simple_identifier");
        const ids = node.namedChildren.filter((c) => c.type === "simple_identifier");
        const t = typeOf(node.namedChildren.find((c) => TYPE_NODES.has(c.type)));
        const inner = ids[ids.length - 1] ?? id;
        if (inner) scope.set(unquote(inner.text), resolveAlias(t));
        break;
      }
      case "property_declaration": {
        const bound = node.childForFieldName("name")?.descendantsOfType("simple_identifier")[0];
        const annotation = node.namedChildren.find((c) => c.type === "type_annotation");
        const value = node.childForFieldName("value");
        let t = annotation ? resolveAlias(typeOf(annotation.namedChildren.find((c) => TYPE_NODES.has(c.type)))) : null;
        if (value) {
          const inferred = inferTop(value, scope);
          t = t ?? inferred;
        }
        if (bound) scope.set(unquote(bound.text), t && { name: t.name, wrap: t.wrap });
        break;
      }
      case "for_statement": {
        const item = node.childForFieldName("item");
        const collection = node.childForFieldName("collection");
        const t = stripOptional(inferTop(collection, scope));
        const id = item?.descendantsOfType("simple_identifier");
        if (item && id?.length === 1 && item.type === "pattern" && t && t.wrap[0] === "[]") {
          scope.set(unquote(id[0].text), { name: t.name, wrap: t.wrap.slice(1) });
        }
        break;
      }
      case "if_statement":
      case "guard_statement": {
        // `let name = expr` pairs among the conditions.
        const kids = node.children;
        for (let i = 0; i + 3 < kids.length; i++) {
          if (kids[i].type === "value_binding_pattern" && kids[i + 1].type === "simple_identifier" && kids[i + 2].type === "=") {
            const t = stripOptional(inferTop(kids[i + 3], scope));
            scope.set(unquote(kids[i + 1].text), t && !t.meta ? t : null);
          }
        }
        break;
      }
      case "navigation_expression":
      case "call_expression":
        if (!checked.has(node.id)) inferTop(node, scope);
        break;
    }
    for (const c of node.namedChildren) walk(c, scope);
  }
  walk(root, new Scope(null));

  if (problems === before) console.log(`ok      ${file}`);
  else console.log(`FAILED  ${file}: ${problems - before} problem(s)`);
}

// Whether `d` is on the receiver chain of `top` (a.b(c).d: a.b and a.b(c) are; c is not).
function isOnChain(top, d) {
  let n = top;
  while (n) {
    if (n.id === d.id) return true;
    if (n.type === "call_expression" || n.type === "navigation_expression") n = n.namedChildren[0];
    else if (n.type === "try_expression" || n.type === "await_expression") n = n.namedChildren[n.namedChildren.length - 1];
    else return false;
  }
  return false;
}

function resolveAlias(t) {
  if (!t) return t;
  const name = aliases.get(t.name) ?? t.name;
  return generated.has(name) ? { name, wrap: t.wrap } : null;
}

// Conformances of binding types to local protocols.
function checkConformances(file, root) {
  for (const ext of root.descendantsOfType("class_declaration")) {
    if (ext.childForFieldName("declaration_kind")?.text !== "extension") continue;
    const typeName = binding(ext.childForFieldName("name")?.text ?? "");
    if (!typeName) continue;
    for (const inh of ext.namedChildren.filter((c) => c.type === "inheritance_specifier")) {
      const proto = local.get(inh.text.trim());
      if (!proto || proto.kind !== "protocol") continue;
      for (const [fname, reqs] of proto.members) {
        for (const req of reqs.filter((r) => r.kind === "func")) {
          const have = (generated.get(typeName).members.get(fname) ?? []).filter((m) => m.kind === "func");
          if (have.some((m) => signature(m.params) === signature(req.params))) {
            verified++;
          } else {
            problems++;
            const { row, column } = inh.startPosition;
            console.log(`  ${file}:${row + 1}:${column + 1}: ${typeName} does not have ${fname}${signature(req.params)}, which ${inh.text.trim()} requires`);
          }
        }
      }
    }
  }
}

for (const { file, root } of trees) {
  checkFile(file, root);
  checkConformances(file, root);
}
console.log(`${files.length} file(s): ${verified} uses of the bindings checked, ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
