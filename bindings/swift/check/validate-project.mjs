// Validates the iOS project where Xcode is not: ios/project.yml (XcodeGen), the Info.plists
// and the entitlements it names.
//
//   node validate-project.mjs IOS_DIR
//
// - project.yml parses as YAML (the `yaml` package, pinned; duplicate keys are errors);
// - one application and two app extensions, each with an Info.plist and entitlements that
//   exist and parse (Python's plistlib, which is strict XML);
// - the Call Directory extension's NSExtensionPointIdentifier is
//   com.apple.callkit.call-directory and the Message Filter's
//   com.apple.identitylookup.message-filter; each principal class is
//   $(PRODUCT_MODULE_NAME).<a class of that target's sources with the right superclass>;
// - the App Group is the same in every target's entitlements and in Shared/AppGroup.swift;
// - the extensions' bundle identifiers extend the app's, the app embeds both, and
//   AppGroup.callDirectoryExtension names the Call Directory extension's;
// - the bundled list is a folder reference of the name SharedEngine reads, with a root;
// - the background refresh identifier is permitted in the app's Info.plist, with the
//   `fetch` background mode;
// - every .strings file has one `"key" = "value";` per line, and each language has the
//   same keys.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const YAML = require("yaml");

const ios = process.argv[2];
if (!ios) {
  console.error("usage: node validate-project.mjs IOS_DIR");
  process.exit(2);
}
let problems = 0;
const fail = (message) => {
  problems++;
  console.log(`  ${message}`);
};

function plist(path) {
  try {
    const json = execFileSync(
      "python3",
      ["-c", "import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], 'rb')), default=str))", path],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    return JSON.parse(json);
  } catch (error) {
    fail(`${path}: not a valid property list (${String(error.stderr ?? error).trim().split("\n").pop()})`);
    return null;
  }
}

function swiftSources(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isDirectory()) return readdirSync(path).sort().flatMap((n) => swiftSources(join(path, n)));
  return path.endsWith(".swift") ? [path] : [];
}

// ---- project.yml
const specPath = join(ios, "project.yml");
let spec;
try {
  spec = YAML.parse(readFileSync(specPath, "utf8"), { uniqueKeys: true, strict: true });
} catch (error) {
  fail(`${specPath}: not valid YAML: ${error.message.split("\n")[0]}`);
  console.log(`project: ${problems} problem(s)`);
  process.exit(1);
}
const targets = spec?.targets ?? {};
const deployment = spec?.options?.deploymentTarget?.iOS;
if (String(deployment) !== "16.0") fail(`project.yml: options.deploymentTarget.iOS is ${deployment}, not 16.0`);

const EXTENSIONS = {
  "com.apple.callkit.call-directory": { superclass: "CXCallDirectoryProvider", sdk: "CallKit.framework" },
  "com.apple.identitylookup.message-filter": { superclass: "ILMessageFilterExtension", sdk: "IdentityLookup.framework" },
};

const settingOf = (target, key) => target?.settings?.base?.[key];
const apps = Object.entries(targets).filter(([, t]) => t.type === "application");
const extensions = Object.entries(targets).filter(([, t]) => t.type === "app-extension");
if (apps.length !== 1) fail(`project.yml: ${apps.length} application targets, expected 1`);
if (extensions.length !== 2) fail(`project.yml: ${extensions.length} app-extension targets, expected 2`);

