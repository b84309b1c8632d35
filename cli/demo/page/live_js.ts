// The demo page's live channel, kept apart from the rest of the page: a
// WebSocket to /ws (wss on the HTTPS page) that carries chat messages both
// ways and the server's counters every second. Served as /live.js.

/** live.js */
export const LIVE_JS = `/**
 * Opens the live channel. handlers: onStatus(state, detail), onStats(snapshot),
 * onChat(message). Returns { send(text), close() }.
 */
export function openLive(handlers) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(scheme + "//" + location.host + "/ws");
  let opened = false;
  socket.addEventListener("open", () => {
    opened = true;
    handlers.onStatus("open", socket.protocol || "");
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "stats") handlers.onStats(message.stats);
    else if (message.type === "chat") handlers.onChat(message);
  });
  socket.addEventListener("close", (event) => {
    handlers.onStatus(opened ? "closed" : "failed", String(event.code));
  });
  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "chat", text }));
    },
    close() {
      socket.close(1000, "bye");
    },
  };
}
`;
