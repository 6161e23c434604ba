// A textarea with a line-number gutter whose lines can be marked with errors.
import { el } from "./common.js";

export class YamlArea {
  /** Wrap `textarea`, drawing line numbers into `gutter` (an <ol>). */
  constructor(textarea, gutter) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.marks = new Map();
    this.lineCount = 0;
    textarea.addEventListener("input", () => this.render());
    textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
    textarea.addEventListener("keydown", (event) => this.keydown(event));
    this.render();
  }

  get value() {
    return this.textarea.value;
  }

  /** Replace the text (keeps the cursor line when possible) and redraw the gutter. */
  set value(text) {
    const top = this.textarea.scrollTop;
    this.textarea.value = text;
    this.textarea.scrollTop = top;
    this.render();
  }

  /** Mark lines: `errors` is a list of {line, message}; line 0 (unknown) marks nothing. */
  mark(errors) {
    this.marks = new Map();
    for (const error of errors) {
      if (!error.line) continue;
      const list = this.marks.get(error.line) || [];
      list.push(error.message);
      this.marks.set(error.line, list);
    }
    this.render(true);
  }

  render(force = false) {
    const count = this.textarea.value.split("\n").length;
    if (count !== this.lineCount || force) {
      const items = [];
      for (let n = 1; n <= count; n += 1) {
        const messages = this.marks.get(n);
        items.push(el("li", {
          className: messages ? "error" : "", title: messages ? messages.join("\n") : null,
          dataset: { line: String(n) },
        }, String(n)));
      }
      this.gutter.replaceChildren(...items);
      this.lineCount = count;
    }
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  /** Scroll so that `line` (1-based) is near the top, without moving the focus. */
  reveal(line) {
    const lineHeight = Number.parseFloat(getComputedStyle(this.textarea).lineHeight) || 20;
    this.textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  /** Put the cursor at the start of `line` (1-based) and scroll it into view. */
  goTo(line) {
    const lines = this.textarea.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) offset += lines[i].length + 1;
    this.textarea.focus();
    this.textarea.setSelectionRange(offset, offset);
    this.reveal(line);
  }

  /** Tab inserts two spaces, as YAML wants spaces; after Escape, Tab moves the focus on as usual. */
  keydown(event) {
    if (event.key === "Escape") { this.released = true; return; }
    if (event.key !== "Tab" || this.released || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) {
      this.released = false;
      return;
    }
    event.preventDefault();
    const { selectionStart: start, selectionEnd: end } = this.textarea;
    this.textarea.setRangeText("  ", start, end, "end");
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
}
