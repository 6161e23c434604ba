// A run as a conversation (GET /orchestrator/runs/<id>/transcript): every message and how it was read, what each
// turn ran, said and asked, the slot values after it; beside it the graph with the path lit; saved as a test;
// a new run from any of its questions («Retomar desde aquí»).
/* global jsyaml */
import { api, CHAT_SESSION_KEY, el, errorText, showSvg, statusBadge } from "./common.js";
import { keyValueTable } from "./tables.js";
import { expectationsOf, runCommand, slug } from "./try_tests.js";

const page = document.getElementById("run-page");
const runId = page.dataset.runId;
const message = document.getElementById("run-message");
const COMMANDS = {
  answer: "respuesta", cancel: "cancelar", help: "ayuda", correct: "corrección", digress: "desvío",
  choose: "elección", affirm: "sí", deny: "no", keep: "mantener", ambiguous: "dudosa",
};
const confidence = new Intl.NumberFormat("es-ES", { maximumFractionDigits: 2 });

/** Opened from the chat (`?chat=1`): send the chat's session id, which the API accepts to read that chat's run. */
function chatHeaders() {
  const fromChat = new URLSearchParams(window.location.search).get("chat") === "1";
  const session = fromChat ? localStorage.getItem(CHAT_SESSION_KEY) : null;
  return session ? { "X-Chat-Session": session } : {};
}
const headers = chatHeaders();

function startText(transcript, entry) {
  const args = Object.fromEntries(Object.entries(entry.args || {}).filter(([, v]) => v !== null && v !== undefined));
  return runCommand(transcript.pipeline, args);
}

function userItem(text, reading) {
  return el("li", { className: "msg user", dataset: { entry: "user" } }, el("div", { className: "text" }, text),
    reading ? el("div", { className: "reading" }, reading) : null);
}

function turnItem(entry) {
  const text = [...entry.said, entry.question].filter(Boolean).join("\n");
  const details = el("details", {}, el("summary", {}, "Pasos y valores"),
    el("div", { className: "turn-steps" }, `Pasos: ${entry.steps.join(" → ") || "—"}`),
    keyValueTable(entry.values));
  const options = entry.options.length ? el("div", { className: "reading" }, `Opciones: ${entry.options.join(" · ")}`)
    : null;
  const fork = entry.checkpoint_id ? el("button", {
    type: "button", className: "small secondary fork", onclick: () => forkFrom(entry.checkpoint_id),
  }, "Retomar desde aquí") : null;
  return el("li", { className: "msg bot", dataset: { entry: "turn", step: entry.step || "" } },
    el("div", { className: "text" }, text || "…"), options, details, fork);
}

/** «Retomar desde aquí»: a new run of this conversation from that question; its page opens (the chat goes on in
 * it too: the run forked from, if waiting, is cancelled). */
async function forkFrom(checkpointId) {
  try {
    const forked = await api("POST", `/orchestrator/runs/${encodeURIComponent(runId)}/fork`,
      { checkpoint_id: checkpointId }, { headers });
    const query = headers["X-Chat-Session"] ? "?chat=1" : "";
    window.location.assign(`/runs/${encodeURIComponent(forked.run_id)}${query}`);
  } catch (error) {
    message.textContent = errorText(error);
  }
}

function entryItem(transcript, entry) {
  if (entry.type === "start" && entry.forked_from) {
    return el("li", { className: "repair-note", dataset: { entry: "start" } },
      "Retomada desde una pregunta de otra ejecución: ",
      el("a", { href: `/runs/${encodeURIComponent(entry.forked_from)}${window.location.search}` }, "ver la original"));
  }
  if (entry.type === "start") return userItem(startText(transcript, entry), "inicio de la ejecución");
  if (entry.type === "user") {
    const read = COMMANDS[entry.command] || entry.command;
    const sure = entry.confidence === null ? "" : ` (confianza ${confidence.format(entry.confidence)})`;
    return userItem(entry.text, `leído como «${read}»${sure}`);
  }
  if (entry.type === "repair") {
    const what = entry.detail && entry.detail.slot ? ` de «${entry.detail.slot}»` : "";
    return el("li", { className: "repair-note", dataset: { entry: "repair" } },
      `Reparación: ${COMMANDS[entry.command] || entry.command}${what}`);
  }
  if (entry.type === "turn") return turnItem(entry);
  return el("li", { className: "repair-note", dataset: { entry: "end" } }, "Fin: ", statusBadge(entry.status));
}

