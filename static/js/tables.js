// Render a reply's `data` as tables: a list of objects, an order {customer, lines, total}, or any object.
import { el } from "./common.js";

const money = new Intl.NumberFormat("es-ES", { style: "currency", currency: "EUR" });
const HEADINGS = {
  sku: "SKU", product: "Producto", quantity: "Cantidad", unit_price: "Precio", subtotal: "Subtotal",
  customer: "Cliente", total: "Total", order_id: "Pedido",
};
const MONEY_KEYS = new Set(["unit_price", "subtotal", "total", "price", "precio"]);

function heading(key) {
  return HEADINGS[key] || key;
}

/** A cell's text: numbers as numbers (money for price columns), objects as compact JSON. */
export function cellText(key, value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" && MONEY_KEYS.has(key)) return money.format(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** True for the order object of alta_pedido / consulta_pedido. */
export function isOrder(data) {
  return isPlainObject(data) && Array.isArray(data.lines) && data.lines.every(isPlainObject);
}

function objectsTable(rows) {
  const keys = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  const numeric = new Set(keys.filter((k) => rows.every((r) => r[k] == null || typeof r[k] === "number")));
  return el("table", { className: "data" },
    el("thead", {}, el("tr", {}, keys.map((k) => el("th", { className: numeric.has(k) ? "num" : "" }, heading(k))))),
    el("tbody", {}, rows.map((row) => el("tr", {},
      keys.map((k) => el("td", { className: numeric.has(k) ? "num" : "" }, cellText(k, row[k])))))));
}

/** An object as a two-column table: one row per key. */
export function keyValueTable(object, className = "data") {
  return el("table", { className }, el("tbody", {}, Object.entries(object).map(([key, value]) =>
    el("tr", {}, el("th", {}, heading(key)), el("td", {}, cellText(key, value))))));
}

/**
 * The order as a customer line, a lines table and a total. With `edit` ({onQuantity, onRemove}) the quantity
 * cells are inputs and every line gets a remove button.
 */
export function orderView(order, edit = null) {
  const head = [];
  if (order.order_id !== undefined && order.order_id !== null) head.push(`Pedido ${order.order_id} · `);
  if (order.customer) head.push("Cliente: ", el("strong", {}, String(order.customer)));
  const columns = ["sku", "product", "quantity", "unit_price", "subtotal"];
  const rows = order.lines.map((line) => {
    const cells = columns.map((key) => {
      const numeric = ["quantity", "unit_price", "subtotal"].includes(key);
      if (key === "quantity" && edit) {
        const input = el("input", {
          type: "number", min: "1", step: "1", className: "qty", value: String(line.quantity ?? ""),
          "aria-label": `Cantidad de ${line.product}`,
          onchange: () => {
            const n = Number.parseInt(input.value, 10);
            if (Number.isInteger(n) && n >= 1 && n !== line.quantity) edit.onQuantity(line, n);
            else input.value = String(line.quantity ?? "");
          },
        });
        return el("td", { className: "num" }, input);
      }
      return el("td", { className: numeric ? "num" : "" }, cellText(key, line[key]));
    });
    if (edit) {
      cells.push(el("td", {}, el("button", {
        type: "button", className: "small danger", title: `Quitar ${line.product}`,
        "aria-label": `Quitar ${line.product}`, onclick: () => edit.onRemove(line),
      }, "Quitar")));
    }
    return el("tr", { dataset: { sku: String(line.sku ?? "") } }, cells);
  });
  const headers = columns.map((key) =>
    el("th", { className: ["quantity", "unit_price", "subtotal"].includes(key) ? "num" : "" }, heading(key)));
  if (edit) headers.push(el("th", {}, ""));
  const total = order.total !== undefined
    ? el("tfoot", {}, el("tr", {}, el("td", { colSpan: 4 }, "Total"),
      el("td", { className: "num total" }, cellText("total", order.total)), edit ? el("td", {}) : null))
    : null;
  return el("div", { className: "order" },
    head.length ? el("p", { className: "order-head" }, head) : null,
    el("table", { className: "data order-lines" }, el("thead", {}, el("tr", {}, headers)), el("tbody", {}, rows), total));
}

/** Any `data` value as DOM: order, list of objects, list of values, object, or text. */
export function renderData(data, edit = null) {
  if (data === null || data === undefined) return null;
  if (isOrder(data)) return orderView(data, edit);
  if (Array.isArray(data)) {
    if (data.length && data.every(isPlainObject)) return objectsTable(data);
    return el("ul", {}, data.map((item) => el("li", {}, cellText("", item))));
  }
  if (isPlainObject(data)) return keyValueTable(data);
  return el("p", {}, String(data));
}
