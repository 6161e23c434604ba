// The insights page: how one pipeline's conversations went over a period (GET /orchestrator/insights), as charts
// (Chart.js, bundled in static/vendor/) and tables, each table exported as CSV in the browser.
import { Chart } from "../vendor/chart.bundle.js";
import { api, el, errorText } from "./common.js";

const page = document.getElementById("insights-page");
const pick = document.getElementById("insights-pipeline");
const days = document.getElementById("insights-days");
const message = document.getElementById("insights-message");
const charts = {};
let tables = {};

const OUTCOMES = [
  ["started", "Iniciadas"], ["completed", "Completadas"], ["cancelled", "Canceladas"], ["failed", "Fallidas"],
  ["abandoned", "Abandonadas"], ["waiting", "En curso"],
];
// The reader's commands and the repairs, as the page names them.
const COMMANDS = {
  cancel: "cancelar", help: "ayuda", correct: "corrección", digress: "desvío", choose: "elección", keep: "mantener",
  affirm: "sí", deny: "no", answer: "respuesta", ambiguous: "dudosa",
};
const number = new Intl.NumberFormat("es-ES", { maximumFractionDigits: 2 });

/** Seconds as «1 min 5 s» / «12 s». */
function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${number.format(seconds)} s`;
}

/** The tables of a report: column titles and rows of cell values, as shown and as exported. */
function tablesOf(report) {
  return {
    runs: {
      columns: ["Resultado", "Ejecuciones"],
      rows: OUTCOMES.map(([key, label]) => [label, report.runs[key]]),
    },
    funnel: {
      columns: ["Pregunta", "Alcanzada", "Respondida", "Abandonada"],
      rows: report.funnel.map((f) => [f.step, f.reached, f.answered, f.abandoned]),
    },
    repairs: {
      columns: ["Pregunta", "Reparación", "Veces"],
      rows: report.repairs.map((r) => [r.step, COMMANDS[r.command] || r.command, r.count]),
    },
    lowest_confidence: {
      columns: ["Confianza", "Pregunta", "Lectura", "Mensaje", "Ejecución"],
      rows: report.lowest_confidence.map((r) => [
        r.confidence, r.step || "", COMMANDS[r.command] || r.command || "", r.text || "", r.run_id,
      ]),
    },
  };
}

function renderTable(key, { columns, rows }) {
  const box = document.getElementById(`table-${key}`);
  if (!rows.length) {
    box.replaceChildren(el("p", { className: "muted" }, "Sin datos en este periodo."));
    return;
  }
  const head = el("tr", {}, columns.map((c) => el("th", {}, c)));
  const body = rows.map((row) => el("tr", {}, row.map((cell) => el(
    "td", { className: typeof cell === "number" ? "num" : undefined },
    typeof cell === "number" ? number.format(cell) : cell,
  ))));
  box.replaceChildren(el("table", { className: "data", dataset: { table: key } }, el("thead", {}, head),
    el("tbody", {}, body)));
}

function barChart(id, labels, datasets) {
  charts[id]?.destroy();
  charts[id] = new Chart(document.getElementById(id), {
    type: "bar",
    data: { labels, datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: datasets.length > 1 } },
    },
  });
}

function render(report) {
  tables = tablesOf(report);
  for (const [key, table] of Object.entries(tables)) renderTable(key, table);
  document.getElementById("median-turns").textContent =
    report.median_turns === null ? "—" : number.format(report.median_turns);
  document.getElementById("median-time").textContent = duration(report.median_seconds);
  barChart("chart-runs", OUTCOMES.map(([, label]) => label),
    [{ label: "Ejecuciones", data: OUTCOMES.map(([key]) => report.runs[key]), backgroundColor: "#5b7fd6" }]);
  const steps = report.funnel.map((f) => f.step);
  barChart("chart-funnel", steps, [
    { label: "Alcanzada", data: report.funnel.map((f) => f.reached), backgroundColor: "#5b7fd6" },
    { label: "Respondida", data: report.funnel.map((f) => f.answered), backgroundColor: "#3a9a5b" },
    { label: "Abandonada", data: report.funnel.map((f) => f.abandoned), backgroundColor: "#c4483e" },
  ]);
}

async function load() {
  if (!pick.value) {
    message.textContent = "No hay pipelines.";
    return;
  }
  message.textContent = "Cargando…";
  const params = new URLSearchParams({ pipeline: pick.value, days: days.value });
  try {
    render(await api("GET", `/orchestrator/insights?${params}`));
    message.textContent = "";
    page.dataset.loaded = String(Number(page.dataset.loaded || 0) + 1);
  } catch (error) {
    message.textContent = errorText(error);
  }
}

/** One CSV field: quoted when it holds a separator, a quote or a line break; a leading = + - @ cannot start a
 * formula in a spreadsheet. */
function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function exportCsv(key) {
  const table = tables[key];
  if (!table) return;
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvField).join(","));
  const blob = new Blob([`${lines.join("\r\n")}\r\n`], { type: "text/csv;charset=utf-8" });
  const link = el("a", { href: URL.createObjectURL(blob), download: `${pick.value}-${key}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

pick.addEventListener("change", load);
days.addEventListener("change", load);
document.getElementById("insights-reload").addEventListener("click", load);
for (const button of document.querySelectorAll("[data-export]")) {
  button.addEventListener("click", () => exportCsv(button.dataset.export));
}
load();
