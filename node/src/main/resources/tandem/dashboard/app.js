// Tandem's dashboard. One live connection per page (GET /events, server-sent events read through
// fetch, so the token travels in a header, never in a URL); every value from the node is put on
// the page as text (textContent), never as HTML, whatever a job's name, parameters or error hold.
"use strict";

// Script errors are kept where a test (or a curious user, in the console) can read them.
window.tandemErrors = [];
window.addEventListener("error", (e) => window.tandemErrors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => window.tandemErrors.push(String(e.reason)));

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("tandem-token") || "";
let selected = null;          // the id of the job whose page is open
let stream = null;            // the AbortController of the live connection
const previous = new Map();   // member address -> {at, cpu}; job id -> {at, done} (for rates)
const WINDOW_MS = 60000;      // the task stream's span
const tasks = [];             // [seq, job, pid, thread, endMillis, runMicros, ok], oldest first
const history = [];           // one {at, jobsFinished, tasksEnded, running} per event, 5 minutes
let jobRates = [];            // the open job's {at, settled}
const SVG = "http://www.w3.org/2000/svg";

function headers() {
  return token ? { Authorization: "Bearer " + token } : {};
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function mb(bytes) {
  return bytes >= 0 ? (bytes / 1e6).toFixed(1) + " MB" : "-";
}

function duration(ms) {
  if (ms === null || ms === undefined || ms < 0) return "-";
  if (ms < 1000) return ms.toFixed(ms < 10 ? 1 : 0) + " ms";
  const s = ms / 1000;
  if (s < 120) return s.toFixed(1) + " s";
  if (s < 7200) return (s / 60).toFixed(1) + " min";
  return (s / 3600).toFixed(1) + " h";
}

// ---- the live connection ----

function connect() {
  if (stream) stream.abort();
  const controller = new AbortController();
  stream = controller;
  const url = "/events" + (selected ? "?job=" + encodeURIComponent(selected) : "");
  $("conn").textContent = "connecting…";
  fetch(url, { headers: headers(), signal: controller.signal })
    .then((response) => {
      if (response.status === 401) {
        askForToken(token ? "that token is not this node's" : "");
        return;
      }
      if (!response.ok) throw new Error("the node answered " + response.status);
      $("token-panel").hidden = true;
      $("main").hidden = false;
      $("conn").textContent = "live";
      return read(response.body.getReader(), controller);
    })
    .catch((error) => {
      if (controller.signal.aborted) return;
      $("conn").textContent = "disconnected (" + error.message + "); retrying";
      setTimeout(() => { if (stream === controller) connect(); }, 2000);
    });
}

async function read(reader, controller) {
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (type === "state" && data.length) render(JSON.parse(data.join("\n")));
    }
  }
  if (!controller.signal.aborted) throw new Error("the stream ended");
}

function askForToken(problem) {
  $("main").hidden = true;
  $("token-panel").hidden = false;
  $("token-error").textContent = problem;
  $("conn").textContent = "needs the token";
  $("token-input").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token = $("token-input").value.trim();
  sessionStorage.setItem("tandem-token", token);
  connect();
});

// ---- rendering ----

function render(state) {
  const load = state.load;
  const nodes = state.members.filter((m) => m.roles.includes("node")).length;
  const workers = state.members.filter((m) => m.roles.includes("worker")).length;
  $("summary").textContent = nodes + " node(s), " + workers + " worker(s); this node: " + load.queued +
    " queued, " + load.running + " running";
  renderMembers(state.members, state.at);
  renderStream(state);
  renderJobs(state.jobs, state.at);
  if (selected && state.job && state.job.id === selected) renderJob(state.job, state.at);
}

function renderMembers(members, at) {
  const body = $("members").tBodies[0];
  body.replaceChildren();
  for (const m of members) {
    const row = el("tr");
    row.dataset.address = m.address;
    row.append(el("td", m.address), el("td", m.roles.join(", ")), el("td", m.pid ?? "-", "num"),
      el("td", m.status));
    const up = m.startedAtMillis ? duration(at - m.startedAtMillis) : "-";
    let cpu = "-";
    const before = previous.get(m.address);
    if (before && m.cpuSeconds >= 0 && at > before.at) {
      cpu = Math.max(0, (100 * (m.cpuSeconds - before.cpu)) / ((at - before.at) / 1000)).toFixed(0) + " %";
    }
    if (m.cpuSeconds >= 0) previous.set(m.address, { at, cpu: m.cpuSeconds });
    const heap = m.heapUsedBytes !== undefined ? mb(m.heapUsedBytes) + " / " + mb(m.heapCommittedBytes) : "-";
    const slots = m.slots ? m.tasksRunning + " / " + m.slots : m.tasksRunning !== undefined ? "-" : "-";
    row.append(el("td", up, "num"), el("td", cpu, "num"), el("td", mb(m.rssBytes ?? -1), "num"),
      el("td", heap, "num"), el("td", slots, "num"), el("td", m.tasksRun ?? "-", "num"));
    body.append(row);
  }
}

