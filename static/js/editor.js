// The pipeline editor: pick or create, edit YAML with live validation, a schema form per step, the conversation
// settings (repair, questions), preview, save, try.
/* global jsyaml */
import { api, debounce, el, errorText, fitToggle, showSvg } from "./common.js";
import { CodeEditor } from "./code_editor.js";
import { changeTopKeys } from "./pipeline_text.js";
import { RepairForm } from "./repair_form.js";
import { StepForm, stepKinds } from "./step_form.js";
import { changeSteps, stepRanges } from "./step_text.js";
import { TryRun } from "./try_run.js";

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const root = document.getElementById("editor");
const $ = (id) => document.getElementById(id);
const tryRun = new TryRun($("run-form"), $("run-result"));
// The saved tests ran on the saved text: its uncovered lines are marked only while the editor shows that text.
tryRun.tests.onCoverage = (missed) => area.markUncovered(area.getValue() === state.saved ? missed : []);
const state = {
  name: "", saved: null, doc: null, pipelines: [], others: null, schema: null, validation: 0, preview: 0,
};
const area = new CodeEditor($("yaml"), {
  label: "YAML del pipeline", emptyText: "Elige un pipeline o crea uno nuevo",
  complete: () => ({ schema: state.schema, pipelines: state.pipelines.map((p) => p.name) }),
});
let form = null;
let repairForm = null;
const TABS = ["form", "repair", "graph", "run"];

function template(name) {
  return [`name: ${name}`, "description: Describe aquí qué hace el pipeline", "inputs:",
    "  nombre: {type: string, description: a quién saludar}", "steps:", "  - id: pedir_nombre", "    kind: ask",
    "    slot: nombre", '    question: "¿Cómo te llamas?"', "  - id: saludar", "    kind: reply",
    '    message: "Hola, {{ nombre }}"', "    end: true", ""].join("\n");
}

function setStatus(id, text, good = null) {
  const node = $(id);
  node.textContent = text;
  node.className = good === null ? "muted" : good ? "status-ok" : "status-bad";
}

async function loadList() {
  state.pipelines = await api("GET", "/orchestrator/pipelines");
  const pick = $("pick");
  const names = state.pipelines.map((p) => p.name);
  if (state.name && !names.includes(state.name)) names.push(state.name);
  pick.replaceChildren(el("option", { value: "" }, "— elige —"),
    ...names.sort().map((n) => el("option", { value: n, selected: n === state.name && "selected" }, n)));
}

/** The digression questions every pipeline declares, read from each one's YAML, for the «Conversación» defaults. */
async function loadQuestions() {
  const found = await Promise.all(state.pipelines.map(async (p) => {
    try {
      const body = await api("GET", `/orchestrator/pipelines/${encodeURIComponent(p.name)}`);
      const doc = jsyaml.load(body.yaml);
      return { name: p.name, questions: doc && Array.isArray(doc.questions) ? doc.questions.map(String) : [] };
    } catch {
      return { name: p.name, questions: [] };
    }
  }));
  state.others = found;
  if (repairForm) repairForm.setPipelines(found);
}

function setName(name) {
  state.name = name;
  const pick = $("pick");
  if ([...pick.options].some((option) => option.value === name)) pick.value = name;
  const link = $("open-graph");
  link.hidden = !state.pipelines.some((p) => p.name === name);
  link.href = `/graph/${encodeURIComponent(name)}`;
  tryRun.setPipeline(name, (state.doc && state.doc.inputs) || {});
}

async function openPipeline(name) {
  try {
    const body = await api("GET", `/orchestrator/pipelines/${encodeURIComponent(name)}`);
    state.saved = body.yaml;
    area.setValue(body.yaml, { reset: true });
    if (form) form.close();
    if (repairForm) repairForm.dirty = false;
    setStatus("save-status", `Versión ${body.version || "—"}`);
    setName(name);
    textChanged();
  } catch (error) {
    setStatus("save-status", errorText(error), false);
  }
}

