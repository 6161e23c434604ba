// The pipeline's YAML in a CodeMirror 6 editor: highlighting, lint markers from the server's validation report,
// completion from the JSON Schema and the document, gutter marks on what no test covers. A small API
// (getValue/setValue/onChange/focus/revealLine/mark/markUncovered) so the rest of the editor does not need to know
// CodeMirror.
import {
  Annotation, EditorState, EditorView, autocompletion, bracketMatching, closeBrackets, closeBracketsKeymap,
  completionKeymap, defaultHighlightStyle, defaultKeymap, drawSelection, highlightActiveLine,
  highlightActiveLineGutter, highlightSelectionMatches, highlightSpecialChars, history, historyKeymap, indentOnInput,
  indentUnit, indentWithTab, keymap, lintGutter, lintKeymap, lineNumbers, placeholder, searchKeymap, setDiagnostics,
  syntaxHighlighting, yaml,
} from "../vendor/codemirror.bundle.js";
import { completePipeline } from "./yaml_completion.js";

/** CodeMirror's own texts, in Spanish. */
const PHRASES = {
  Find: "Buscar", Replace: "Reemplazar", next: "siguiente", previous: "anterior", all: "todas",
  "match case": "mayúsculas", regexp: "expresión regular", "by word": "palabra completa", replace: "reemplazar",
  "replace all": "reemplazar todas", close: "cerrar", "current match": "coincidencia actual",
  "on line": "en la línea", "Go to line": "Ir a la línea", go: "ir", Diagnostics: "Errores",
  "No diagnostics": "Sin errores", Completions: "Sugerencias", "Control character": "Carácter de control",
  "folded code": "código plegado", unfold: "desplegar", "Selection deleted": "Selección borrada",
  "replaced $ matches": "$ coincidencias reemplazadas",
  "replaced match on line $": "coincidencia reemplazada en la línea $",
};

/** Marks the transactions `setValue` makes, so `onChange` only hears the user. */
const external = Annotation.define();

/** Where a validation error sits: from its column (1-based; 0: the line's first non-blank) to the line's end. */
export function errorRange(doc, error) {
  const line = doc.line(Math.min(Math.max(1, error.line), doc.lines));
  const indent = /^\s*/.exec(line.text)[0].length;
  const start = error.column ? Math.min(error.column - 1, line.length) : indent;
  const end = line.text.replace(/\s+(#.*)?$/, "").length;
  return { from: line.from + start, to: line.from + Math.max(end, start) };
}

export class CodeEditor {
  /**
   * Build the editor inside `host`. `complete()` returns the completion settings `{schema, pipelines}`; the
   * wrapper is also reachable as `host.codeEditor` (for scripts and browser tests).
   */
  constructor(host, { label = "YAML", emptyText = "", complete = () => ({}) } = {}) {
    this.listeners = [];
    this.errors = [];
    this.uncovered = [];
    this.complete = complete;
    this.view = new EditorView({ parent: host, state: this.createState("", label, emptyText) });
    this.label = label;
    this.emptyText = emptyText;
    host.codeEditor = this;
  }

  createState(text, label, emptyText) {
    return EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(), lintGutter(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(),
        indentOnInput(), bracketMatching(), closeBrackets(), highlightActiveLine(), highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }), yaml(),
        EditorState.tabSize.of(2), indentUnit.of("  "), EditorState.phrases.of(PHRASES),
        autocompletion({ override: [(context) => this.completions(context)], icons: false }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap,
          ...lintKeymap, indentWithTab]),
        placeholder(emptyText),
        EditorView.contentAttributes.of({ "aria-label": label, spellcheck: "false", autocapitalize: "off" }),
        EditorView.updateListener.of((update) => this.updated(update)),
      ],
    });
  }

  completions(context) {
    const settings = this.complete() || {};
    return completePipeline(context.state.doc.toString(), context.pos, { ...settings, explicit: context.explicit });
  }

  updated(update) {
    if (!update.docChanged || update.transactions.every((t) => t.annotation(external))) return;
    if (this.uncovered.length) {  // the coverage was of the text the tests ran on: an edit makes it stale
      this.uncovered = [];
      queueMicrotask(() => this.showMarks());
    }
    for (const listener of this.listeners) listener(this.getValue());
  }

  getValue() {
    return this.view.state.doc.toString();
  }

  /**
   * Replace the text. Only the changed middle is rewritten, so the cursor, the scroll and the lint markers elsewhere
   * stay; `reset` starts afresh instead (a different pipeline: no undo history, cursor at the top).
   */
  setValue(text, { reset = false } = {}) {
    if (reset) {
      this.uncovered = [];
      this.view.setState(this.createState(text, this.label, this.emptyText));
      return;
    }
    const old = this.getValue();
    if (old === text) return;
    let start = 0;
    while (start < old.length && start < text.length && old[start] === text[start]) start += 1;
    let end = 0;
    while (end < old.length - start && end < text.length - start
      && old[old.length - 1 - end] === text[text.length - 1 - end]) end += 1;
    this.view.dispatch({
      changes: { from: start, to: old.length - end, insert: text.slice(start, text.length - end) },
      annotations: external.of(true),
    });
  }

  /** Call `listener(text)` after every change the user makes (not after `setValue`). */
  onChange(listener) {
    this.listeners.push(listener);
  }

  focus() {
    this.view.focus();
  }

  /**
   * Scroll `line` (1-based) into view near the top; with `select`, also put the cursor there (at `column`, 1-based,
   * when given) and focus.
   */
  revealLine(line, { select = false, column = 0 } = {}) {
    const doc = this.view.state.doc;
    const target = doc.line(Math.min(Math.max(1, line), doc.lines));
    this.view.dispatch({
      selection: select ? { anchor: target.from + Math.min(Math.max(0, column - 1), target.length) } : undefined,
      effects: EditorView.scrollIntoView(target.from, { y: "start", yMargin: 40 }),
    });
    if (select) this.view.focus();
  }

  /** Show validation errors ({line, column, message}) as lint markers; errors without a line mark nothing. */
  mark(errors) {
    this.errors = errors;
    this.showMarks();
  }

  /**
   * Mark what no saved test visits ({kind, name, line, column} from a test run's coverage) in the gutter, as
   * notes beside the errors; the marks go as soon as the text is edited.
   */
  markUncovered(targets) {
    this.uncovered = targets;
    this.showMarks();
  }

  showMarks() {
    const doc = this.view.state.doc;
    const onALine = (item) => item.line && item.line <= doc.lines;
    const errors = this.errors.filter(onALine).map((error) => ({
      ...errorRange(doc, error), severity: "error", message: error.message, source: "validación",
    }));
    const notes = this.uncovered.filter(onALine).map((target) => ({
      ...errorRange(doc, target), severity: "info", source: "cobertura", message: UNCOVERED[target.kind](target.name),
    }));
    this.view.dispatch(setDiagnostics(this.view.state, [...errors, ...notes]));
  }
}

/** What a gutter note says about a target no test visits, by its kind. */
const UNCOVERED = {
  step: (name) => `Ninguna prueba pasa por el paso «${name}».`,
  branch: (name) => `Ninguna prueba toma la rama ${name}.`,
  correction: (name) => `Ninguna prueba corrige «${name}» mientras espera otra pregunta.`,
  edit: (name) => `Ninguna prueba hace el cambio ${name} al confirmar.`,
};
