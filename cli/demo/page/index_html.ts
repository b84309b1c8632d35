// The demo page's HTML: five panels (live channel, connections, traffic,
// echo form, certificate); app.js fills them.

/** The page. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wirestack demo</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%230b7285'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/style.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header>
  <h1>wirestack <span class="muted">demo</span></h1>
  <p id="summary" class="muted">TCP, UDP, HTTP/1.1, WebSocket and TLS in TypeScript, served by the stack itself.</p>
  <div id="badges"></div>
</header>
<main>
  <section id="live-panel">
    <h2>Live channel <span id="ws-status" class="pill">connecting</span></h2>
    <p class="muted" id="ws-note">A WebSocket over the page's own TLS connection: messages are echoed to every open page, and the server pushes its counters here every second.</p>
    <div id="chat-log" aria-live="polite"></div>
    <form id="chat-form" autocomplete="off">
      <input id="chat-input" maxlength="500" placeholder="say something" disabled>
      <button id="chat-send" disabled>Send</button>
    </form>
  </section>
  <section id="connections-panel">
    <h2>Open connections <span id="rps" class="pill">0 req/s</span></h2>
    <table id="connections">
      <thead><tr><th>#</th><th>service</th><th>peer</th><th>open for</th><th>requests</th><th>bytes</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="totals" class="muted"></p>
  </section>
  <section id="traffic-panel">
    <h2>Traffic, last minute</h2>
    <svg id="chart" viewBox="0 0 600 180" role="img" aria-label="requests and echoed bytes per second"></svg>
    <p class="legend"><span class="key requests"></span> HTTP requests/s <span class="key bytes"></span> echoed KiB/s</p>
  </section>
  <section id="echo-panel">
    <h2>Echo through the stack</h2>
    <p class="muted">The page posts to this server, whose wirestack HTTP client calls the plain HTTP server's relay, which talks to the TCP or UDP echo service.</p>
    <form id="echo-form" autocomplete="off">
      <select id="echo-service"><option value="tcp">TCP echo</option><option value="udp">UDP echo</option></select>
      <input id="echo-message" maxlength="4096" value="hello, wire" required>
      <button id="echo-send">Send</button>
    </form>
    <div id="echo-result"></div>
  </section>
  <section id="cert-panel">
    <h2>Certificate served</h2>
    <div id="cert"></div>
  </section>
</main>
<footer class="muted">wirestack: a portable network stack for Deno and Node. <span id="runtime"></span></footer>
</body>
</html>
`;