function createPipeline() {
  const name = $("new-name").value.trim();
  if (!NAME.test(name)) {
    setStatus("save-status", "El nombre debe empezar por una letra minúscula y llevar solo a-z, 0-9 y _.", false);
    return;
  }
  if (state.pipelines.some((p) => p.name === name)) {
    openPipeline(name);
    return;
  }
  state.saved = null;
  area.setValue(template(name), { reset: true });
  if (repairForm) repairForm.dirty = false;
  setStatus("save-status", "Pipeline nuevo: guárdalo para crearlo.");
  setName(name);
  loadList().catch(() => {});
  textChanged();
}

function stepContext() {
  const doc = state.doc || {};
  return {
    stepIds: (Array.isArray(doc.steps) ? doc.steps : []).map((s) => (s && s.id) || "?"),
    tools: Object.keys((doc.tools && typeof doc.tools === "object") ? doc.tools : {}),
    pipelines: state.pipelines.map((p) => p.name),
  };
}

function renderStepList() {
  const steps = state.doc && Array.isArray(state.doc.steps) ? state.doc.steps : [];
  const current = form && form.current ? form.current.index : null;
  $("step-list").replaceChildren(...steps.map((step, index) => el("li", {}, el("button", {
    type: "button", className: index === current ? "current" : "", dataset: { step: String(step && step.id) },
    onclick: () => openStep(step, index),
  }, `${(step && step.id) || "?"} · ${(step && step.kind) || "?"}`))));
}

/** Open the form on a step, and show the same step in the text. */
function openStep(step, index) {
  form.open(step, index, stepContext());
  renderStepList();
  const found = stepRanges(area.getValue());
  if (found && found.ranges[index]) area.revealLine(found.ranges[index][0] + 1);
  $("step-form").scrollIntoView({ block: "nearest" });
}

/** After the text changes: parse it for the form, keep an untouched open step form in sync, validate. */
function parseText() {
  try {
    const doc = jsyaml.load(area.getValue());
    state.doc = doc && typeof doc === "object" ? doc : null;
  } catch {
    state.doc = null;
  }
  $("add-step").disabled = !state.doc;
  if (form && form.current && form.current.index !== null && !form.dirty) {
    const steps = (state.doc && state.doc.steps) || [];
    const step = steps[form.current.index];
    if (step && step.kind) form.open(step, form.current.index, stepContext());
    else form.close();
  }
  renderStepList();
  if (repairForm && !repairForm.dirty) repairForm.load(state.doc, stepContext());
  if (state.doc && state.doc.inputs !== undefined) tryRun.setPipeline(state.name, state.doc.inputs || {});
}

function textChanged() {
  parseText();
  $("save").disabled = !state.name || area.getValue() === state.saved;
  validate();
}

async function validate() {
  const seq = ++state.validation;
  const text = area.getValue();
  let report;
  try {
    report = await api("POST", "/orchestrator/validate", { yaml: text });
  } catch (error) {
    if (seq === state.validation) setStatus("validity", errorText(error), false);
    return;
  }
  // A newer text is on its way to validation: its report will mark the right lines.
  if (seq !== state.validation || area.getValue() !== text) return;
  showErrors(report.errors || []);
  root.dataset.valid = String(Boolean(report.valid));
  setStatus("validity", report.valid ? "✓ YAML válido" : `✗ ${report.errors.length} error(es)`, report.valid);
  if (report.valid) preview(text);
  else $("preview").classList.add("stale");
}

function showErrors(errors) {
  area.mark(errors);
  $("errors").replaceChildren(...(errors.length ? errors.map((error) => el("li", {
    dataset: { line: String(error.line || 0) },
    onclick: () => error.line && area.revealLine(error.line, { select: true, column: error.column }),
  }, `${error.line ? `Línea ${error.line}${error.column ? `:${error.column}` : ""}` : "—"}: ${error.message}`))
    : [el("li", { className: "ok" }, "Sin errores.")]));
}