const groups = new Map(); // target → groups
const bundleIds = new Map();
const pointOf = new Map(); // extension point → target name
for (const [name, target] of [...apps, ...extensions]) {
  if (target.platform !== "iOS") fail(`project.yml: ${name} is not an iOS target`);
  const bundleId = settingOf(target, "PRODUCT_BUNDLE_IDENTIFIER");
  if (!bundleId) fail(`project.yml: ${name} has no PRODUCT_BUNDLE_IDENTIFIER`);
  bundleIds.set(name, bundleId);
  for (const source of target.sources ?? []) {
    const path = typeof source === "string" ? source : source.path;
    if (!existsSync(join(ios, path))) fail(`project.yml: ${name} source ${path} does not exist`);
  }
  if (!(target.dependencies ?? []).some((d) => d.package === "Callguard")) {
    fail(`project.yml: ${name} does not depend on the Callguard package`);
  }
  const infoPath = settingOf(target, "INFOPLIST_FILE");
  const entitlementsPath = settingOf(target, "CODE_SIGN_ENTITLEMENTS");
  if (!infoPath || !existsSync(join(ios, infoPath))) {
    fail(`project.yml: ${name}'s INFOPLIST_FILE ${infoPath} does not exist`);
    continue;
  }
  if (!entitlementsPath || !existsSync(join(ios, entitlementsPath))) {
    fail(`project.yml: ${name}'s CODE_SIGN_ENTITLEMENTS ${entitlementsPath} does not exist`);
    continue;
  }
  const info = plist(join(ios, infoPath));
  const entitlements = plist(join(ios, entitlementsPath));
  if (!info || !entitlements) continue;
  if (info.CFBundleIdentifier !== "$(PRODUCT_BUNDLE_IDENTIFIER)") fail(`${infoPath}: CFBundleIdentifier is not $(PRODUCT_BUNDLE_IDENTIFIER)`);
  const group = entitlements["com.apple.security.application-groups"];
  if (!Array.isArray(group) || group.length !== 1) fail(`${entitlementsPath}: expected exactly one App Group`);
  groups.set(name, JSON.stringify(group));

  if (target.type === "app-extension") {
    const ext = info.NSExtension ?? {};
    const point = ext.NSExtensionPointIdentifier;
    const expected = EXTENSIONS[point];
    if (!expected) {
      fail(`${infoPath}: NSExtensionPointIdentifier ${point} is neither of ${Object.keys(EXTENSIONS).join(", ")}`);
      continue;
    }
    if (pointOf.has(point)) fail(`${infoPath}: ${point} is also ${pointOf.get(point)}'s`);
    pointOf.set(point, name);
    const principal = /^\$\(PRODUCT_MODULE_NAME\)\.(\w+)$/.exec(ext.NSExtensionPrincipalClass ?? "");
    if (!principal) {
      fail(`${infoPath}: NSExtensionPrincipalClass ${ext.NSExtensionPrincipalClass} is not $(PRODUCT_MODULE_NAME).ClassName`);
    } else {
      const sources = (target.sources ?? []).flatMap((s) => swiftSources(join(ios, typeof s === "string" ? s : s.path)));
      const declares = new RegExp(`class\\s+${principal[1]}\\s*:\\s*${expected.superclass}\\b`);
      if (!sources.some((f) => declares.test(readFileSync(f, "utf8")))) {
        fail(`${infoPath}: no ${principal[1]}: ${expected.superclass} in ${name}'s sources`);
      }
    }
    if (!(target.dependencies ?? []).some((d) => d.sdk === expected.sdk)) fail(`project.yml: ${name} does not link ${expected.sdk}`);
    if (settingOf(target, "APPLICATION_EXTENSION_API_ONLY") !== "YES") fail(`project.yml: ${name} lacks APPLICATION_EXTENSION_API_ONLY`);
  } else {
    const permitted = info.BGTaskSchedulerPermittedIdentifiers ?? [];
    const modes = info.UIBackgroundModes ?? [];
    if (!modes.includes("fetch")) fail(`${infoPath}: UIBackgroundModes lacks fetch (BGAppRefreshTask)`);
    groups.set("BGTask", JSON.stringify(permitted));
  }
}
const permittedTasks = JSON.parse(groups.get("BGTask") ?? "[]");
groups.delete("BGTask");
for (const point of Object.keys(EXTENSIONS)) {
  if (!pointOf.has(point)) fail(`project.yml: no extension target for ${point}`);
}

