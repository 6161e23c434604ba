// The «Conversación» panel: the pipeline's `repair:` section and its digression `questions`, generated from the
// JSON Schema of PipelineConfig (RepairConfig, CorrectionConfig) and written back into the YAML by the editor.
import { el } from "./common.js";
import { REPAIR_LABELS, labelOf } from "./labels.js";

const LIST_SEPARATOR = /\s*,\s*/;
// The server's JSON has its keys sorted; show the settings in the order the conversation layer applies them.
const SWITCH_ORDER = ["cancel", "help", "choose", "undo"];
const CORRECTION_ORDER = ["goto", "words", "lines", "clear"];

/** `names` with those listed in `order` first, in that order. */
function ordered(names, order) {
  const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

function resolve(schema, node) {
  if (node && node.$ref) return (schema.$defs || {})[node.$ref.split("/").pop()] || {};
  return node || {};
}

/** A property's schema without its `null` alternative. */
function nonNull(schema, prop) {
  const options = (prop.anyOf || []).filter((o) => o.type !== "null");
  return options.length === 1 ? resolve(schema, options[0]) : resolve(schema, prop);
}

/** The schemas the panel is generated from: RepairConfig, CorrectionConfig and the `questions` list. */
export function repairSchemas(schema) {
  const repair = resolve(schema, schema.properties.repair);
  const corrections = nonNull(schema, (repair.properties || {}).corrections || {});
  const entry = resolve(schema, Object.values(corrections.patternProperties || {})[0] || corrections.additionalProperties);
  return { repair, correction: entry, questions: schema.properties.questions || { items: {} } };
}

function isMap(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

function hint(text, attrs = {}) {
  return text ? el("p", { className: "hint", ...attrs }, text) : null;
}

/** The derived defaults of a document: corrections from its ask steps with a slot, digressions from `others`. */
export function repairDefaults(doc, others) {
  const steps = Array.isArray(doc && doc.steps) ? doc.steps : [];
  // As PipelineConfig.corrections(): ask steps with a slot, and collect steps on a plain slot (clearing their match).
  const corrections = steps
    .filter((s) => isMap(s) && s.slot && (s.kind === "ask" || (s.kind === "collect" && !String(s.slot).includes("."))))
    .map((s) => ({ slot: String(s.slot), goto: String(s.id), words: [String(s.slot)],
      ...(s.kind === "collect" && s.save_as ? { clear: [String(s.save_as)] } : {}) }));
  const name = doc && doc.name;
  const digressions = others === null ? null
    : others.filter((p) => p.name !== name && p.questions.length).map((p) => p.name);
  return { corrections, digressions };
}

export class RepairForm {
  /** `form` is the panel's <form>; `onApply({repair, questions})` writes both keys into the YAML. */
  constructor(schema, form, { onApply }) {
    this.schemas = repairSchemas(schema);
    this.form = form;
    this.onApply = onApply;
    this.dirty = false;
    this.doc = null;
    this.others = null;
    this.context = { stepIds: [], pipelines: [] };
    form.addEventListener("input", () => this.touch());
    form.addEventListener("change", () => this.touch());
    form.addEventListener("submit", (event) => { event.preventDefault(); this.apply(); });
  }

  touch() {
    this.dirty = true;
    const status = this.form.querySelector("#repair-status");
    if (status) status.textContent = "Cambios sin aplicar al YAML.";
  }

  /** What is known of the other pipelines: [{name, questions}] (null while loading); redraws the defaults. */
  setPipelines(others) {
    this.others = others;
    if (this.doc) this.showDefaults();
  }

  /** Fill the panel from a parsed document (null: the text does not parse) and the editor's context. */
  load(doc, context) {
    this.doc = doc;
    this.context = context;
    this.dirty = false;
    if (!doc) {
      this.form.replaceChildren(el("h2", {}, "Conversación"),
        el("p", { className: "muted", id: "repair-empty" }, "Corrige el YAML para editar la conversación."));
      return;
    }
    const repair = isMap(doc.repair) ? doc.repair : {};
    const { repair: repairDef, questions } = this.schemas;
    const props = repairDef.properties || {};
    const switches = ordered(Object.keys(props).filter((name) => props[name].type === "boolean"), SWITCH_ORDER)
      .map((name) => this.switchControl(name, props[name], repair[name]));
    this.switchNames = switches.map((node) => node.querySelector("input").name);

    const corrections = isMap(repair.corrections)
      ? Object.entries(repair.corrections).map(([slot, entry]) => ({ slot, ...(isMap(entry) ? entry : {}) }))
      : null;
    const digressions = Array.isArray(repair.digressions) ? repair.digressions.map(String) : null;
    const phrases = Array.isArray(doc.questions) ? doc.questions.map(String) : [];
    const inputs = isMap(doc.inputs) ? Object.keys(doc.inputs) : [];
    this.correctionBox = el("div", { className: "rows", id: "repair-corrections-rows" });
    this.digressionBox = el("div", { className: "rows", id: "repair-digressions-rows" });
    this.questionBox = el("div", { className: "rows", id: "repair-questions-rows" }, phrases.map((q) => this.questionRow(q)));
    const addQuestion = () => {
      const row = this.questionRow();
      this.questionBox.append(row);
      this.countQuestions();
      row.querySelector("input").focus();
    };
    const inputsHint = inputs.length
      ? `Entradas que puede llevar: ${inputs.map((n) => `{${n}}`).join(" ")}` : "Este pipeline no declara entradas.";

    this.form.replaceChildren(
      el("h2", {}, "Conversación"),
      el("p", { className: "muted" }, "Qué puede hacer el usuario mientras una ejecución de este pipeline espera "
        + "una respuesta, y con qué preguntas otro pipeline puede usarlo como digresión."),
      el("fieldset", { id: "repair-switches" }, el("legend", {}, "Órdenes"), switches),
      this.listSection("corrections", props.corrections, corrections !== null, this.correctionBox,
        this.addButton("repair-add-correction", "+ corrección", () => this.correctionBox.append(this.correctionRow()))),
      this.listSection("digressions", props.digressions, digressions !== null, this.digressionBox,
        this.addButton("repair-add-digression", "+ pipeline", () => this.digressionBox.append(this.digressionRow()))),
      el("fieldset", { id: "repair-questions" }, this.legend("questions", questions),
        hint(labelOf(REPAIR_LABELS, "questions", questions)[1]),
        hint(inputsHint, { id: "repair-inputs" }),
        el("p", { className: "muted", id: "repair-questions-empty", hidden: phrases.length > 0 },
          "Sin preguntas: otro pipeline no puede usarlo como digresión."),
        this.questionBox, this.addButton("repair-add-question", "+ pregunta", addQuestion)),
      el("div", { className: "form-actions" },
        el("button", { type: "submit", id: "repair-apply" }, "Aplicar al YAML"),
        el("button", { type: "button", className: "secondary", id: "repair-reset",
          onclick: () => this.load(this.doc, this.context) }, "Descartar cambios"),
        el("span", { className: "muted", id: "repair-status", role: "status" })),
      el("p", { className: "form-error", id: "repair-error", role: "alert" }),
      el("datalist", { id: "dl-repair-steps" }, context.stepIds.map((id) => el("option", { value: id }))),
      el("datalist", { id: "dl-repair-slots" },
        repairDefaults(doc, []).corrections.map((c) => el("option", { value: c.slot }))));
    for (const row of corrections || []) this.correctionBox.append(this.correctionRow(row));
    for (const name of digressions || []) this.digressionBox.append(this.digressionRow(name));
    this.showCustom("corrections");
    this.showCustom("digressions");
    this.showDefaults();
  }

  /** A repair switch (cancel, help, choose, undo): checked when written true, or when absent and on by default. */
  switchControl(name, prop, written) {
    const [label, text] = labelOf(REPAIR_LABELS, name, prop);
    const checked = typeof written === "boolean" ? written : Boolean(prop.default);
    return el("label", { className: "switch" },
      el("input", { type: "checkbox", id: `repair-${name}`, name, checked, dataset: { default: String(prop.default) } }),
      el("span", {}, label, " ", el("code", { className: "key" }, name)), hint(text));
  }

  /** A legend: the Spanish label and the YAML key. */
  legend(name, prop) {
    return el("legend", {}, labelOf(REPAIR_LABELS, name, prop)[0], " ", el("code", { className: "key" }, name));
  }

  addButton(id, text, add) {
    return el("button", { type: "button", className: "small secondary", id, onclick: () => { add(); this.touch(); } }, text);
  }

  /** A list with a derived default (corrections, digressions): its rows, or the default when not customised. */
  listSection(name, prop, custom, rows, add) {
    return el("fieldset", { id: `repair-${name}` }, this.legend(name, prop),
      hint(labelOf(REPAIR_LABELS, name, prop)[1]),
      this.customToggle(name, custom),
      el("p", { className: "defaults", id: `repair-${name}-default` }),
      el("div", { className: "custom", id: `repair-${name}-custom-box` }, rows, add));
  }

  /** The checkbox that switches a list between its derived default (not written) and an explicit value. */
  customToggle(name, custom) {
    const box = el("input", { type: "checkbox", id: `repair-${name}-custom`, checked: custom, onchange: () => {
      const rows = name === "corrections" ? this.correctionBox : this.digressionBox;
      if (box.checked && !rows.children.length) this.prefill(name);
      this.showCustom(name);
    } });
    return el("label", { className: "check" }, box, " Personalizar (si no, se usa el valor por defecto)");
  }

  /** Start an explicit list from the derived default, so turning the switch on changes nothing by itself. */
  prefill(name) {
    const defaults = repairDefaults(this.doc, this.others || []);
    if (name === "corrections") for (const row of defaults.corrections) this.correctionBox.append(this.correctionRow(row));
    else for (const pipeline of defaults.digressions) this.digressionBox.append(this.digressionRow(pipeline));
  }

  showCustom(name) {
    const custom = this.form.querySelector(`#repair-${name}-custom`).checked;
    this.form.querySelector(`#repair-${name}-custom-box`).hidden = !custom;
    this.form.querySelector(`#repair-${name}-default`).hidden = custom;
  }

  /** Show what applies when a list is not written: «por defecto: cliente → pedir_cliente». */
  showDefaults() {
    const defaults = repairDefaults(this.doc, this.others);
    const corrections = this.form.querySelector("#repair-corrections-default");
    const digressions = this.form.querySelector("#repair-digressions-default");
    if (!corrections || !digressions) return;
    corrections.textContent = defaults.corrections.length
      ? `por defecto: ${defaults.corrections.map((c) => `${c.slot} → ${c.goto}`).join(", ")}`
      : "por defecto: ninguna (no hay pasos ask con dato)";
    if (defaults.digressions === null) digressions.textContent = "por defecto: cargando los pipelines…";
    else digressions.textContent = defaults.digressions.length
      ? `por defecto: ${defaults.digressions.join(", ")} (los pipelines que declaran preguntas)`
      : "por defecto: ninguna (ningún otro pipeline declara preguntas)";
    for (const select of this.digressionBox.querySelectorAll("select")) this.describeDigression(select);
  }

  /** [key, label, description, schema] of each column of a correction row: the slot, then CorrectionConfig's fields. */
  correctionColumns() {
    const props = this.schemas.correction.properties || {};
    return [["slot", ...labelOf(REPAIR_LABELS, "slot"), { type: "string" }],
      ...ordered(Object.keys(props), CORRECTION_ORDER).map((name) => [name, ...labelOf(REPAIR_LABELS, name, props[name]), props[name]])];
  }

  correctionRow(entry = {}) {
    const required = new Set(["slot", ...(this.schemas.correction.required || [])]);
    // Each cell carries its own label, so the row wraps on a narrow panel and stays readable.
    const cells = this.correctionColumns().map(([name, label, text, prop]) => {
      const title = `${label}: ${text}`;
      let control;
      if (prop.type === "boolean") {
        control = el("input", { type: "checkbox", name, checked: Boolean(entry[name] ?? prop.default) });
      } else if (prop.type === "array") {
        const values = Array.isArray(entry[name]) ? entry[name].join(", ") : "";
        control = el("input", { name, value: values, placeholder: "separadas por comas" });
      } else {
        const pattern = prop.pattern ? prop.pattern.replace(/^\^|\$$/g, "") : name === "slot" ? "[A-Za-z][A-Za-z0-9_]{0,63}" : null;
        control = el("input", { name, value: entry[name] ?? "", required: required.has(name), pattern,
          list: name === "goto" ? "dl-repair-steps" : name === "slot" ? "dl-repair-slots" : null });
      }
      return el("label", { className: `cell ${prop.type || "string"}`, title, dataset: { field: name } },
        el("span", {}, label), control);
    });
    const row = el("div", { className: "row correction", dataset: { slot: entry.slot || "" } }, cells,
      el("button", { type: "button", className: "small secondary", title: "Quitar corrección",
        onclick: () => { row.remove(); this.touch(); } }, "×"));
    return row;
  }

  readCorrection(row) {
    const entry = {};
    let slot = "";
    for (const [name, , , prop] of this.correctionColumns()) {
      const control = row.querySelector(`[name="${name}"]`);
      if (name === "slot") slot = control.value.trim();
      else if (prop.type === "boolean") {
        if (control.checked !== Boolean(prop.default)) entry[name] = control.checked;
      } else if (prop.type === "array") {
        const values = control.value.split(LIST_SEPARATOR).map((v) => v.trim()).filter(Boolean);
        if (values.length) entry[name] = values;
      } else if (control.value.trim()) entry[name] = control.value.trim();
    }
    return [slot, entry];
  }

  digressionRow(name = "") {
    const self = this.doc && this.doc.name;
    const names = this.context.pipelines.filter((n) => n !== self);
    if (name && !names.includes(name)) names.push(name);
    const select = el("select", { name: "pipeline", "aria-label": "Pipeline de la digresión" },
      names.map((n) => el("option", { value: n, selected: n === name && "selected" }, n)));
    const note = el("span", { className: "hint note" });
    select.addEventListener("change", () => this.describeDigression(select));
    const row = el("div", { className: "row digression" }, select, note,
      el("button", { type: "button", className: "small secondary", title: "Quitar digresión",
        onclick: () => { row.remove(); this.touch(); } }, "×"));
    this.describeDigression(select);
    return row;
  }

  /** Beside a digression: its questions, or a warning when that pipeline declares none (it would never run). */
  describeDigression(select) {
    const note = select.parentElement ? select.parentElement.querySelector(".note") : select.nextSibling;
    if (!note) return;
    const found = (this.others || []).find((p) => p.name === select.value);
    if (!found) note.textContent = this.others === null ? "" : "no es un pipeline conocido";
    else if (!found.questions.length) note.textContent = "no declara preguntas: no se usará";
    else note.textContent = `p. ej. «${found.questions[0]}»`;
    note.classList.toggle("warn", Boolean(found) ? !found.questions.length : this.others !== null);
  }

  questionRow(text = "") {
    const { items = {}, maxItems } = this.schemas.questions;
    const row = el("div", { className: "row question" },
      el("input", { name: "question", value: text, "aria-label": "Pregunta que contesta", required: true,
        minlength: items.minLength, maxlength: items.maxLength, placeholder: "¿cuánto stock hay de {producto}?" }),
      el("button", { type: "button", className: "small secondary", title: "Quitar pregunta",
        onclick: () => { row.remove(); this.touch(); this.countQuestions(); } }, "×"));
    row.dataset.max = String(maxItems || "");
    return row;
  }

  countQuestions() {
    const empty = this.form.querySelector("#repair-questions-empty");
    if (empty) empty.hidden = this.questionBox.children.length > 0;
  }

  /** The `repair` and `questions` values the panel describes (undefined: leave the key out). */
  value() {
    const original = this.doc && isMap(this.doc.repair) ? this.doc.repair : {};
    const known = new Set(Object.keys(this.schemas.repair.properties || {}));
    const repair = {};
    for (const name of this.switchNames) {
      const box = this.form.querySelector(`#repair-${name}`);
      if (box.checked !== (box.dataset.default === "true")) repair[name] = box.checked;
    }
    if (this.form.querySelector("#repair-corrections-custom").checked) {
      const corrections = {};
      for (const row of this.correctionBox.querySelectorAll(".row")) {
        const [slot, entry] = this.readCorrection(row);
        if (!slot) continue;
        if (slot in corrections) throw new Error(`El dato «${slot}» tiene dos correcciones.`);
        corrections[slot] = entry;
      }
      repair.corrections = corrections;
    }
    if (this.form.querySelector("#repair-digressions-custom").checked) {
      const names = [...this.digressionBox.querySelectorAll("select")].map((s) => s.value).filter(Boolean);
      repair.digressions = [...new Set(names)];
    }
    // Keys the schema does not know stay as written, so the validator can point at them.
    for (const [name, value] of Object.entries(original)) if (!known.has(name)) repair[name] = value;
    const questions = [...this.questionBox.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean);
    return { repair: Object.keys(repair).length ? repair : undefined, questions: questions.length ? questions : undefined };
  }

  apply() {
    const error = this.form.querySelector("#repair-error");
    error.textContent = "";
    if (!this.form.reportValidity()) return;
    let value;
    try {
      value = this.value();
    } catch (err) {
      error.textContent = err.message;
      return;
    }
    this.dirty = false;
    if (this.onApply(value)) {
      const status = this.form.querySelector("#repair-status");
      if (status) status.textContent = "Aplicado al YAML.";
    } else this.dirty = true;
  }

  /** Show a problem writing into the YAML. */
  fail(message) {
    const error = this.form.querySelector("#repair-error");
    if (error) error.textContent = message;
  }
}