/**
 * The transcript as a dialog test: each message the user sent (the start as its `!run`) with what came back —
 * the question the next turn asks, or how the run ended.
 */
export function dialogOf(transcript) {
  const turns = [];
  let pending = null;
  const close = (expect) => { if (pending !== null) turns.push({ user: pending, expect }); pending = null; };
  const turnsLeft = transcript.entries.filter((e) => e.type === "turn").length;
  let seen = 0;
  for (const entry of transcript.entries) {
    if (entry.type === "start" || entry.type === "user") {
      close({ status: "waiting" });  // a message that changed nothing (help, «no lo cancelo»): the run kept waiting
      pending = entry.type === "start" ? startText(transcript, entry) : entry.text;
    } else if (entry.type === "turn" && (entry.question || entry.said.length)) {
      seen += 1;
      const last = seen === turnsLeft && !entry.question;
      close(expectationsOf({
        status: entry.question ? "waiting" : transcript.status, question: entry.question,
        message: entry.said.join("\n"), options: entry.options, output: last ? transcript.output : null,
      }));
    } else if (entry.type === "turn") {
      seen += 1;
    } else if (entry.type === "end") {
      close({ status: entry.status });
    }
  }
  return { name: slug(`${transcript.pipeline} ${runId.slice(0, 6)}`), turns };
}

async function load() {
  let transcript;
  try {
    transcript = await api("GET", `/orchestrator/runs/${encodeURIComponent(runId)}/transcript`, undefined, { headers });
  } catch (error) {
    message.textContent = errorText(error);
    return;
  }
  document.getElementById("run-pipeline").textContent = transcript.pipeline;
  document.getElementById("run-badge").replaceChildren(statusBadge(transcript.status));
  document.getElementById("transcript").replaceChildren(...transcript.entries.map((e) => entryItem(transcript, e)));
  const form = document.getElementById("save-test");
  // A forked run starts half-way: as a test it would need the original's start, so it is saved from there.
  form.hidden = transcript.entries.some((entry) => entry.type === "start" && entry.forked_from);
  const dialog = dialogOf(transcript);
  document.getElementById("save-test-name").value = dialog.name;
  form.addEventListener("submit", (event) => { event.preventDefault(); save(transcript, dialog); });
  page.dataset.loaded = "1";
  const params = new URLSearchParams({ format: "svg", run_id: runId });
  try {
    const url = `/orchestrator/pipelines/${encodeURIComponent(transcript.pipeline)}/graph?${params}`;
    await showSvg(document.getElementById("run-graph"), await api("GET", url, undefined, { raw: true, headers }));
  } catch (error) {
    message.textContent = errorText(error);
  }
}

async function save(transcript, dialog) {
  const status = document.getElementById("save-test-status");
  const name = document.getElementById("save-test-name").value.trim();
  const text = jsyaml.dump({ name, turns: dialog.turns }, { lineWidth: -1 });
  try {
    const saved = await api("PUT",
      `/orchestrator/pipelines/${encodeURIComponent(transcript.pipeline)}/tests/${encodeURIComponent(name)}`,
      { yaml: text });
    status.textContent = `Prueba «${saved.name}» guardada (${saved.turns} turnos).`;
    status.className = "status-ok";
  } catch (error) {
    status.textContent = `No se ha podido guardar: ${errorText(error)}`;
    status.className = "status-bad";
  }
}

load();