// One App Group everywhere, and the one the Swift names.
const distinct = new Set(groups.values());
if (distinct.size !== 1) fail(`entitlements: the App Groups differ: ${[...groups].map(([t, g]) => `${t} ${g}`).join("; ")}`);
const appGroupSwift = join(ios, "Shared/AppGroup.swift");
const swift = existsSync(appGroupSwift) ? readFileSync(appGroupSwift, "utf8") : "";
const constant = (name) => new RegExp(`static let ${name} = "([^"]+)"`).exec(swift)?.[1];
const group = JSON.parse([...distinct][0] ?? "[]")[0];
if (constant("identifier") !== group) fail(`Shared/AppGroup.swift: identifier ${constant("identifier")} is not the entitlements' ${group}`);

// Bundle identifiers, embedding, the refresh task.
if (apps.length === 1) {
  const [appName, app] = apps[0];
  const appId = bundleIds.get(appName);
  for (const [name] of extensions) {
    const id = bundleIds.get(name);
    if (!id?.startsWith(`${appId}.`)) fail(`project.yml: ${name}'s bundle id ${id} does not extend the app's ${appId}`);
    if (!(app.dependencies ?? []).some((d) => d.target === name && d.embed !== false)) fail(`project.yml: the app does not embed ${name}`);
  }
  const directory = pointOf.get("com.apple.callkit.call-directory");
  if (directory && constant("callDirectoryExtension") !== bundleIds.get(directory)) {
    fail(`Shared/AppGroup.swift: callDirectoryExtension ${constant("callDirectoryExtension")} is not ${bundleIds.get(directory)}`);
  }
  // The bundled list: a folder reference whose name SharedEngine looks up, with a root.
  const sharedEngine = join(ios, "Shared/SharedEngine.swift");
  const folder = /static let bundledListFolder = "([^"]+)"/.exec(existsSync(sharedEngine) ? readFileSync(sharedEngine, "utf8") : "")?.[1];
  const bundled = (app.sources ?? []).filter((src) => typeof src === "object" && src.type === "folder");
  if (!bundled.some((src) => src.path.split("/").pop() === folder && !src.name && existsSync(join(ios, src.path, "root.json")))) {
    fail(`project.yml: the app has no folder reference named ${folder} (SharedEngine.bundledListFolder) holding a root.json`);
  }
  if (!permittedTasks.includes(constant("refreshTask"))) {
    fail(`Shared/AppGroup.swift: refreshTask ${constant("refreshTask")} is not in BGTaskSchedulerPermittedIdentifiers`);
  }
}

// Localizable.strings: well-formed lines, the same keys in every language.
const keysByLanguage = new Map();
function stringsFiles(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isDirectory()) return readdirSync(path).sort().flatMap((n) => stringsFiles(join(path, n)));
  return path.endsWith(".strings") ? [path] : [];
}
const ENTRY = /^"((?:[^"\\]|\\.)*)"\s*=\s*"((?:[^"\\]|\\.)*)";$/;
for (const file of stringsFiles(ios)) {
  const keys = new Set();
  readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    const text = line.trim();
    if (text === "" || text.startsWith("//") || (text.startsWith("/*") && text.endsWith("*/"))) return;
    const m = ENTRY.exec(text);
    if (!m) return fail(`${file}:${i + 1}: not a "key" = "value"; line`);
    if (keys.has(m[1])) fail(`${file}:${i + 1}: duplicate key`);
    keys.add(m[1]);
  });
  keysByLanguage.set(file, keys);
}
const languages = [...keysByLanguage];
for (const [file, keys] of languages.slice(1)) {
  const [firstFile, first] = languages[0];
  if (dirname(firstFile).replace(/[^/]+\.lproj$/, "") !== dirname(file).replace(/[^/]+\.lproj$/, "")) continue;
  const missing = [...first].filter((k) => !keys.has(k));
  const extra = [...keys].filter((k) => !first.has(k));
  if (missing.length || extra.length) fail(`${file}: ${missing.length} key(s) missing and ${extra.length} extra next to ${firstFile}`);
}

console.log(`${problems === 0 ? "ok     " : "FAILED "} ${specPath}: ${Object.keys(targets).length} targets, ${extensions.length} extensions, App Group ${group}, ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
