// The demo page's traffic chart: two lines on an SVG, redrawn from the
// last minute of per-second counts. Browser JavaScript, served as /chart.js.

/** chart.js */
export const CHART_JS = `const NS = "http://www.w3.org/2000/svg";
const W = 600, H = 180, LEFT = 34, BOTTOM = 18, TOP = 10;

function node(name, attributes, text) {
  const element = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function niceMax(value) {
  if (value <= 5) return 5;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** Draws history (oldest first, one bucket per second) into svg. */
export function drawChart(svg, history) {
  const points = history.slice(-60);
  const requests = points.map((b) => b.requests);
  const kib = points.map((b) => b.bytes / 1024);
  const max = niceMax(Math.max(1, ...requests, ...kib));
  // the window grows with the history, up to a minute, so the first seconds show
  const span = Math.max(20, points.length);
  const x = (i) => LEFT + (i + span - points.length) * ((W - LEFT - 6) / (span - 1));
  const y = (v) => H - BOTTOM - (v / max) * (H - BOTTOM - TOP);
  svg.replaceChildren();
  for (const fraction of [0, 0.5, 1]) {
    const v = max * fraction;
    svg.append(node("line", { class: "grid", x1: LEFT, x2: W - 6, y1: y(v), y2: y(v) }));
    svg.append(node("text", { x: 4, y: y(v) + 4 }, String(Math.round(v * 10) / 10)));
  }
  svg.append(node("text", { x: LEFT, y: H - 4 }, "-" + span + " s"));
  svg.append(node("text", { x: W - 30, y: H - 4 }, "now"));
  const line = (values, cls) =>
    node("polyline", { class: cls, points: values.map((v, i) => x(i) + "," + y(v)).join(" ") });
  if (points.length > 0) {
    svg.append(line(requests, "requests"));
    svg.append(line(kib, "bytes"));
  }
}
`;
