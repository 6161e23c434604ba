// A form for one pipeline step, generated from the JSON Schema of PipelineConfig (steps: a union on `kind`).
/* global jsyaml */
import { el } from "./common.js";
import { KIND_DESCRIPTIONS, STEP_LABELS, labelOf } from "./labels.js";

const LONG_TEXT = new Set(["question", "help", "message", "prompt", "system", "several", "suggestions", "none",
  "invalid", "not_found", "not_understood"]);
const DATALISTS = { tool: "dl-tools", fallback: "dl-tools", pipeline: "dl-pipelines", goto: "dl-steps",
  resolve: "dl-tools", suggest: "dl-tools", parse: "dl-tools", reader: "dl-tools", find: "dl-tools", cancel: "dl-steps" };

function resolve(schema, node) {
  if (node && node.$ref) return (schema.$defs || {})[node.$ref.split("/").pop()] || {};
  return node || {};
}

/** The step kinds and their schemas: {kind: {properties, required, description}}. */
export function stepKinds(schema) {
  const items = resolve(schema, schema.properties.steps.items);
  const kinds = {};
  if (items.discriminator && items.discriminator.mapping) {
    for (const [kind, ref] of Object.entries(items.discriminator.mapping)) kinds[kind] = resolve(schema, { $ref: ref });
  } else {
    for (const option of items.oneOf || items.anyOf || []) {
      const def = resolve(schema, option);
      const kindProp = (def.properties || {}).kind || {};
      const kind = kindProp.const ?? (kindProp.enum || [])[0];
      if (kind) kinds[kind] = def;
    }
  }
  return kinds;
}

/** A property's schema with a nullable anyOf unwrapped. */
function unwrap(schema, prop) {
  if (!prop.anyOf) return resolve(schema, prop);
  const options = prop.anyOf.filter((o) => o.type !== "null");
  return options.length === 1 ? { ...prop, ...resolve(schema, options[0]), anyOf: undefined } : prop;
}

function isBranchList(schema, prop) {
  return prop.type === "array" && prop.items && "goto" in (resolve(schema, prop.items).properties || {});
}

function branchRow(branch = {}) {
  const row = el("div", { className: "branch" },
    el("input", { name: "when", placeholder: "condición (vacía: siempre)", value: branch.when ?? "" }),
    el("input", { name: "goto", placeholder: "ir a paso", list: DATALISTS.goto, value: branch.goto ?? "",
      pattern: "[a-z][a-z0-9_]{0,63}" }),
    el("button", { type: "button", className: "small secondary", title: "Quitar rama", onclick: () => row.remove() }, "×"));
  return row;
}

/** One field: its control and a `read()` giving the value to write (undefined: leave the key out). */
function field(schema, name, rawProp, value, required) {
  const prop = unwrap(schema, rawProp);
  const id = `field-${name}`;
  if (isBranchList(schema, prop)) {
    const box = el("div", { className: "branches", id }, (value || []).map((b) => branchRow(b)));
    const add = el("button", { type: "button", className: "small secondary", onclick: () => box.append(branchRow()) },
      "+ rama");
    const read = () => {
      const rows = [...box.querySelectorAll(".branch")].map((row) => ({
        when: row.querySelector("[name=when]").value.trim(), goto: row.querySelector("[name=goto]").value.trim(),
      })).filter((b) => b.goto);
      return rows.length ? rows.map((b) => (b.when ? { when: b.when, goto: b.goto } : { goto: b.goto })) : undefined;
    };
    return { control: el("div", {}, box, add), read };
  }
  if (prop.enum) {
    const select = el("select", { id, name }, required ? null : el("option", { value: "" }, "—"),
      prop.enum.map((option) => el("option", { value: String(option), selected: String(value ?? prop.default) === String(option) && "selected" },
        String(option))));
    return { control: select, read: () => (select.value === "" || select.value === prop.default ? undefined : select.value) };
  }
  if (prop.type === "boolean") {
    const box = el("input", { id, name, type: "checkbox", checked: Boolean(value ?? prop.default) });
    return { control: box, read: () => (box.checked === Boolean(prop.default) ? undefined : box.checked) };
  }
  if (prop.type === "integer" || prop.type === "number") {
    const input = el("input", { id, name, type: "number", min: prop.minimum, max: prop.maximum,
      step: prop.type === "integer" ? "1" : "any", value: value ?? "" });
    return { control: input, read: () => (input.value === "" ? undefined : Number(input.value)) };
  }
  if (prop.type === "string") {
    const attrs = { id, name, required, pattern: prop.pattern ? prop.pattern.replace(/^\^|\$$/g, "") : null,
      list: DATALISTS[name] || null, value: value ?? "" };
    const control = LONG_TEXT.has(name) ? el("textarea", { id, name, required, rows: 2 }, value ?? "") : el("input", attrs);
    return { control, read: () => (control.value.trim() === "" ? undefined : control.value) };
  }
  const area = el("textarea", { id, name, rows: 3, placeholder: "YAML", className: "yaml-field" },
    value === undefined || value === null ? "" : jsyaml.dump(value, { lineWidth: -1, quotingType: '"' }).replace(/\n$/, ""));
  const read = () => {
    if (area.value.trim() === "") return undefined;
    try {
      return jsyaml.load(area.value);
    } catch (error) {
      throw new Error(`«${name}»: YAML no válido (${error.reason || error.message})`);
    }
  };
  return { control: area, read };
}

