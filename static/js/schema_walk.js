// Read a JSON Schema (pydantic's model_json_schema()) along a YAML path: which keys an object takes and which
// values a key takes. Generic: unions, $ref, nullable anyOf, patternProperties; nothing about step kinds by name.

function deref(root, node) {
  let current = node || {};
  for (let guard = 0; current.$ref && guard < 32; guard += 1) {
    current = (root.$defs || {})[current.$ref.split("/").pop()] || {};
  }
  return current;
}

/** The concrete alternatives of `node` (anyOf / oneOf / allOf flattened); for a discriminated union, the one
 * option `value` selects when it names one. */
export function variants(root, node, value) {
  const current = deref(root, node);
  const discriminator = current.discriminator;
  if (discriminator && discriminator.mapping && value && typeof value === "object") {
    const ref = discriminator.mapping[value[discriminator.propertyName]];
    if (ref) return variants(root, { $ref: ref }, value);
  }
  const options = current.anyOf || current.oneOf || current.allOf;
  if (!options) return [current];
  return options.flatMap((option) => variants(root, option, value)).filter((v) => v.type !== "null");
}

/** The schema of `segment` (a key or a list index) inside a node of schema `node` whose value is `value`. */
function child(root, node, value, segment) {
  const found = [];
  for (const variant of variants(root, node, value)) {
    if (typeof segment === "number") {
      if (variant.items) found.push(variant.items);
      continue;
    }
    const properties = variant.properties || {};
    if (segment in properties) {
      found.push(properties[segment]);
      continue;
    }
    const pattern = Object.entries(variant.patternProperties || {}).find(([re]) => new RegExp(re).test(segment));
    if (pattern) found.push(pattern[1]);
    else if (variant.additionalProperties && typeof variant.additionalProperties === "object") {
      found.push(variant.additionalProperties);
    }
  }
  return found.length === 1 ? found[0] : found.length ? { anyOf: found } : null;
}

/** The schema of the node at `path` of a document `doc` (its parsed value, possibly partial), or null. */
export function schemaAt(root, doc, path) {
  let node = root;
  let value = doc;
  for (const segment of path) {
    node = child(root, node, value, segment);
    if (!node) return null;
    value = value && typeof value === "object" ? value[segment] : undefined;
  }
  return node;
}

/** The keys an object of schema `node` (holding `value`) may have: [{name, schema, required}]. */
export function keysOf(root, node, value) {
  const keys = new Map();
  for (const variant of variants(root, node, value)) {
    const required = new Set(variant.required || []);
    for (const [name, schema] of Object.entries(variant.properties || {})) {
      if (!keys.has(name)) keys.set(name, { name, schema: deref(root, schema), required: required.has(name) });
    }
  }
  return [...keys.values()];
}

/** The schema of property `key` of an object of schema `node` (holding `value`), nullable unwrapped, or null. */
export function propertyOf(root, node, value, key) {
  for (const variant of variants(root, node, value)) {
    const prop = (variant.properties || {})[key];
    if (!prop) continue;
    const options = variants(root, prop, undefined);
    return options.length === 1 ? { description: prop.description, ...options[0] } : deref(root, prop);
  }
  return null;
}

/** The literal values key `key` of an object of schema `node` may take: const, enum and booleans of every
 * alternative (so a discriminated union's `kind` offers every kind). */
export function valuesOf(root, node, value, key) {
  const values = new Set();
  for (const variant of variants(root, node, undefined)) {
    const prop = (variant.properties || {})[key];
    if (!prop) continue;
    for (const option of variants(root, prop, value)) {
      if (option.const !== undefined) values.add(option.const);
      for (const item of option.enum || []) values.add(item);
      if (option.type === "boolean") ["true", "false"].forEach((b) => values.add(b));
    }
  }
  return [...values].filter((v) => v !== null).map(String);
}