/** A map's or pipeline's bar: done and failed of total, the rate since the last event, an ETA. */
function progress(job, at) {
  const map = job.map;
  if (!map) return null;
  const settled = map.done + map.failed;
  const box = el("span");
  box.className = "progress";
  box.dataset.done = map.done;
  box.dataset.failed = map.failed;
  box.dataset.total = map.total;
  const percent = map.total > 0 ? (100 * settled) / map.total : job.state === "succeeded" ? 100 : 0;
  box.dataset.percent = percent.toFixed(1);
  const bar = el("span", null, "bar");
  const done = el("span", null, "done");
  done.style.width = (map.total > 0 ? (100 * map.done) / map.total : 0) + "%";
  const failed = el("span", null, "failed");
  failed.style.width = (map.total > 0 ? (100 * map.failed) / map.total : 0) + "%";
  bar.append(done, failed);
  let text = map.done + " done" + (map.failed ? ", " + map.failed + " failed" : "") + " of " + map.total +
    (map.receiving ? "+" : "");
  const key = "job:" + job.id;
  const before = previous.get(key);
  if (job.state === "running" && before && at > before.at) {
    const rate = ((settled - before.settled) * 1000) / (at - before.at);
    if (rate > 0) {
      text += ", " + (rate >= 1000 ? (rate / 1000).toFixed(1) + "k" : rate.toFixed(0)) + "/s";
      if (!map.receiving) text += ", ETA " + duration((1000 * (map.total - settled)) / rate);
    }
  }
  previous.set(key, { at, settled });
  box.append(bar, el("span", text, "progress-text"));
  return box;
}

function ranOn(r) {
  if (!r) return "-";
  return r.role + " pid " + r.pid;
}

function renderJobs(jobs, at) {
  const state = $("state-filter").value;
  const name = $("name-filter").value.trim();
  const body = $("jobs").tBodies[0];
  body.replaceChildren();
  for (const job of jobs) {
    if (state && job.state !== state) continue;
    if (name && !job.job.includes(name)) continue;
    const row = el("tr", null, "clickable");
    row.dataset.id = job.id;
    const bar = progress(job, at);
    const progressCell = el("td");
    if (bar) progressCell.append(bar);
    row.append(el("td", job.id), el("td", job.job), el("td", job.kind),
      stateCell(job.state), progressCell, el("td", ranOn(job.ranOn)),
      el("td", job.submittedAt ? new Date(job.submittedAt).toLocaleTimeString() : "-"),
      el("td", duration(job.timings ? job.timings.totalMs : null), "num"));
    row.addEventListener("click", () => open(job.id));
    body.append(row);
  }
}

function stateCell(state) {
  const td = el("td");
  td.append(el("span", state, "state state-" + state));
  return td;
}

// ---- the task stream and the charts ----

function svg(tag, attributes) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
  return e;
}

function colour(job) {
  let h = 0;
  for (const c of job) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return "hsl(" + (h % 360) + ", 60%, 55%)";
}

