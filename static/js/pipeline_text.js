// Replace, add or remove top-level keys of a pipeline's YAML text (`repair:`, `questions:`), keeping every other
// line (comments too) as written.
/* global jsyaml */

const COMMENT_OR_BLANK = /^\s*(#.*)?$/;
const COMMENT = /^#/;
const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*)\s*:(\s|$)/;
const DUMP = { lineWidth: -1, noRefs: true, quotingType: '"' };
// Where a key that is not in the text yet goes: after the first of `after` present, else before the first of
// `before`, else at the end.
const PLACES = {
  questions: { after: ["examples", "version", "description", "name"], before: ["inputs", "tools", "steps"] },
  repair: { after: [], before: ["steps", "outputs"] },
};

/** The top-level keys of `lines` with their line ranges [start, end); trailing comments belong to the next key. */
export function topBlocks(lines) {
  const starts = [];
  lines.forEach((line, i) => {
    const match = TOP_KEY.exec(line);
    if (match) starts.push({ key: match[1], start: i });
  });
  return starts.map((block, k) => {
    let end = k + 1 < starts.length ? starts[k + 1].start : lines.length;
    while (end > block.start + 1 && COMMENT_OR_BLANK.test(lines[end - 1])) end -= 1;
    return { ...block, end };
  });
}

function flow(value) {
  return jsyaml.dump(value, { ...DUMP, flowLevel: 0 }).replace(/\n$/, "");
}

/** The lines of `key: value` at the top level: one line per question, one per repair setting and correction. */
export function keyLines(key, value) {
  if (key === "questions" && Array.isArray(value)) {
    if (!value.length) return ["questions: []"];
    return ["questions:", ...value.map((q) => `  - ${jsyaml.dump(String(q), { ...DUMP, forceQuotes: true }).replace(/\n$/, "")}`)];
  }
  if (key === "repair" && value && typeof value === "object" && !Array.isArray(value)) {
    const out = ["repair:"];
    for (const [name, setting] of Object.entries(value)) {
      const isMap = setting && typeof setting === "object" && !Array.isArray(setting);
      if (isMap && Object.keys(setting).length) {
        out.push(`  ${name}:`, ...Object.entries(setting).map(([slot, entry]) => `    ${flow({ [slot]: entry }).slice(1, -1)}`));
      } else {
        out.push(`  ${flow({ [name]: setting }).slice(1, -1)}`);
      }
    }
    return out.length > 1 ? out : ["repair: {}"];
  }
  return jsyaml.dump({ [key]: value }, DUMP).replace(/\n$/, "").split("\n");
}

/** Where a new key goes in `lines` (an index to insert at), given the blocks already there. */
function insertionPoint(key, lines, blocks) {
  const place = PLACES[key] || { after: [], before: [] };
  for (const name of place.after) {
    const block = blocks.find((b) => b.key === name);
    if (block) return block.end;
  }
  for (const name of place.before) {
    const block = blocks.find((b) => b.key === name);
    if (block) {
      // Above the comments written over that key, so they stay with it.
      let at = block.start;
      while (at > 0 && COMMENT.test(lines[at - 1])) at -= 1;
      return at;
    }
  }
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === "") end -= 1;
  return end;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The whole document dumped again with `changes` applied (comments are lost). */
function rewrite(doc, changes) {
  const out = { ...doc };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return jsyaml.dump(out, DUMP);
}

/**
 * Apply `changes` ({key: value}, undefined removes the key) to the top level of `text`. Returns {text, rewritten}:
 * rewritten is true when the text had to be dumped again (comments lost) because a splice could not be checked.
 */
export function changeTopKeys(text, changes) {
  const doc = jsyaml.load(text) || {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new Error("el YAML no es un mapa de claves");
  let lines = text.split("\n");
  for (const [key, value] of Object.entries(changes)) {
    const blocks = topBlocks(lines);
    const found = blocks.filter((b) => b.key === key);
    if (found.length > 1) return { text: rewrite(doc, changes), rewritten: true };
    const written = value === undefined ? [] : keyLines(key, value);
    if (found.length) {
      lines = [...lines.slice(0, found[0].start), ...written, ...lines.slice(found[0].end)];
    } else if (written.length) {
      const at = insertionPoint(key, lines, blocks);
      lines = [...lines.slice(0, at), ...written, ...lines.slice(at)];
    }
  }
  const result = lines.join("\n");
  try {
    const parsed = jsyaml.load(result) || {};
    const expected = { ...doc };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete expected[key];
      else expected[key] = value;
    }
    const keys = new Set([...Object.keys(parsed), ...Object.keys(expected)]);
    if ([...keys].every((key) => same(parsed[key], expected[key]))) return { text: result, rewritten: false };
  } catch {
    // The spliced text did not parse: fall through to the full rewrite, which always does.
  }
  return { text: rewrite(doc, changes), rewritten: true };
}
