// The chat page: sends messages to POST /chat (as a stream of progress events), renders replies (text, data tables,
// option buttons).
import { api, ApiError, CHAT_SESSION_KEY, el, errorText } from "./common.js";
import { isOrder, renderData } from "./tables.js";

const list = document.getElementById("messages");
const form = document.getElementById("chat-form");
const input = document.getElementById("chat-input");
const upload = document.getElementById("chat-upload");
const reset = document.getElementById("chat-reset");
// Messages may be typed while a reply is pending: each waits on the server for its turn (the session's inbox).
let inFlight = 0;
let sessionReady = Promise.resolve();

function sessionId() {
  return localStorage.getItem(CHAT_SESSION_KEY);
}

function remember(reply) {
  if (reply && typeof reply.session_id === "string") localStorage.setItem(CHAT_SESSION_KEY, reply.session_id);
}

function scrollDown() {
  list.scrollTop = list.scrollHeight;
}

/** Earlier replies' buttons and inline edits no longer apply once a new message is on its way. */
function retireOldReplies() {
  for (const item of list.querySelectorAll(".msg.bot:not(.stale)")) {
    item.classList.add("stale");
    for (const control of item.querySelectorAll("button, input")) control.disabled = true;
  }
}

function addMessage(who, text, extra = []) {
  const item = el("li", { className: `msg ${who}` }, el("div", { className: "text" }, text), extra);
  list.append(item);
  scrollDown();
  return item;
}

/** An order waiting for its confirmation can be edited inline. */
function isConfirmation(reply) {
  return reply.status === "waiting" && isOrder(reply.data)
    && (reply.options || []).some((o) => String(o).toLowerCase() === "sí");
}

/** «ver en el grafo» and «ver la conversación»: the reply's run in the graph viewer and as a transcript, pages that
 * read this session id to be allowed to see it. */
function runLinks(reply) {
  if (!reply.run_id || !reply.pipeline) return [];
  const params = new URLSearchParams({ run_id: reply.run_id, chat: "1" });
  return [
    el("a", { className: "graph-link", href: `/graph/${encodeURIComponent(reply.pipeline)}?${params}`,
      target: "_blank", rel: "noopener" }, "ver en el grafo"),
    " · ",
    el("a", { className: "graph-link transcript-link", href: `/runs/${encodeURIComponent(reply.run_id)}?chat=1`,
      target: "_blank", rel: "noopener" }, "ver la conversación"),
  ];
}

function replyNodes(reply) {
  const nodes = [];
  const edit = isConfirmation(reply) ? {
    onQuantity: (line, n) => send(`cambia ${line.product} a ${n}`),
    onRemove: (line) => send(`quita ${line.product}`),
  } : null;
  const data = renderData(reply.data, edit);
  if (data) nodes.push(el("div", { className: "data-view" }, data));
  const options = reply.options || [];
  if (options.length) {
    nodes.push(el("div", { className: "options", role: "group", "aria-label": "Opciones" },
      options.map((option) => el("button", { type: "button", onclick: () => send(String(option)) }, String(option)))));
  }
  const links = runLinks(reply);
  if (links.length) nodes.push(el("div", { className: "run-links" }, links));
  return nodes;
}

/** A reply takes its pending placeholder's place, so replies stay next to their messages whatever the order. */
function showReply(reply, pending) {
  remember(reply);
  const item = addMessage("bot", reply.reply || "", replyNodes(reply));
  pending.replaceWith(item);
  item.dataset.status = reply.status || "";
  if (reply.pipeline) item.dataset.pipeline = reply.pipeline;
  scrollDown();
}

function showError(error, pending) {
  pending.replaceWith(addMessage("bot error", errorText(error)));
}

/** An id for one message, kept across retries so the server answers it once. */
function newMessageId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Send again, with the same message id, when the network failed (not when the server answered an error). */
async function withRetries(call, pending) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(pending);
    } catch (error) {
      // a restarting server takes seconds: up to ~25 s in all, the same id each time
      if (error instanceof ApiError || attempt >= 6) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** Math.min(attempt, 4)));
    }
  }
}

/** While a turn runs: the step being run (a Spanish status line) and the model's tokens as they arrive. */
function showProgress(pending, event, data) {
  if (pending.classList.contains("queued")) {
    pending.classList.remove("queued");
    pending.querySelector(".text").textContent = "…";
  }
  if (event === "step" && data.phase === "start") {
    let line = pending.querySelector(".progress-step");
    if (!line) line = pending.appendChild(el("div", { className: "progress-step", role: "status" }));
    line.textContent = data.label || data.id;
    line.dataset.step = data.id;
    line.dataset.kind = data.kind;
  } else if (event === "token") {
    let tokens = pending.querySelector(".progress-tokens");
    if (!tokens) tokens = pending.appendChild(el("div", { className: "progress-tokens" }));
    tokens.textContent += data.text;
    tokens.scrollTop = tokens.scrollHeight;
  }
  scrollDown();
}

/** One `text/event-stream` block ("event: x\ndata: {…}") as [name, parsed data]. */
function parseEvent(block) {
  let name = "message";
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return data.length ? [name, JSON.parse(data.join("\n"))] : null;
}

/** POST /chat as Server-Sent Events (fetch, since EventSource cannot POST): progress on the way, the reply at the end. */
async function streamChat(body, pending) {
  const response = await fetch("/chat", {
    method: "POST", credentials: "same-origin", body: JSON.stringify(body),
    headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
  });
  if (!response.ok) {
    let parsed = null;
    try { parsed = await response.json(); } catch { parsed = null; }
    throw new ApiError(response.status, parsed);
  }
  if (!(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) return response.json();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop();
    for (const block of blocks) {
      const event = parseEvent(block);
      if (!event) continue;
      if (event[0] === "reply") return event[1];
      showProgress(pending, ...event);
    }
  }
  throw new Error("la respuesta se cortó antes de terminar");
}

async function exchange(userText, call, retry = false) {
  retireOldReplies();
  addMessage("user", userText);
  const pending = addMessage("bot pending", inFlight ? "En cola…" : "…");
  if (inFlight) pending.classList.add("queued");
  inFlight += 1;
  try {
    showReply(await (retry ? withRetries(call, pending) : call(pending)), pending);
  } catch (error) {
    showError(error, pending);
  } finally {
    inFlight -= 1;
    input.focus();
  }
}

/** Send one chat message (typed, or from an option button / an inline edit). */
export function send(text) {
  const message = String(text).trim();
  if (!message) return Promise.resolve();
  const body = { message, message_id: newMessageId() };
  const ready = sessionReady;
  const done = exchange(message, async (pending) => {
    await ready; // the first message of a new session brings its id back: the next ones wait for it
    const session = sessionId();
    if (session) body.session_id = session;
    return streamChat(body, pending);
  }, true);
  if (!sessionId()) sessionReady = done;
  return done;
}

function sendFile(file) {
  const data = new FormData();
  data.append("file", file);
  const session = sessionId();
  if (session) data.append("session_id", session);
  return exchange(`📎 ${file.name}`, () => api("POST", "/chat/upload", data));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = "";
  send(text);
});

upload.addEventListener("change", () => {
  const file = upload.files && upload.files[0];
  upload.value = "";
  if (file) sendFile(file);
});

reset.addEventListener("click", () => {
  localStorage.removeItem(CHAT_SESSION_KEY);
  retireOldReplies();
  addMessage("bot", "Conversación nueva. ¿En qué te ayudo?");
});

input.focus();
