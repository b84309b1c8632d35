// The demo page's script: renders the counters (pushed over the live channel,
// or polled from /api/stats while it is not open), the certificate, and the
// echo form's exchanges. Served as /app.js; live.js and chart.js are its
// modules.

/** app.js */
export const APP_JS = `import { drawChart } from "/chart.js";
import { openLive } from "/live.js";

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  return element;
}

function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
}

function bytes(n) {
  return n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : (n / 1048576).toFixed(1) + " MiB";
}

const seen = new Set();

function renderStats(stats) {
  const tbody = $("connections").tBodies[0];
  const rows = stats.connections.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.service = c.service;
    if (!seen.has(c.id)) {
      seen.add(c.id);
      tr.className = "fresh";
    }
    tr.append(el("td", String(c.id), "num"), el("td", c.service, "svc svc-" + c.service), el("td", c.remote),
      el("td", ago(stats.now - c.since)), el("td", String(c.requests), "num"), el("td", c.service === "tcp" ? bytes(c.bytes) : "", "num"));
    return tr;
  });
  tbody.replaceChildren(...rows);
  $("rps").textContent = stats.requestsPerSecond + " req/s";
  const t = stats.totals;
  $("totals").textContent = t.connections + " connections and " + t.requests + " requests since start, " +
    bytes(t.bytes) + " echoed, " + t.datagrams + " datagrams; up " + ago(stats.now - stats.startedAt);
  drawChart($("chart"), stats.history);
}

// Counters: polled until the live channel pushes them.
let live = null;
let liveOpen = false;
let pollTimer = null;

async function poll() {
  try {
    const response = await fetch("/api/stats", { cache: "no-store" });
    const stats = await response.json();
    renderStats(stats);
    if (stats.websocket && live === null) startLive();
    if (!stats.websocket) setStatus("not served", "bad");
  } catch (error) {
    setStatus("server gone", "bad");
  }
}

function startPolling() {
  if (pollTimer === null) pollTimer = setInterval(poll, 1000);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

function setStatus(text, kind) {
  const status = $("ws-status");
  status.textContent = text;
  status.className = "pill " + (kind || "");
}

function chatLine(text, className) {
  const log = $("chat-log");
  log.append(el("div", text, className));
  log.scrollTop = log.scrollHeight;
}

function startLive() {
  live = openLive({
    onStatus(state, detail) {
      liveOpen = state === "open";
      $("chat-input").disabled = !liveOpen;
      $("chat-send").disabled = !liveOpen;
      if (liveOpen) {
        setStatus("open", "ok");
        chatLine("connected over " + (location.protocol === "https:" ? "wss" : "ws"), "sys");
        stopPolling();
      } else {
        setStatus(state + " " + detail, "bad");
        chatLine("live channel " + state + " (" + detail + "); polling instead", "sys");
        startPolling();
        live = null;
      }
    },
    onStats: renderStats,
    onChat(message) {
      chatLine((message.from || "?") + ": " + message.text, message.self ? "me" : "");
    },
  });
}

$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("chat-input");
  if (live !== null && input.value !== "") live.send(input.value);
  input.value = "";
});

// The echo form.
$("echo-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("echo-result");
  const button = $("echo-send");
  button.disabled = true;
  out.replaceChildren(el("p", "sending...", "muted"));
  try {
    const response = await fetch("/api/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: $("echo-service").value, message: $("echo-message").value }),
    });
    const result = await response.json();
    if (!response.ok) throw new Error(result.error || ("HTTP " + response.status));
    const box = el("div", undefined, "exchange");
    box.append(
      el("h3", "wirestack fetch: request head as sent"), el("pre", result.http.requestHead),
      el("h3", "response head as received (" + result.http.ms.toFixed(1) + " ms)"), el("pre", result.http.responseHead),
      el("h3", result.echo.service.toUpperCase() + " " + result.echo.server + " from local port " + result.echo.localPort +
        " (" + result.echo.ms.toFixed(1) + " ms)"),
    );
    const dl = el("dl");
    dl.append(el("dt", "sent"), el("dd", result.echo.sent), el("dt", "echoed"));
    const echoed = el("dd", result.echo.received);
    echoed.id = "echo-received";
    dl.append(echoed);
    box.append(dl);
    out.replaceChildren(box);
  } catch (error) {
    out.replaceChildren(el("p", "failed: " + error.message, "pill bad"));
  } finally {
    button.disabled = false;
  }
});

// The certificate and the services.
async function info() {
  const data = await (await fetch("/api/info")).json();
  const badges = $("badges");
  for (const [name, value] of Object.entries(data.services)) badges.append(el("code", name + " " + value));
  $("runtime").textContent = "Running on " + data.runtime + ".";
  const cert = $("cert");
  data.certificate.forEach((c, i) => {
    cert.append(el("h3", i === 0 ? "Leaf" : "Issuer (development root)"));
    const dl = el("dl");
    const add = (k, v) => dl.append(el("dt", k), el("dd", v));
    add("subject", c.subject);
    add("issuer", c.issuer);
    if (c.names.length) add("names", c.names.join(", "));
    add("valid", c.notBefore.slice(0, 10) + " to " + c.notAfter.slice(0, 10));
    add("key", c.publicKey);
    add("signature", c.signatureAlgorithm);
    if (c.extendedKeyUsage.length) add("usage", c.extendedKeyUsage.join(", "));
    if (c.permittedNames.length) add("only for", c.permittedNames.slice(0, 6).join(", ") + (c.permittedNames.length > 6 ? ", ..." : ""));
    add("SHA-256", c.sha256);
    add("SPKI pin", c.spkiSha256);
    cert.append(dl);
  });
  const hint = el("p", "Trust the development root (" + data.caPath + "): wirestack cert ca", "hint muted");
  cert.append(hint);
  if (location.protocol === "https:") {
    cert.append(el("p", "This page's connection is encrypted with the leaf above.", "hint muted"));
  }
}

info().catch(() => {});
poll();
startPolling();
`;