async function preview(text) {
  const seq = ++state.preview;
  const figure = $("preview");
  try {
    const response = await api("POST", root.dataset.previewUrl, { yaml: text, format: "svg" }, { raw: true });
    if (seq !== state.preview) return;
    await showSvg(figure, response);
    figure.classList.remove("stale");
    figure.dataset.version = String(seq);
    setStatus("preview-status", "");
  } catch (error) {
    if (seq !== state.preview) return;
    figure.classList.add("stale");
    setStatus("preview-status", errorText(error), false);
  }
}

async function save() {
  const name = state.doc && NAME.test(String(state.doc.name || "")) ? state.doc.name : state.name;
  const text = area.getValue();
  try {
    const body = await api("PUT", `/orchestrator/pipelines/${encodeURIComponent(name)}`, { yaml: text });
    state.saved = text;
    $("save").disabled = area.getValue() === state.saved;
    setStatus("save-status", `Guardado: versión ${body.version || "nueva"}.`, true);
    await loadList();
    setName(name);
    loadQuestions().catch(() => {});
  } catch (error) {
    const details = error.details;
    const errors = Array.isArray(details) ? details : (details && details.errors) || [];
    if (errors.length) showErrors(errors);
    setStatus("save-status", `No se ha guardado: ${errorText(error)}`, false);
  }
}

function writeStep(change) {
  try {
    const { text, rewritten } = changeSteps(area.getValue(), change);
    area.setValue(text);
    if (rewritten) setStatus("save-status", "Aviso: el YAML se ha reescrito entero y se han perdido los comentarios.");
    textChanged();
    return true;
  } catch (error) {
    $("step-error").textContent = `No se puede escribir en el YAML: ${error.reason || error.message}`;
    return false;
  }
}

/** Write the «Conversación» panel's `repair` and `questions` into the YAML text. */
function writeRepair({ repair, questions }) {
  try {
    const { text, rewritten } = changeTopKeys(area.getValue(), { questions, repair });
    area.setValue(text);
    if (rewritten) setStatus("save-status", "Aviso: el YAML se ha reescrito entero y se han perdido los comentarios.");
    textChanged();
    return true;
  } catch (error) {
    repairForm.fail(`No se puede escribir en el YAML: ${error.reason || error.message}`);
    return false;
  }
}

function selectTab(name) {
  for (const tab of TABS) {
    $(`tab-${tab}`).setAttribute("aria-selected", String(tab === name));
    $(`panel-${tab}`).hidden = tab !== name;
  }
}

async function start() {
  for (const tab of TABS) $(`tab-${tab}`).addEventListener("click", () => selectTab(tab));
  area.onChange(debounce(textChanged, 300));
  fitToggle($("preview-fit"), $("preview"));
  $("pick").addEventListener("change", (event) => {
    const text = area.getValue();
    if (state.saved !== text && text && !window.confirm("Hay cambios sin guardar. ¿Descartarlos?")) {
      event.target.value = state.name;
      return;
    }
    if (event.target.value) openPipeline(event.target.value);
  });
  $("create").addEventListener("click", createPipeline);
  $("save").addEventListener("click", save);
  try {
    const schema = await api("GET", "/orchestrator/schema");
    state.schema = schema;
    form = new StepForm(schema, $("step-form"), {
      onApply: (step, change) => {
        if (writeStep(change)) {
          form.open(step, change.index, stepContext());
          renderStepList();
        }
      },
      onRemove: (index) => { if (writeStep({ op: "remove", index })) { form.close(); renderStepList(); } },
    });
    repairForm = new RepairForm(schema, $("repair-form"), { onApply: writeRepair });
    $("new-kind").replaceChildren(...Object.keys(stepKinds(schema)).map((k) => el("option", { value: k }, k)));
    $("add-step").addEventListener("click", () => {
      form.open({ kind: $("new-kind").value }, null, stepContext());
      renderStepList();
    });
    await loadList();
    loadQuestions().catch(() => {});
  } catch (error) {
    setStatus("save-status", errorText(error), false);
  }
  root.dataset.ready = "true";
  if (root.dataset.selected) openPipeline(root.dataset.selected);
}

start();
