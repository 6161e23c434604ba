// Bundle each entry (entry.js: CodeMirror for the editor; charts.js: Chart.js for the insights page) into
// ../static/vendor/<name>.bundle.js and write <name>.LICENSE, the licence notice of every package in that bundle.
import { build } from "esbuild";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "vendor");

const BUNDLES = [
  { entry: "entry.js", name: "codemirror" },
  { entry: "charts.js", name: "chart" },
];

/** The package folders (node_modules/<name> or node_modules/@scope/<name>) the bundle took code from. */
function packages(metafile) {
  const found = new Set();
  const inputs = Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs));
  for (const [input, { bytesInOutput }] of inputs) {
    if (!bytesInOutput) continue;
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (match) found.add(match[1]);
  }
  return [...found].sort();
}

/** The licence notice of every package one bundle took code from. */
function notices(metafile) {
  return packages(metafile).map((name) => {
    const folder = join(here, "node_modules", name);
    const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
    const text = file && existsSync(join(folder, file))
      ? readFileSync(join(folder, file), "utf8").trim() : `License: ${meta.license}`;
    return `${name}@${meta.version} (${meta.license})\n\n${text}\n`;
  });
}

for (const { entry, name } of BUNDLES) {
  const result = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format: "esm",
    minify: true,
    target: "es2020",
    legalComments: "none",
    metafile: true,
    outfile: join(out, `${name}.bundle.js`),
  });
  writeFileSync(join(out, `${name}.LICENSE`),
    `static/vendor/${name}.bundle.js bundles these packages (built by \`make editor-bundle\` from editor_src/):\n\n`
    + notices(result.metafile).join(`\n${"-".repeat(78)}\n\n`));
  console.log(`${name}.bundle.js: ${packages(result.metafile).length} packages`);
}
