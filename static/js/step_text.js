// Replace, insert or remove one step in a pipeline's YAML text, keeping every other line (comments too) as written.
/* global jsyaml */

const COMMENT_OR_BLANK = /^\s*(#.*)?$/;
const ITEM = /^ *-( |$)/;
const DUMP = { lineWidth: -1, noRefs: true, quotingType: '"' };

/** Line ranges [start, end) of the items of the top-level block list `steps:`; null when it is not a block list. */
export function stepRanges(text) {
  const lines = text.split("\n");
  const head = lines.findIndex((line) => /^steps:\s*(#.*)?$/.test(line));
  if (head < 0) return null;
  let indent = null;
  let end = lines.length;
  const starts = [];
  for (let i = head + 1; i < lines.length; i += 1) {
    const line = lines[i];
    if (COMMENT_OR_BLANK.test(line)) continue;
    const lead = line.length - line.trimStart().length;
    if (indent === null) {
      if (!ITEM.test(line)) return null;
      indent = lead;
    }
    if (lead === indent && ITEM.test(line)) starts.push(i);
    else if (lead <= indent) { end = i; break; }
  }
  if (!starts.length) return null;
  const ranges = starts.map((start, k) => {
    let stop = k + 1 < starts.length ? starts[k + 1] : end;
    while (stop > start + 1 && COMMENT_OR_BLANK.test(lines[stop - 1])) stop -= 1;
    return [start, stop];
  });
  return { lines, ranges, indent };
}

/** A step object as the lines of one block-list item at `indent` spaces. */
function itemLines(step, indent) {
  const body = jsyaml.dump(step, DUMP).replace(/\n$/, "").split("\n");
  const pad = " ".repeat(indent);
  return body.map((line, i) => (i === 0 ? `${pad}- ${line}` : line ? `${pad}  ${line}` : ""));
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The whole document dumped again: used when the steps are not written as a plain block list. */
function rewrite(doc, steps) {
  return jsyaml.dump({ ...doc, steps }, DUMP);
}

/**
 * Apply `change` to the steps of `text`: {op: "replace"|"insert"|"remove", index, step}. For "insert", `index` is
 * the position the new step takes. Returns {text, rewritten} — rewritten is true when comments could not be kept.
 */
export function changeSteps(text, change) {
  const doc = jsyaml.load(text) || {};
  const steps = Array.isArray(doc.steps) ? [...doc.steps] : [];
  const { op, index, step } = change;
  if (op === "replace") steps.splice(index, 1, step);
  else if (op === "insert") steps.splice(index, 0, step);
  else if (op === "remove") steps.splice(index, 1);
  const found = stepRanges(text);
  if (!found || found.ranges.length !== (doc.steps || []).length) return { text: rewrite(doc, steps), rewritten: true };
  const { lines, ranges, indent } = found;
  let out;
  if (op === "insert") {
    // After the previous step, so comments written above the following step stay with it.
    const at = index === 0 ? ranges[0][0] : ranges[Math.min(index, ranges.length) - 1][1];
    out = [...lines.slice(0, at), ...itemLines(step, indent), ...lines.slice(at)];
  } else {
    const [start, stop] = ranges[index];
    out = [...lines.slice(0, start), ...(op === "replace" ? itemLines(step, indent) : []), ...lines.slice(stop)];
  }
  const result = out.join("\n");
  try {
    if (same((jsyaml.load(result) || {}).steps, steps)) return { text: result, rewritten: false };
  } catch {
    // The spliced text did not parse: fall through to the full rewrite, which always does.
  }
  return { text: rewrite(doc, steps), rewritten: true };
}