function renderStream(state) {
  for (const t of state.tasks || []) tasks.push(t);
  const from = state.at - WINDOW_MS;
  while (tasks.length && (tasks[0][4] < from || tasks.length > 4000)) tasks.shift();
  const lanes = [...new Set(tasks.map((t) => t[2] + " " + t[3]))].sort();
  const stream = $("stream");
  const width = stream.clientWidth || 1000;
  const laneHeight = 14;
  const left = 150;
  stream.setAttribute("height", Math.max(40, lanes.length * laneHeight + 4));
  stream.replaceChildren();
  lanes.forEach((lane, i) => {
    const label = svg("text", { x: 4, y: i * laneHeight + 11 });
    label.textContent = "pid " + lane;
    stream.append(label);
  });
  const jobs = new Set();
  for (const t of tasks) {
    const end = t[4];
    const start = end - t[5] / 1000;
    const x0 = left + ((Math.max(start, from) - from) / WINDOW_MS) * (width - left);
    const x1 = left + ((end - from) / WINDOW_MS) * (width - left);
    const rect = svg("rect", {
      x: x0.toFixed(1), y: lanes.indexOf(t[2] + " " + t[3]) * laneHeight + 2,
      width: Math.max(1, x1 - x0).toFixed(1), height: laneHeight - 3,
      fill: t[6] ? colour(t[1]) : "#d64545",
    });
    const title = svg("title");
    title.textContent = t[1] + ": " + duration(t[5] / 1000) + " on pid " + t[2] + ", " + t[3] + (t[6] ? "" : " (failed)");
    rect.append(title);
    stream.append(rect);
    jobs.add(t[1]);
  }
  $("legend").replaceChildren(...[...jobs].sort().map((j) => {
    const s = el("span", j);
    s.style.setProperty("--c", colour(j));
    return s;
  }));

  const running = state.members.reduce((n, m) => n + (m.tasksRunning || 0), 0);
  history.push({ at: state.at, jobsFinished: state.jobsFinished, tasksEnded: state.tasksEnded, running });
  while (history.length > 300) history.shift();
  const rate = (key) => history.slice(1).map((h, i) =>
    Math.max(0, ((h[key] - history[i][key]) * 1000) / Math.max(1, h.at - history[i].at)));
  const jobsPerSecond = rate("jobsFinished");
  const tasksPerSecond = rate("tasksEnded");
  chart($("chart-jobs"), jobsPerSecond, $("now-jobs"));
  chart($("chart-tasks"), tasksPerSecond, $("now-tasks"));
  chart($("chart-running"), history.map((h) => h.running), $("now-running"));
}

/** A line of the values, scaled to the chart's height, the latest value beside its caption. */
function chart(target, values, now) {
  const w = 240;
  const h = 48;
  const max = Math.max(1, ...values);
  const points = values.map((v, i) => ((i / Math.max(1, values.length - 1)) * w).toFixed(1) + "," +
    (h - 2 - (v / max) * (h - 4)).toFixed(1));
  target.replaceChildren(svg("polyline", { points: points.join(" ") }));
  if (now) {
    const last = values.length ? values[values.length - 1] : 0;
    now.textContent = last >= 1000 ? (last / 1000).toFixed(1) + "k" : last.toFixed(last < 10 ? 1 : 0);
  }
}

// ---- a job's page ----

// Its logs: read from an offset, so each fetch brings only what is new, until the job is final.
const LOG_KEPT_CHARS = 262144;
let logFrom = 0;
let logBusy = false;
let logFinal = false;
let logElement = null;

function resetLogs() {
  logFrom = 0;
  logFinal = false;
  $("job-logs").textContent = "";
  $("job-logs-note").textContent = "";
}

function fetchLogs() {
  const id = selected;
  if (!id || logBusy || logFinal) return;
  logBusy = true;
  const query = "?from=" + logFrom + (logElement === null ? "" : "&element=" + logElement);
  fetch("/jobs/" + encodeURIComponent(id) + "/logs" + query, { headers: headers() })
    .then((r) => r.text().then((text) => ({ r, text })))
    .then(({ r, text }) => {
      if (selected !== id) return;
      const pre = $("job-logs");
      if (!r.ok) {
        let reason = "the node answered " + r.status;
        try { reason = JSON.parse(text).error || reason; } catch (notJson) { /* keep the status */ }
        $("job-logs-note").textContent = reason;
        logFinal = true;
        return;
      }
      logFrom = Number(r.headers.get("Tandem-Log-Next") || logFrom);
      const state = r.headers.get("Tandem-Job-State");
      logFinal = state !== null && state !== "queued" && state !== "running";
      if (text) pre.textContent = (pre.textContent + text).slice(-LOG_KEPT_CHARS); // as text, never as HTML
      $("job-logs-note").textContent = pre.textContent ? "" : logFinal ? "it wrote nothing" : "nothing yet";
    })
    .catch((error) => { $("job-logs-note").textContent = error.message; })
    .finally(() => { logBusy = false; });
}

$("log-element-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("log-element").value.trim();
  logElement = value === "" ? null : Number(value);
  resetLogs();
  fetchLogs();
});

$("log-all").addEventListener("click", () => {
  logElement = null;
  $("log-element").value = "";
  resetLogs();
  fetchLogs();
});

