// The graph viewer: the pipeline's picture, optionally following a run (highlight, status, steps, data).
import { api, CHAT_SESSION_KEY, el, errorText, fitToggle, showSvg, statusBadge } from "./common.js";
import { keyValueTable, renderData } from "./tables.js";

const POLL_MS = 2000;
const LIVE = new Set(["running", "waiting"]);
const page = document.getElementById("graph-page");
const figure = document.getElementById("graph");
const message = document.getElementById("graph-message");
const expand = document.getElementById("graph-expand");
const pick = document.getElementById("graph-pick");
const name = page.dataset.name;
const runId = page.dataset.runId || "";
let lastKey = null;

/** Opened from the chat (`&chat=1`): send the chat's session id, which the API accepts to read that chat's run. */
function chatHeaders() {
  const fromChat = new URLSearchParams(window.location.search).get("chat") === "1";
  const session = runId && fromChat ? localStorage.getItem(CHAT_SESSION_KEY) : null;
  return session ? { "X-Chat-Session": session } : {};
}
const headers = chatHeaders();

function graphUrl() {
  const params = new URLSearchParams({ format: "svg" });
  if (runId) params.set("run_id", runId);
  if (expand.checked) params.set("expand", "1");
  return `/orchestrator/pipelines/${encodeURIComponent(name)}/graph?${params}`;
}

async function loadGraph() {
  message.textContent = "Cargando…";
  try {
    await showSvg(figure, await api("GET", graphUrl(), undefined, { raw: true, headers }));
    message.textContent = "";
    page.dataset.graphLoaded = String(Number(page.dataset.graphLoaded || 0) + 1);
  } catch (error) {
    message.textContent = errorText(error);
  }
}

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

function showRun(run) {
  const status = document.getElementById("run-status");
  status.replaceChildren(statusBadge(run.status));
  setText("run-step", run.current_step || "—");
  setText("run-version", run.pipeline_version || "—");
  const question = document.getElementById("run-question");
  question.replaceChildren();
  if (run.status === "waiting" && run.question) {
    question.append(el("p", {}, run.question));
    if ((run.options || []).length) question.append(el("p", { className: "muted" }, `Opciones: ${run.options.join(" · ")}`));
  }
  if (run.error) question.append(el("p", { className: "status-bad" }, run.error.message || run.error.code));
  const steps = [...(run.steps_done || [])];
  document.getElementById("run-steps").replaceChildren(...steps.map((step) => el("li", {}, step)),
    ...(run.current_step ? [el("li", { className: "current" }, `${run.current_step} (ahora)`)] : []));
  const state = run.state && typeof run.state === "object" && Object.keys(run.state).length ? run.state : null;
  document.getElementById("run-state").replaceChildren(state
    ? keyValueTable(state, "data state") : el("p", { className: "muted" }, "Sin valores todavía."));
  const shown = [run.data, run.output].filter((v) => v !== null && v !== undefined);
  document.getElementById("run-data").replaceChildren(...(shown.length
    ? shown.map((value) => renderData(value)) : [el("p", { className: "muted" }, "Sin datos todavía.")]));
  page.dataset.runStatus = run.status;
}

async function poll() {
  try {
    const run = await api("GET", `/orchestrator/run_status/${encodeURIComponent(runId)}`, undefined, { headers });
    showRun(run);
    const key = `${run.status}|${run.current_step}|${(run.steps_done || []).length}`;
    if (key !== lastKey) {
      if (lastKey !== null) await loadGraph();
      lastKey = key;
    }
    if (LIVE.has(run.status)) setTimeout(poll, POLL_MS);
  } catch (error) {
    setText("run-status", errorText(error));
  }
}

expand.addEventListener("change", loadGraph);
fitToggle(document.getElementById("graph-fit"), figure);
pick.addEventListener("change", () => {
  window.location.assign(`/graph/${encodeURIComponent(pick.value)}`);
});

loadGraph();
if (runId) poll();
