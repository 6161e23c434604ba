// The editor's try-run panel: start the saved pipeline with arguments, answer its questions, save it as a test.
/* global jsyaml */
import { api, el, errorText, statusBadge } from "./common.js";
import { renderData } from "./tables.js";
import { SavedTests, runCommand } from "./try_tests.js";

function coerce(type, text) {
  if (type === "integer" || type === "number") {
    const n = Number(text);
    if (Number.isNaN(n)) throw new Error(`«${text}» no es un número`);
    return n;
  }
  if (type === "list" || type === "object") return jsyaml.load(text);
  return text;
}

export class TryRun {
  constructor(form, result) {
    this.form = form;
    this.result = result;
    let box = document.getElementById("run-tests");
    if (!box) {
      box = el("section", { id: "run-tests", className: "run-tests" });
      result.after(box);
    }
    this.tests = new SavedTests(box);
    this.name = "";
    this.inputs = {};
    form.addEventListener("submit", (event) => { event.preventDefault(); this.start(); });
  }

  /** Rebuild the argument fields for pipeline `name` with its declared `inputs`, keeping values typed so far. */
  setPipeline(name, inputs) {
    const typed = {};
    for (const field of this.form.querySelectorAll("[data-input]")) {
      typed[field.dataset.input] = field.type === "checkbox" ? field.checked : field.value;
    }
    if (name !== this.name) this.result.hidden = true;
    this.name = name;
    this.inputs = inputs || {};
    this.tests.setPipeline(name);
    const rows = Object.entries(this.inputs).flatMap(([key, spec]) => {
      const type = (spec && spec.type) || "string";
      const id = `arg-${key}`;
      const control = type === "boolean"
        ? el("input", { id, type: "checkbox", dataset: { input: key }, checked: Boolean(typed[key]) })
        : el("input", { id, dataset: { input: key }, value: typeof typed[key] === "string" ? typed[key] : "",
          placeholder: (spec && spec.description) || type });
      return [el("label", { for: id }, key), control];
    });
    this.form.replaceChildren(...rows,
      el("span", {}), el("div", {}, el("button", { type: "submit", id: "run-start", disabled: !name }, "Ejecutar")));
  }

  args() {
    const args = {};
    for (const field of this.form.querySelectorAll("[data-input]")) {
      const key = field.dataset.input;
      const type = (this.inputs[key] || {}).type || "string";
      if (field.type === "checkbox") args[key] = field.checked;
      else if (field.value.trim() !== "") args[key] = coerce(type, field.value);
    }
    return args;
  }

  async start() {
    let args;
    try {
      args = this.args();
    } catch (error) {
      this.showError(error.message);
      return;
    }
    await this.call(() => api("POST", "/orchestrator/run_chain", { pipeline: this.name, args }),
      runCommand(this.name, args), true);
  }

  async answer(runId, answer) {
    await this.call(() => api("POST", `/orchestrator/resume/${encodeURIComponent(runId)}`, { answer }), String(answer));
  }

  /** Make the call; a turn that came back is also a turn of the conversation a test can be saved from. */
  async call(request, user, fresh = false) {
    for (const button of this.result.querySelectorAll("button")) button.disabled = true;
    try {
      const run = await request();
      if (fresh) this.tests.restart();
      this.tests.record(user, run);
      this.show(run);
    } catch (error) {
      this.showError(errorText(error));
    }
  }

  showError(message) {
    this.result.hidden = false;
    this.result.replaceChildren(el("p", { className: "status-bad", role: "alert" }, message));
  }

  /** A run result: status, what it said, its question with options and an answer box, data, output. */
  show(run) {
    const parts = [el("p", {}, statusBadge(run.status, { id: "run-status-badge" }), " ",
      el("a", { href: `/graph/${encodeURIComponent(run.pipeline)}?run_id=${encodeURIComponent(run.run_id)}`,
        target: "_blank", rel: "noopener" }, "ver en el grafo"))];
    if (run.message) parts.push(el("p", { className: "message" }, run.message));
    if (run.status === "waiting") {
      parts.push(el("p", { className: "question" }, run.question || ""));
      if ((run.options || []).length) {
        parts.push(el("div", { className: "options" }, run.options.map((option) =>
          el("button", { type: "button", className: "secondary", onclick: () => this.answer(run.run_id, option) },
            String(option)))));
      }
      const box = el("input", { id: "run-answer", placeholder: "Tu respuesta", "aria-label": "Respuesta" });
      const form = el("form", { className: "answer", onsubmit: (event) => {
        event.preventDefault();
        this.answer(run.run_id, box.value);
      } }, box, el("button", { type: "submit", id: "run-reply" }, "Responder"));
      parts.push(form);
    }
    const data = renderData(run.data);
    if (data) parts.push(data);
    if (run.output) parts.push(el("h3", {}, "Salida"), el("pre", { className: "json", id: "run-output" }, JSON.stringify(run.output, null, 2)));
    if (run.error) parts.push(el("p", { className: "status-bad" }, run.error.message || run.error.code));
    this.result.hidden = false;
    this.result.replaceChildren(...parts);
    const answerBox = this.result.querySelector("#run-answer");
    if (answerBox) answerBox.focus();
  }
}
