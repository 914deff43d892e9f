// The script of `s2s serve`'s web page: reads GET /models, shows a section per kind of model, and calls
// POST /translator/translate (with an attention heatmap), POST /classify and POST /generate (read as a
// Server-Sent Events stream). Plain ES2020, no libraries.
//
// Test hook: `?translate=TEXT`, `?classify=TEXT` or `?generate=PROMPT` in the page's URL fills in that
// input and clicks its button once the models are known. When a call ends, <body> gets
// data-translated / data-classified / data-generated = "1" (or "error"), for headless tests to wait on.
"use strict";

const $ = (id) => document.getElementById(id);

/** The BPE joiner ("￭", U+FFED) that marks where a token attaches to its neighbour. */
const JOINER = "\uFFED";

/** A new element: `props` are set as properties when the element has them, else as attributes. */
function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// MARK: - Talking to the server

/** POSTs `body` as JSON to `path`; the response if it is 2xx, else throws with the server's message. */
async function post(path, body, signal) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new Error(`Cannot reach the server (${error.message}).`);
  }
  if (!response.ok) throw new Error(await errorMessage(response));
  return response;
}

/** The message of an error answer: its JSON `{"error": "…"}`, else the status and the start of the body. */
async function errorMessage(response) {
  const text = await response.text().catch(() => "");
  try {
    const json = JSON.parse(text);
    if (json && typeof json.error === "string") return json.error;
  } catch { /* not JSON */ }
  const status = `${response.status} ${response.statusText}`.trim();
  return text ? `${status}: ${text.slice(0, 200)}` : status;
}

/** Calls `onEvent({event, data})` for each Server-Sent Event of `response` as it arrives; `onEvent` may
 *  return false to stop reading. */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value, { stream: !done });
      // Events end with a blank line.
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        if (onEvent(parseEvent(block)) === false) return;
      }
      if (done) break;
    }
    if (buffer.trim()) onEvent(parseEvent(buffer));
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** One event's type ("message" unless named) and its data lines joined. */
function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === "" || line.startsWith(":")) continue;   // comments
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { event, data: data.join("\n") };
}

/** The JSON in `text`, or null. */
function parseJSON(text) {
  try { return JSON.parse(text); } catch { return null; }
}

// MARK: - Sections

/**
 * Wires a section's form: on submit, clears the error, disables the button, runs `work`, and shows
 * what it throws. `flag` is the <body> data attribute set when the call ends.
 */
function wire(prefix, flag, work) {
  const form = $(`${prefix}-form`);
  const button = $(`${prefix}-button`);
  const error = $(`${prefix}-error`);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    error.textContent = "";
    button.disabled = true;
    delete document.body.dataset[flag];
    try {
      await work();
      document.body.dataset[flag] = "1";
    } catch (thrown) {
      if (thrown.name === "AbortError") {
        document.body.dataset[flag] = "1";
      } else {
        error.textContent = thrown.message;
        document.body.dataset[flag] = "error";
      }
    } finally {
      button.disabled = false;
    }
  });
  // Ctrl+Enter (⌘+Enter) in a text area submits.
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

/** Shows the section of `kind` if the server has models of it, with a <select> when it has several. */
function showModels(kind, prefix, models) {
  const section = $(kind);
  const ofKind = models.filter((model) => model.kind === kind);
  section.hidden = ofKind.length === 0;
  if (ofKind.length === 0) return;
  const select = $(`${prefix}-model`);
  select.replaceChildren(...ofKind.map((model) => h("option", { value: model.name, textContent: model.name })));
  const several = ofKind.length > 1;
  select.hidden = !several;
  section.querySelector(".model-name").textContent = several ? "" : ofKind[0].name;
  const showSettings = () => {
    const model = ofKind.find((one) => one.name === select.value) || ofKind[0];
    const entries = Object.entries(model.settings || {});
    if (model.labels) entries.unshift(["labels", model.labels.join(", ")]);
    section.querySelector(".settings dl").replaceChildren(
      ...entries.flatMap(([key, value]) => [h("dt", { textContent: key }), h("dd", { textContent: String(value) })]));
    section.querySelector(".settings").hidden = entries.length === 0;
  };
  select.addEventListener("change", showSettings);
  showSettings();
}

