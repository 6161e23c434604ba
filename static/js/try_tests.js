// The «Probar» tab's tests: save the conversation just tried as a dialog test file, list and run the saved ones.
/* global jsyaml */
import { api, el, errorText } from "./common.js";

const TEST_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** `!run NAME k=v k="v with spaces"`: the chat command that starts the run the way Probar started it. */
export function runCommand(name, args) {
  const words = Object.entries(args).map(([key, value]) => {
    const text = typeof value === "object" ? JSON.stringify(value) : String(value);
    return /^[^\s"'\\#]+$/.test(text) ? `${key}=${text}` : `${key}="${text.replace(/[\\"$`]/g, "\\$&")}"`;
  });
  return ["!run", name, ...words].join(" ");
}

/** A part of what the run said that should say the same on the demo data: its longest piece without digits. */
export function stablePart(text) {
  const pieces = String(text || "").split(/[\d\n.!?¿¡…:;«»()"]+/)
    .map((piece) => piece.replace(/^[\s,'-]+|[\s,'-]+$/g, ""))
    .filter((piece) => piece.length >= 6);
  const longest = pieces.reduce((best, piece) => (piece.length > best.length ? piece : best), "");
  return longest.length > 60 ? longest.slice(0, 60).replace(/\s+\S*$/, "") : longest;
}

/** What a turn's answer must show again: its status, first option, a stable part of what it said, the order. */
export function expectationsOf(run) {
  const expect = { status: run.status };
  if ((run.options || []).length) expect.options_first = String(run.options[0]);
  const said = stablePart(run.status === "waiting" ? run.question : run.message);
  if (said) expect.reply_contains = [said];
  const order = run.status === "completed" ? (run.output || run.data) : null;
  if (order && Number.isInteger(order.order_id) && typeof order.customer === "string" && Array.isArray(order.lines)) {
    const lines = {};
    for (const line of order.lines) lines[line.product] = (lines[line.product] || 0) + Number(line.quantity);
    expect.order = { customer: order.customer, lines };
  }
  return expect;
}

/** A test name from a text: lower case, no accents, words joined by "_". */
export function slug(text) {
  const plain = String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  return plain.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 48) || "prueba";
}

const KIND_NAMES = { step: "pasos", branch: "ramas", correction: "correcciones", edit: "cambios al confirmar" };

export class SavedTests {
  constructor(box) {
    this.box = box;
    this.name = "";
    this.turns = [];
    this.nameBox = el("input", { id: "test-name", placeholder: "nombre_de_la_prueba", "aria-label": "Nombre de la prueba" });
    this.saveButton = el("button", { type: "submit", id: "test-save", disabled: true }, "Guardar como prueba");
    this.status = el("p", { id: "test-status", role: "status", className: "muted" },
      "Prueba una conversación y guárdala como prueba.");
    this.runButton = el("button", { type: "button", id: "tests-run", className: "secondary", onclick: () => this.run() },
      "Ejecutar pruebas guardadas");
    this.list = el("ul", { id: "test-list", className: "test-list" });
    this.coverage = el("p", { id: "test-coverage", className: "muted" });
    this.onCoverage = () => {};
    const form = el("form", { className: "answer", onsubmit: (event) => { event.preventDefault(); this.save(); } },
      this.nameBox, this.saveButton);
    box.replaceChildren(el("h3", {}, "Pruebas"), form, this.status, el("div", { className: "toolbar" }, this.runButton),
      this.coverage, this.list);
  }

  /** Another pipeline: forget the conversation, list that pipeline's saved tests. */
  setPipeline(name) {
    if (name === this.name) return;
    this.name = name;
    this.nameBox.value = "";
    this.restart();
    this.refresh();
  }

  /** A new conversation begins (the run was started again). */
  restart() {
    this.turns = [];
    this.saveButton.disabled = true;
  }

  /** One turn of the conversation: the message the chat would have received and what came back. */
  record(user, run) {
    this.turns.push({ user, expect: expectationsOf(run) });
    this.saveButton.disabled = false;
    if (!this.nameBox.value) this.nameBox.value = slug(`${this.name} ${user.replace(/^!run\s+\S+/, "")}`);
  }

  async refresh(results = null) {
    if (!this.name) { this.list.replaceChildren(); return; }
    let listed;
    try {
      listed = (await api("GET", `/orchestrator/pipelines/${encodeURIComponent(this.name)}/tests`)).tests;
    } catch {
      this.list.replaceChildren();  // a pipeline not saved yet has no tests
      return;
    }
    const byFile = new Map((results || []).map((result) => [result.file.replace(/\.ya?ml$/, ""), result]));
    this.list.replaceChildren(...listed.map((test) => this.item(test, byFile.get(test.name))));
  }

  item(test, result) {
    const parts = [el("strong", {}, test.name), " ", el("span", { className: "muted" }, `${test.turns} turnos`)];
    if (test.error) parts.push(" ", el("span", { className: "status-bad" }, `no se puede leer: ${test.error}`));
    if (result) {
      parts.unshift(el("span", { className: result.passed ? "status-ok" : "status-bad",
        dataset: { result: result.passed ? "pass" : "fail" } }, result.passed ? "pasa" : "falla"), " ");
      const diff = result.difference;
      if (diff) {
        parts.push(el("div", { className: "message" }, `Turno ${diff.turn} «${diff.user}»`),
          el("div", { className: "message" }, `esperado: ${diff.expected}`),
          el("div", { className: "message" }, `llegó: ${diff.got}`));
      } else if (result.error) {
        parts.push(el("div", { className: "message status-bad" }, result.error));
      }
    }
    return el("li", { dataset: { test: test.name } }, ...parts);
  }

  async save() {
    const testName = this.nameBox.value.trim();
    if (!TEST_NAME.test(testName)) {
      this.say("El nombre solo puede tener minúsculas, cifras, «_» y «-» (empezando por letra o cifra).", true);
      return;
    }
    const text = jsyaml.dump({ name: testName, turns: this.turns }, { lineWidth: -1 });
    try {
      const saved = await api("PUT",
        `/orchestrator/pipelines/${encodeURIComponent(this.name)}/tests/${encodeURIComponent(testName)}`, { yaml: text });
      this.say(`Prueba «${saved.name}» guardada (${saved.turns} turnos).`);
      await this.refresh();
    } catch (error) {
      this.say(`No se ha podido guardar: ${errorText(error)}`, true);
    }
  }

  async run() {
    this.runButton.disabled = true;
    this.say("Ejecutando las pruebas…");
    try {
      const report = await api("POST", `/orchestrator/pipelines/${encodeURIComponent(this.name)}/test_runs`);
      this.say(`${report.passed} pasan, ${report.failed} fallan.`, report.failed > 0);
      this.showCoverage(report.coverage);
      await this.refresh(report.results);
    } catch (error) {
      this.say(`No se han podido ejecutar: ${errorText(error)}`, true);
    } finally {
      this.runButton.disabled = false;
    }
  }

  /** The covered share by kind under the status line; the targets missed go to `onCoverage` (the YAML gutter). */
  showCoverage(coverage) {
    if (!coverage) {
      this.coverage.textContent = "";
      this.onCoverage([]);
      return;
    }
    const kinds = Object.keys(KIND_NAMES).filter((kind) => coverage.by_kind[kind])
      .map((kind) => `${KIND_NAMES[kind]} ${coverage.by_kind[kind].covered}/${coverage.by_kind[kind].total}`).join(", ");
    const share = new Intl.NumberFormat("es-ES", { style: "percent", maximumFractionDigits: 1 }).format(coverage.covered);
    this.coverage.textContent = `Cobertura: ${share} (${kinds}).`
      + (coverage.missed.length ? " Lo que ninguna prueba visita está marcado en el margen del YAML." : "");
    this.coverage.dataset.covered = String(coverage.covered);
    this.onCoverage(coverage.missed);
  }

  say(text, bad = false) {
    this.status.textContent = text;
    this.status.className = bad ? "status-bad" : "muted";
  }
}
