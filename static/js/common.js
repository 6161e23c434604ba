// Small helpers shared by the pages: DOM building (text only, never HTML strings), JSON calls, SVG inlining.

/** Build an element; `attrs` keys starting with "on" add listeners, children may be strings (set as text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An error carrying the API's `{"error": {"code", "message", "details"}}` body and the HTTP status. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || "http_error";
    this.details = error.details;
  }
}

const TOKEN_KEY = "t7.api_token";

/** When the server wants an API token (401), show the header's token form; the token lives in sessionStorage. */
function askForToken() {
  const form = document.getElementById("token-form");
  if (!form || !form.hidden) return;
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, form.elements.token.value.trim());
    window.location.reload();
  }, { once: true });
}

/** Where the chat page keeps its session id (the graph viewer reads it to follow a chat's run). */
export const CHAT_SESSION_KEY = "t7.session_id";

/** Call a JSON endpoint; resolves with the parsed body, rejects with ApiError on a non-2xx status. */
export async function api(method, url, body, { raw = false, headers = {} } = {}) {
  const init = { method, headers: { ...headers, Accept: "application/json" }, credentials: "same-origin" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (!response.ok) {
    let parsed = null;
    try { parsed = await response.json(); } catch { parsed = null; }
    if (response.status === 401) askForToken();
    throw new ApiError(response.status, parsed);
  }
  if (raw) return response;
  return response.json();
}

/** `fn` called once calls stop for `ms` milliseconds. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Parse SVG text and drop anything active (scripts, foreign HTML, event handlers, script URLs). */
export function safeSvg(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== SVG_NS || root.localName !== "svg") throw new Error("la respuesta no es un SVG");
  for (const bad of root.querySelectorAll("script, foreignObject, iframe, object, embed")) bad.remove();
  for (const node of [root, ...root.querySelectorAll("*")]) {
    for (const attr of [...node.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith("on") || ((name === "href" || name.endsWith(":href")) && !value.startsWith("#"))) {
        node.removeAttribute(attr.name);
      }
    }
  }
  return document.importNode(root, true);
}

/** Fetch an SVG picture and put it, sanitised, into `figure` (replacing what was there). */
export async function showSvg(figure, response) {
  const text = await response.text();
  figure.replaceChildren(safeSvg(text));
}

const STATUS_LABELS = {
  waiting: "esperando respuesta", running: "en curso", completed: "completado", failed: "fallido",
  cancelled: "cancelado", idle: "sin ejecución",
};

/** A run status as a coloured badge with its Spanish label (the raw status stays in data-status). */
export function statusBadge(status, attrs = {}) {
  return el("span", { ...attrs, className: `badge ${status}`, dataset: { status } }, STATUS_LABELS[status] || status);
}

/** A checkbox that switches a picture between fitting its box and its natural size (scrolling). */
export function fitToggle(checkbox, figure) {
  checkbox.addEventListener("change", () => figure.classList.toggle("fit", checkbox.checked));
}

/** The user-facing text of any error thrown by `api`. */
export function errorText(error) {
  if (error instanceof ApiError) return error.message;
  return `No hay conexión con el servidor (${error.message || error}).`;
}