// MARK: - Translation

/** A token as shown: without BPE joiners. */
function display(token) {
  return token.split(JOINER).join("") || token;
}

async function translate() {
  const lines = $("translate-input").value.split("\n").map((line) => line.trim()).filter((line) => line);
  if (lines.length === 0) throw new Error("Type a sentence to translate.");
  const model = $("translate-model").value;
  const output = $("translation-output");
  const attention = $("attention");
  output.textContent = "";
  attention.replaceChildren();
  output.setAttribute("aria-busy", "true");
  try {
    const response = await post("translator/translate", lines.map((src) => ({ src, id: model, attention: true })));
    const [hypotheses = []] = await response.json();
    // The n best hypotheses of a sentence follow each other, the best first.
    const nBest = Math.max(1, hypotheses[0]?.n_best || 1);
    const best = hypotheses.filter((_, index) => index % nBest === 0);
    output.textContent = best.map((hypothesis) => hypothesis.tgt).join("\n");
    best.forEach((hypothesis, index) => {
      const caption = best.length > 1 ? `Sentence ${index + 1}` : "Attention";
      const map = heatmap(hypothesis, caption);
      if (map) attention.append(map);
    });
    if (attention.childElementCount > 0) attention.append(legend());
  } finally {
    output.removeAttribute("aria-busy");
  }
}

/** A table of `hypothesis.attention`: a row per target token, a column per source token, shaded by weight. */
function heatmap(hypothesis, caption) {
  const weights = hypothesis.attention;
  if (!Array.isArray(weights) || weights.length === 0) return null;
  const columns = Math.max(...weights.map((row) => row.length));
  const source = Array.from({ length: columns }, (_, i) => hypothesis.src_tokens?.[i] ?? "</s>");
  const target = weights.map((_, i) => hypothesis.tgt_tokens?.[i] ?? "</s>");

  const head = h("tr", {}, h("td", { className: "corner" }), ...source.map((token) =>
    h("th", { scope: "col", title: token }, h("span", { textContent: display(token) }))));
  const rows = weights.map((row, r) => h("tr", {},
    h("th", { scope: "row", title: target[r], textContent: display(target[r]) }),
    ...source.map((token, c) => {
      const weight = Math.min(1, Math.max(0, row[c] ?? 0));
      return h("td", {
        title: `${display(target[r])} ← ${display(token)}: ${weight.toFixed(3)}`,
        style: `background-color: rgba(29, 78, 216, ${weight.toFixed(3)})`,
      }, h("span", { className: "visually-hidden", textContent: weight.toFixed(2) }));
    })));
  const score = typeof hypothesis.pred_score === "number" ? ` (score ${hypothesis.pred_score.toFixed(2)})` : "";
  const title = `${caption}: target tokens (rows) by source tokens (columns)${score}`;
  // The caption is for screen readers; the same words are shown above, where they may be wider than the table.
  return h("div", { className: "heatmap-scroll" },
    h("p", { className: "heatmap-title", "aria-hidden": "true", textContent: title }),
    h("table", { className: "heatmap" },
      h("caption", { className: "visually-hidden", textContent: title }),
      h("thead", {}, head),
      h("tbody", {}, ...rows)));
}

function legend() {
  return h("p", { className: "legend" },
    h("span", { textContent: "0" }), h("span", { className: "legend-scale", "aria-hidden": "true" }),
    h("span", { textContent: "1" }), " attention weight (hover a cell for its value)");
}

// MARK: - Classification

async function classify() {
  const lines = $("classify-input").value.replace(/\n+$/, "").split("\n");
  if (lines.length === 1 && lines[0].trim() === "") throw new Error("Type a text to classify.");
  const output = $("classify-output");
  output.replaceChildren();
  output.setAttribute("aria-busy", "true");
  try {
    const response = await post("classify", {
      model: $("classify-model").value,
      text: lines.length === 1 ? lines[0] : lines,
    });
    const answer = await response.json();
    output.replaceChildren(...answer.results.map((result) => classification(result, answer.labels, lines.length > 1)));
  } finally {
    output.removeAttribute("aria-busy");
  }
}