function datalist(id, values) {
  return el("datalist", { id }, values.map((v) => el("option", { value: v })));
}

export class StepForm {
  /** `form` is the <form>; `onApply(step, change)` and `onRemove(index)` write into the YAML. */
  constructor(schema, form, { onApply, onRemove }) {
    this.schema = schema;
    this.kinds = stepKinds(schema);
    this.form = form;
    this.onApply = onApply;
    this.onRemove = onRemove;
    this.current = null;
    this.dirty = false;
    form.addEventListener("input", () => { this.dirty = true; });
    form.addEventListener("submit", (event) => { event.preventDefault(); this.apply(); });
  }

  /** Open the form for `step` (at `index`, or a new step when index is null) given the document's context. */
  open(step, index, context) {
    const kind = step.kind;
    const def = this.kinds[kind];
    if (!def) return this.close();
    const required = new Set(def.required || []);
    // The id first and the fields every kind shares last, so each form (and the YAML it writes) leads with what
    // is particular to its kind.
    // `help` follows the question it explains.
    const shared = ["description", "next", "max_visits"];
    const names = Object.keys(def.properties || {}).filter((n) => n !== "kind")
      .sort((a, b) => (a === "id" ? -1 : b === "id" ? 1 : shared.indexOf(a) - shared.indexOf(b)));
    if (names.includes("help") && names.includes("question")) {
      names.splice(names.indexOf("help"), 1);
      names.splice(names.indexOf("question") + 1, 0, "help");
    }
    this.fields = names.map((name) => ({ name, ...field(this.schema, name, def.properties[name], step[name], required.has(name)) }));
    const rows = this.fields.flatMap(({ name, control }) => {
      const [label, hint] = labelOf(STEP_LABELS, name, def.properties[name]);
      return [el("label", { for: `field-${name}` }, label, required.has(name) ? " *" : "", " ",
        el("code", { className: "key" }, name), hint ? el("span", { className: "hint" }, hint) : null), control];
    });
    const position = index === null ? el("select", { id: "step-position", name: "position" },
      el("option", { value: "0" }, "al principio"),
      context.stepIds.map((sid, i) => el("option", { value: String(i + 1), selected: i === context.stepIds.length - 1 && "selected" },
        `después de ${sid}`))) : null;
    this.current = { kind, index, position };
    this.form.replaceChildren(
      el("h2", {}, index === null ? `Nuevo paso (${kind})` : `Paso ${step.id} (${kind})`),
      el("p", { className: "muted", hidden: !(KIND_DESCRIPTIONS[kind] || def.description) },
        KIND_DESCRIPTIONS[kind] || def.description || ""),
      el("div", { className: "form-grid" }, rows, position ? [el("label", { for: "step-position" }, "posición"), position] : []),
      el("div", { className: "form-actions" },
        el("button", { type: "submit", id: "step-apply" }, index === null ? "Añadir al YAML" : "Aplicar al YAML"),
        index === null ? null : el("button", { type: "button", className: "danger", id: "step-remove",
          onclick: () => this.onRemove(index) }, "Eliminar paso"),
        el("button", { type: "button", className: "secondary", onclick: () => this.close() }, "Cerrar")),
      el("p", { className: "form-error", id: "step-error", role: "alert" }),
      datalist("dl-steps", [...context.stepIds, "end"]), datalist("dl-tools", context.tools),
      datalist("dl-pipelines", context.pipelines));
    this.form.hidden = false;
    this.dirty = index === null;
  }

  close() {
    this.current = null;
    this.dirty = false;
    this.form.hidden = true;
    this.form.replaceChildren();
  }

  /** The step the form describes, keys in schema order with `kind` second; throws with a message when invalid. */
  value() {
    const step = {};
    for (const { name, read } of this.fields) {
      const value = read();
      if (value !== undefined) step[name] = value;
      if (name === "id") step.kind = this.current.kind;
    }
    return step;
  }

  apply() {
    const error = this.form.querySelector("#step-error");
    error.textContent = "";
    if (!this.form.reportValidity()) return;
    let step;
    try {
      step = this.value();
    } catch (err) {
      error.textContent = err.message;
      return;
    }
    const { index, position } = this.current;
    const change = index === null ? { op: "insert", index: Number(position.value), step } : { op: "replace", index, step };
    this.dirty = false;
    this.onApply(step, change);
  }
}