function open(id) {
  selected = id;
  jobRates = [];
  $("job-panel").hidden = false;
  $("job-id").textContent = id;
  $("job-message").textContent = "";
  logElement = null;
  $("log-element").value = "";
  resetLogs();
  connect(); // the stream now carries this job's whole record too
  // A job another node owns is not in this node's stream: ask for it once.
  fetch("/jobs/" + encodeURIComponent(id), { headers: headers() })
    .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
    .then(({ ok, body }) => {
      if (selected !== id) return;
      if (ok) renderJob(body, Date.now());
      else $("job-message").textContent = body.error || "no such job";
    })
    .catch((error) => { $("job-message").textContent = error.message; });
}

function renderJob(job, at) {
  $("job-state").textContent = job.state;
  $("job-state").className = "state state-" + job.state;
  $("cancel").disabled = !(job.state === "queued" || job.state === "running");
  $("download").disabled = job.state !== "succeeded";
  const fields = $("job-fields");
  fields.replaceChildren();
  const add = (name, value) => {
    if (value === undefined || value === null || value === "") return;
    fields.append(el("dt", name), el("dd", value));
  };
  add("job", job.job);
  add("kind", job.kind);
  add("state", job.state);
  add("error", job.error);
  add("owner", job.owner);
  if (job.ranOn) add("ran on", job.ranOn.role + " pid " + job.ranOn.pid + " at " + job.ranOn.address + ", thread " + job.ranOn.thread);
  add("attempts", job.attempts);
  add("submitted", job.submittedAt);
  if (job.timings) add("timings", "queued " + duration(job.timings.queuedMs) + ", ran " + duration(job.timings.runMs) + ", in all " + duration(job.timings.totalMs));
  if (job.options) add("options", JSON.stringify(job.options));
  const bar = progress(job, at);
  $("job-progress").replaceChildren(...(bar ? [bar] : []));
  if (job.map) {
    const settled = job.map.done + job.map.failed;
    if (!jobRates.length || jobRates[jobRates.length - 1].at < at) jobRates.push({ at, settled });
    while (jobRates.length > 300) jobRates.shift();
    const rates = jobRates.slice(1).map((r, i) => ((r.settled - jobRates[i].settled) * 1000) / Math.max(1, r.at - jobRates[i].at));
    $("job-rate-box").hidden = rates.length === 0;
    chart($("job-rate"), rates, null);
  } else {
    $("job-rate-box").hidden = true;
  }
  const errors = job.map && job.map.errors ? job.map.errors : [];
  $("job-errors-box").hidden = errors.length === 0;
  $("job-errors").replaceChildren(...errors.map((e) => el("li", "element " + e.index + ": " + e.error)));
  const steps = job.pipeline && job.pipeline.steps ? job.pipeline.steps : [];
  $("job-steps-box").hidden = steps.length === 0;
  $("job-steps").tBodies[0].replaceChildren(...steps.map((s) => {
    const row = el("tr");
    row.append(el("td", s.job), el("td", s.kind), el("td", s.id), stateCell(s.state), el("td", ranOn(s.ranOn)), el("td", s.error));
    return row;
  }));
  $("log-element-form").hidden = !job.map;
  fetchLogs(); // what it wrote since the last time; nothing once it was final at the last fetch
  if (job.params !== undefined) $("job-params").textContent = JSON.stringify(job.params, null, 2);
  if (job.result !== undefined) $("job-result").textContent = JSON.stringify(job.result, null, 2);
}

$("cancel").addEventListener("click", () => {
  const id = selected;
  fetch("/jobs/" + encodeURIComponent(id) + "/cancel", { method: "POST", headers: headers() })
    .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
    .then(({ ok, body }) => {
      $("job-message").textContent = ok ? "cancelled" : body.error;
      if (ok) renderJob(body, Date.now());
    })
    .catch((error) => { $("job-message").textContent = error.message; });
});

$("download").addEventListener("click", () => {
  const id = selected;
  fetch("/jobs/" + encodeURIComponent(id) + "/result", { headers: headers() })
    .then((r) => {
      if (!r.ok) throw new Error("the node answered " + r.status);
      const bytes = (r.headers.get("Content-Type") || "").startsWith("application/octet-stream");
      return r.blob().then((blob) => ({ blob, bytes }));
    })
    .then(({ blob, bytes }) => {
      const a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = id + (bytes ? ".bin" : ".json");
      document.body.append(a);
      a.click();
      a.remove();
    })
    .catch((error) => { $("job-message").textContent = error.message; });
});

$("close").addEventListener("click", () => {
  selected = null;
  $("job-panel").hidden = true;
  connect();
});

$("find-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("find-input").value.trim();
  if (id) open(id);
});

connect();