/** A line's label and a bar per label, in the model's label order. */
function classification(result, labels, showText) {
  const box = h("div", { className: "classification" });
  if (showText) box.append(h("p", { className: "classified-text", textContent: result.text }));
  if (result.label == null) {
    box.append(h("p", { className: "label" }, h("em", { textContent: "empty line: no label" })));
    return box;
  }
  box.append(h("p", { className: "label" }, "Label: ", h("strong", { textContent: result.label })));
  const bars = h("div", { className: "bars" });
  for (const label of labels) {
    const probability = result.probabilities?.[label] ?? 0;
    const percent = `${(100 * probability).toFixed(1)}%`;
    bars.append(
      h("span", { className: "bar-label", textContent: label }),
      h("span", { className: "bar", "aria-hidden": "true" },
        h("span", { className: label === result.label ? "fill top" : "fill", style: `width: ${percent}` })),
      h("span", { className: "bar-value", textContent: percent }));
  }
  box.append(bars);
  return box;
}

// MARK: - Generation

let generation = null;   // the running generation's AbortController

async function generate() {
  const number = (id, name) => {
    const input = $(id);
    if (input.value.trim() === "") return undefined;
    if (!input.checkValidity() || Number.isNaN(input.valueAsNumber)) throw new Error(`${name}: ${input.validationMessage || "not a number"}`);
    return input.valueAsNumber;
  };
  const body = {
    model: $("generate-model").value,
    prompt: $("generate-prompt").value,
    max_tokens: number("generate-max-tokens", "Max tokens"),
    temperature: number("generate-temperature", "Temperature"),
    seed: number("generate-seed", "Seed"),
    stream: true,
  };
  const output = $("generate-output");
  const stop = $("generate-stop");
  output.textContent = "";
  output.setAttribute("aria-busy", "true");
  generation = new AbortController();
  stop.disabled = false;
  try {
    const response = await post("generate", body, generation.signal);
    const append = (text) => {
      output.append(text);
      output.scrollTop = output.scrollHeight;
    };
    if (!(response.headers.get("Content-Type") || "").includes("text/event-stream")) {
      append((await response.json()).text ?? "");   // a server that does not stream
      return;
    }
    let finished = false;
    await readEvents(response, ({ event, data }) => {
      if (event === "error") throw new Error(parseJSON(data)?.error || data || "the generation failed");
      if (data === "[DONE]") {
        finished = true;
        return false;
      }
      const piece = parseJSON(data);
      if (typeof piece?.text === "string") append(piece.text);
      return true;
    });
    if (!finished) throw new Error("The stream ended before the generation did.");
  } finally {
    generation = null;
    stop.disabled = true;
    output.removeAttribute("aria-busy");
  }
}

// MARK: - Start

async function start() {
  wire("translate", "translated", translate);
  wire("classify", "classified", classify);
  wire("generate", "generated", generate);
  $("generate-stop").addEventListener("click", () => generation?.abort());

  const status = $("models-status");
  let models;
  try {
    const response = await fetch("models");
    if (!response.ok) throw new Error(await errorMessage(response));
    models = (await response.json()).models || [];
  } catch (error) {
    status.textContent = "";
    $("models-error").textContent = `Cannot load the models: ${error.message}`;
    return;
  }
  showModels("translator", "translate", models);
  showModels("classifier", "classify", models);
  showModels("language-model", "generate", models);
  status.textContent = models.length === 0 ? "This server has no models."
    : `Serving ${models.map((model) => `${model.name} (${model.kind})`).join(", ")}.`;

  // The test hook: act as a user would.
  const query = new URLSearchParams(location.search);
  for (const [param, input, button] of [["translate", "translate-input", "translate-button"],
                                         ["classify", "classify-input", "classify-button"],
                                         ["generate", "generate-prompt", "generate-button"]]) {
    if (query.has(param)) {
      $(input).value = query.get(param);
      $(button).click();
    }
  }
}

start();
