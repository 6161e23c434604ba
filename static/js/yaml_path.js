// Where the cursor is in a YAML text, read from indentation alone (the text is often unparsable while typed):
// the path of the mapping or list around it and whether a key or a value is being written.

const ENTRY = /^(\s*)((?:-\s+)*)(?:("[^"]*"|'[^']*'|[^\s#:"'][^:#]*?)\s*:(?:\s|$))?/;

/** The entries a line opens: dashes (list items) and a key, each with its column. */
function entries(line) {
  const match = ENTRY.exec(line);
  const found = [];
  let column = match[1].length;
  for (const dash of match[2].match(/-\s+/g) || []) {
    found.push({ column, dash: true });
    column += dash.length;
  }
  if (match[3] !== undefined) found.push({ column, key: match[3].replace(/^["']|["']$/g, "") });
  return found;
}

function isBlank(line) {
  return /^\s*(#.*)?$/.test(line);
}

function indentOf(line) {
  return /^\s*/.exec(line)[0].length;
}

/** The 0-based index of the list item whose dash is at `column` on line `at`. */
function itemIndex(lines, at, column) {
  let index = 0;
  for (let n = at - 1; n >= 0; n -= 1) {
    if (isBlank(lines[n])) continue;
    if (indentOf(lines[n]) < column) break;
    if (entries(lines[n]).some((e) => e.dash && e.column === column)) index += 1;
  }
  return index;
}

/** The path to the block node that contains column `column` of line `at` (entries left of it, then lines above). */
function blockPath(lines, at, column) {
  const path = [];
  let limit = column;
  for (let n = at; n >= 0; n -= 1) {
    if (n < at && isBlank(lines[n])) continue;
    const parents = entries(lines[n]).filter((e) => e.column < limit);
    for (const entry of parents.reverse()) {
      path.unshift(entry.dash ? itemIndex(lines, n, entry.column) : entry.key);
      limit = entry.column;
    }
    if (limit === 0) break;
  }
  return path;
}

/** Follow the flow collections ([...] and {...}) opened in `text` and still open at its end. */
function flowFrames(text) {
  const frames = [];
  let quote = null;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    const frame = frames[frames.length - 1];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === "[" || char === "{") {
      frames.push({ type: char, index: 0, key: null, start: i + 1 });
    } else if ((char === "]" || char === "}") && frame) {
      frames.pop();
    } else if (char === "," && frame) {
      frame.index += 1;
      frame.key = null;
      frame.start = i + 1;
    } else if (char === ":" && frame && frame.type === "{" && frame.key === null && /[\s]/.test(text[i + 1] || " ")) {
      frame.key = text.slice(frame.start, i).trim();
      frame.start = i + 1;
    }
  }
  return { frames, quoted: quote !== null };
}

/**
 * The context of offset `pos` in `text`: `{path, mode, key, from, word}`. `mode` is "key" when a mapping key is
 * being written (then `path` is the mapping's path), "value" when the value of `key` is (then `path` is the path of
 * the mapping holding `key`); `from` is where the word being typed starts and `word` that word.
 */
export function yamlContext(text, pos) {
  const before = text.slice(0, pos);
  const lines = before.split("\n");
  const at = lines.length - 1;
  const line = lines[at];
  const word = /[\w-]*$/.exec(line)[0];
  const from = pos - word.length;
  const comment = /(^|\s)#/.test(line.replace(/"[^"]*"|'[^']*'/g, '""'));
  if (comment) return { path: [], mode: "comment", key: null, from, word };
  const own = entries(line);
  const keyEntry = own.find((e) => e.key !== undefined);
  if (!keyEntry) {
    return { path: blockPath(lines, at, line.length - word.length), mode: "key", key: null, from, word };
  }
  const path = blockPath(lines, at, keyEntry.column);
  const valueText = line.slice(line.indexOf(":", keyEntry.column) + 1);
  const { frames, quoted } = flowFrames(valueText);
  if (!frames.length) return { path, mode: quoted ? "string" : "value", key: keyEntry.key, from, word };
  const inner = [...path, keyEntry.key];
  frames.forEach((frame, i) => {
    const last = i === frames.length - 1;
    if (frame.type === "[") inner.push(frame.index);
    else if (!last) inner.push(frame.key);
  });
  const last = frames[frames.length - 1];
  if (last.type === "{" && last.key === null) return { path: inner, mode: "key", key: null, from, word };
  const mode = quoted ? "string" : "value";
  if (last.type === "{") return { path: inner, mode, key: last.key, from, word };
  return { path: inner.slice(0, -2), mode: "value", key: keyEntry.key, from, word };
}

/** The value at `path` inside a parsed document, or undefined. */
export function valueAt(doc, path) {
  let node = doc;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = node[segment];
  }
  return node;
}
