// Completions for a pipeline's YAML: keys and literal values from the JSON Schema at the cursor's YAML path, and
// names the document itself declares (tools, step ids, slots).
/* global jsyaml */
import { KIND_DESCRIPTIONS, STEP_LABELS } from "./labels.js";
import { keysOf, propertyOf, schemaAt, valuesOf } from "./schema_walk.js";
import { valueAt, yamlContext } from "./yaml_path.js";

/** Keys whose values name something the document (or the server) declares. */
const REFERENCES = {
  goto: "steps", next: "steps", tool: "tools", fallback: "tools", slot: "slots", save_as: "slots", when: "slots",
  valid: "slots", pipeline: "pipelines",
};
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function load(text) {
  try {
    const doc = jsyaml.load(text);
    return doc && typeof doc === "object" ? doc : null;
  } catch {
    return null;
  }
}

/** Parse `text` leniently, so a half-typed line elsewhere does not hide the whole document: lines holding one bare
 * word (keys being written) are left out, then, a few times, the line a syntax error names. */
function parseLoose(text) {
  const lines = text.split("\n").map((line) => (/^\s*[\w-]+\s*$/.test(line) ? "" : line));
  for (let attempt = 0; attempt < 8; attempt += 1) {
    try {
      const doc = jsyaml.load(lines.join("\n"));
      return doc && typeof doc === "object" ? doc : null;
    } catch (error) {
      const line = error.mark ? error.mark.line : -1;
      if (line < 0 || line >= lines.length) return null;
      const blank = lines[line].trim() === "" ? line - 1 : line;
      if (blank < 0) return null;
      lines[blank] = "";
    }
  }
  return null;
}

/** The document around the cursor, parsed without the word being typed (else without the cursor's line, which is
 * often the unfinished one), or null. */
function parseAround(text, from, pos) {
  const start = text.lastIndexOf("\n", from - 1) + 1;
  const end = text.indexOf("\n", pos);
  const withoutLine = text.slice(0, start) + (end < 0 ? "" : text.slice(end));
  return load(text.slice(0, from) + text.slice(pos)) || parseLoose(withoutLine);
}

function objectKeys(value) {
  return value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
}

/** Every step of `steps` and of the lists of steps nested in them (a foreach body), in document order. */
function allSteps(steps, found = []) {
  for (const step of Array.isArray(steps) ? steps : []) {
    if (!step || typeof step !== "object" || Array.isArray(step)) continue;
    found.push(step);
    for (const value of Object.values(step)) {
      if (Array.isArray(value) && value.some((item) => item && typeof item === "object" && "kind" in item)) {
        allSteps(value, found);
      }
    }
  }
  return found;
}

/** The names a pipeline document declares: step ids (and `end`), tool names and slot names. */
export function documentNames(doc) {
  const steps = allSteps(doc && doc.steps);
  const slots = new Set(objectKeys(doc && doc.inputs));
  for (const step of steps) {
    for (const key of ["slot", "save_as", "as", "index"]) {
      if (typeof step[key] === "string" && NAME.test(step[key])) slots.add(step[key]);
    }
    objectKeys(step.values).forEach((name) => slots.add(name));
  }
  return {
    steps: [...steps.map((s) => s.id).filter((id) => typeof id === "string"), "end"],
    tools: objectKeys(doc && doc.tools),
    slots: [...slots],
  };
}

/** What the value of `key` names ("steps", "tools", "slots", "pipelines") or null: known keys first, then the
 * property's description in the schema («a tool …», «the step …», «… slot …»), so new step kinds need no list. */
function referenceOf(key, prop) {
  if (REFERENCES[key]) return REFERENCES[key];
  const text = (prop && prop.type === "string" && prop.description) || "";
  if (/^an? tool\b/i.test(text)) return "tools";
  if (/^the step\b/i.test(text)) return "steps";
  if (/\bslot\b/i.test(text)) return "slots";
  return null;
}

/** Write key `name` over the word at the cursor; add ": " unless the line already has the colon. */
function applyKey(name) {
  return (view, completion, from, to) => {
    const line = view.state.doc.lineAt(to);
    const rest = line.text.slice(to - line.from);
    const end = to + /^[\w-]*/.exec(rest)[0].length;
    const insert = /^\s*:/.test(line.text.slice(end - line.from)) ? name : `${name}: `;
    view.dispatch({
      changes: { from, to: end, insert }, selection: { anchor: from + insert.length }, userEvent: "input.complete",
    });
  };
}

function keyOption({ name, schema, required }) {
  const [label, hint] = STEP_LABELS[name] || [];
  return {
    label: name, type: "property", apply: applyKey(name),
    detail: [label, required ? "obligatorio" : ""].filter(Boolean).join(" · ") || undefined,
    info: hint || schema.description || undefined, boost: required ? 1 : 0,
  };
}

function named(values, type, detail) {
  return values.map((value) => ({
    label: value, type, detail, info: type === "enum" ? KIND_DESCRIPTIONS[value] : undefined,
  }));
}

function valueOptions(root, doc, names, context, pipelines) {
  const { key, path } = context;
  const node = root && schemaAt(root, doc, path);
  const reference = referenceOf(key, node && propertyOf(root, node, valueAt(doc, path), key));
  const options = [];
  if (reference === "steps") options.push(...named(names.steps, "function", "paso"));
  if (reference === "tools") options.push(...named(names.tools, "variable", "herramienta"));
  if (reference === "slots") options.push(...named(names.slots, "variable", "dato"));
  if (reference === "pipelines") options.push(...named(pipelines, "class", "pipeline"));
  if (node) options.push(...named(valuesOf(root, node, valueAt(doc, [...path, key]), key), "enum", "valor"));
  return options;
}

/**
 * Completions at offset `pos` of `text`: `{from, options}` in CodeMirror's format, or null. `schema` is the
 * pipeline JSON Schema (or null), `pipelines` the names of the other pipelines, `explicit` whether the user asked.
 */
export function completePipeline(text, pos, { schema = null, pipelines = [], explicit = false } = {}) {
  const context = yamlContext(text, pos);
  if (context.mode === "comment" || (!context.word && !explicit)) return null;
  const doc = parseAround(text, context.from, pos);
  const names = documentNames(doc);
  const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
  const inTemplate = /\{\{(?:(?!\}\}).)*$/.test(text.slice(lineStart, pos));
  let options;
  if (inTemplate) options = named(names.slots, "variable", "dato");
  else if (context.mode === "key") {
    const node = schema && schemaAt(schema, doc, context.path);
    const present = new Set(objectKeys(valueAt(doc, context.path)));
    const keys = node ? keysOf(schema, node, valueAt(doc, context.path)) : [];
    options = keys.filter((k) => !present.has(k.name)).map(keyOption);
  } else if (context.mode === "value") options = valueOptions(schema, doc, names, context, pipelines);
  else options = [];
  const seen = new Set();
  options = options.filter((o) => !seen.has(o.label) && seen.add(o.label));
  return options.length ? { from: context.from, options, validFor: /^[\w-]*$/ } : null;
}
