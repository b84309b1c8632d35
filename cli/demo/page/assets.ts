// The demo page's files by path, with their content types.

import { APP_JS } from "./app_js.ts";
import { CHART_JS } from "./chart_js.ts";
import { INDEX_HTML } from "./index_html.ts";
import { LIVE_JS } from "./live_js.ts";
import { STYLE_CSS } from "./style_css.ts";

/** A file of the page. */
export interface PageAsset {
  type: string;
  body: string;
}

const JS = "text/javascript; charset=utf-8";

/** Every file of the page, by URL path. */
export const PAGE_ASSETS: Readonly<Record<string, PageAsset>> = Object.freeze({
  "/index.html": { type: "text/html; charset=utf-8", body: INDEX_HTML },
  "/style.css": { type: "text/css; charset=utf-8", body: STYLE_CSS },
  "/app.js": { type: JS, body: APP_JS },
  "/chart.js": { type: JS, body: CHART_JS },
  "/live.js": { type: JS, body: LIVE_JS },
});
