// Drives nightlight HTML reports in headless Chromium and prints what it
// observed as JSON on stdout; browser_test.go decides whether that is right.
//
// Usage: node report.e2e.mjs CONFIG.json
// CONFIG: {"chromium": "/usr/bin/chromium", "pages": [{"name", "file",
//   "overview", "click", "hoverEdge", "focus", "finding", "entry",
//   "classification", "zoom", "tables", "severity", "search", "screenshots",
//   "width", "height", "layout", "stacks"}]}
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// Flags that keep Chromium off the network and quiet in a sandboxed CI box.
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

const browser = await chromium.launch({ executablePath: config.chromium, headless: true, args });
const results = [];
try {
  for (const p of config.pages) {
    results.push(await drive(p));
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 1) + '\n');

function attr(id) {
  return id.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

async function drive(p) {
  const context = await browser.newContext({ viewport: { width: p.width || 1600, height: p.height || 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const out = { name: p.name, requests: [], consoleErrors: [], pageErrors: [], screenshots: [] };
  page.on('request', (r) => out.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') out.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => out.pageErrors.push(String(e && e.message || e)));
  const url = pathToFileURL(p.file).href;
  out.url = url;
  const shot = async (what) => {
    if (!p.screenshots) return;
    const file = join(p.screenshots, `${p.name}-${what}.png`);
    await page.screenshot({ path: file });
    out.screenshots.push(file);
  };
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  out.loadMs = Date.now() - t0;
  const nl = (fn, arg) => page.evaluate(fn, arg);
  out.firstRenderMs = await nl(() => window.nightlight.firstRenderMs);
  out.timings = await nl(() => window.nightlight.timings);
  out.nodeCount = await nl(() => window.nightlight.nodeCount());
  out.edgeCount = await nl(() => window.nightlight.edgeCount());
  out.rendered = await nl(() => window.nightlight.rendered());
  await shot('initial');
  if (p.layout) {
    // Everything of the page chrome is inside the window and nothing
    // overlaps: the bar, the graph, its legend (every entry), the panel.
    out.layout = await page.evaluate(() => {
      const r = (e) => e.getBoundingClientRect();
      const W = window.innerWidth, H = window.innerHeight, clipped = [];
      const inside = (name, b) => { if (b.left < 0 || b.top < 0 || b.right > W + 0.5 || b.bottom > H + 0.5 || b.width === 0) { clipped.push(name); } };
      const bar = r(document.querySelector('.bar')), canvas = r(document.querySelector('.canvas')), legend = r(document.getElementById('nl-legend'));
      inside('bar', bar); inside('canvas', canvas); inside('legend', legend); inside('panel', r(document.querySelector('.side')));
      document.querySelectorAll('#nl-legend .lg').forEach((e, i) => { if (getComputedStyle(e).display !== 'none') { inside('legend entry ' + i + ' ' + e.textContent, r(e)); } });
      document.querySelectorAll('.bar > *').forEach((e) => { if (!e.hidden) { inside('bar item ' + (e.id || e.textContent.trim()), r(e)); } });
      return { clipped, overlaps: bar.bottom > canvas.top + 0.5 || canvas.bottom > legend.top + 0.5, title: document.getElementById('nl-title').textContent,
        docTitle: document.title, scrollW: document.documentElement.scrollWidth, scrollH: document.documentElement.scrollHeight, W, H };
    });
  }
  if (p.stacks) {
    // Several stacks: each starts collapsed into a box; a click expands one,
    // a finding reveals its stack, "Collapse all" folds them back.
    out.stacks = { boxes: await nl(() => window.nightlight.boxes()), rendered: await nl(() => window.nightlight.rendered()) };
    await page.locator(`g.stackbox[data-stack-id="${attr(p.stacks)}"]`).click();
    out.stacks.expandedByClick = await nl(() => window.nightlight.expanded());
    out.stacks.renderedAfterClick = await nl(() => window.nightlight.rendered());
    await shot('stack-expanded');
    await page.locator(`g.frame-h[data-stack-toggle="${attr(p.stacks)}"]`).click();
    out.stacks.expandedAfterToggle = await nl(() => window.nightlight.expanded());
    await page.locator('li[data-finding-index="0"]').click();
    out.stacks.expandedByFinding = await nl(() => window.nightlight.expanded());
    out.stacks.findingHighlighted = await nl(() => window.nightlight.highlighted());
    await page.click('#nl-collapse');
    out.stacks.boxesAfterCollapse = await nl(() => window.nightlight.boxes());
    await page.click('#nl-expand');
    out.stacks.boxesAfterExpand = await nl(() => window.nightlight.boxes());
    out.stacks.renderedAfterExpand = await nl(() => window.nightlight.rendered());
    await shot('stacks-all');
  }
  if (p.overview) {
    await page.click('#nl-fit');
    out.overviewFar = await page.$eval('#nl-svg', (s) => s.classList.contains('far'));
    await shot('overview');
    await page.click('#nl-fit');
    // The minimap shows for a graph taller than the view; a click scrolls.
    out.miniShown = await page.$eval('.mini', (m) => !m.hidden);
    const before = await page.$eval('#nl-view', (g) => g.getAttribute('transform'));
    const m = await page.locator('#nl-mini').boundingBox();
    await page.mouse.click(m.x + m.width / 2, m.y + m.height * 0.9);
    out.miniScrolled = (await page.$eval('#nl-view', (g) => g.getAttribute('transform'))) !== before;
    await shot('minimap');
    await page.click('#nl-fit');
  }

  if (p.click) {
    const node = page.locator(`g[data-node-id="${attr(p.click)}"]`);
    const box = await node.boundingBox();
    const svg = await page.locator('#nl-svg').boundingBox();
    if (!box || box.x < svg.x || box.y < svg.y || box.x + box.width > svg.x + svg.width || box.y + box.height > svg.y + svg.height) {
      await nl((id) => window.nightlight.center(id), p.click);
    }
    await node.hover();
    out.tip = await page.locator('#nl-tip').innerText();
    if (p.hoverEdge) {
      await page.locator(`path[data-hit="${p.hoverEdge}"]`).hover();
      out.edgeTip = await page.locator('#nl-tip').innerText();
    }
    const t1 = Date.now();
    await node.click();
    out.clickMs = Date.now() - t1;
    out.highlighted = await nl(() => window.nightlight.highlighted());
    out.highlightedEdges = await nl(() => window.nightlight.highlightedEdges());
    await shot('selected');
    if (p.focus) {
      await page.click('#nl-focus');
      out.focused = await nl(() => window.nightlight.rendered());
      await shot('focused');
      await page.click('#nl-focus');
    }
  }
  if (p.finding !== undefined && p.finding !== null) {
    await page.locator(`li[data-finding-index="${p.finding}"]`).click();
    out.findingHighlighted = await nl(() => window.nightlight.highlighted());
  }
  if (p.search) {
    await page.fill('#nl-search', p.search);
    out.matches = await nl(() => window.nightlight.matches());
    await page.fill('#nl-search', '');
  }
  if (p.severity) {
    await page.selectOption('#nl-severity', p.severity);
    out.filtered = {
      rendered: await nl(() => window.nightlight.rendered()),
      edgeCount: await nl(() => window.nightlight.edgeCount()),
      findings: await nl(() => window.nightlight.visibleFindings()),
    };
    await shot('filtered');
  }
  if (p.entry) {
    await page.click('#nl-clear');
    await page.selectOption('#nl-entry', p.entry);
    out.entryFiltered = await nl(() => window.nightlight.rendered());
    await page.click('#nl-clear');
  }
  if (p.classification) {
    await page.click('#nl-clear');
    await page.selectOption('#nl-class', p.classification);
    out.classFiltered = await nl(() => window.nightlight.rendered());
    await shot('classification');
    await page.click('#nl-clear');
  }
  if (p.zoom) {
    const scale = () => page.$eval('#nl-view', (g) => Number(/scale\(([^)]+)\)/.exec(g.getAttribute('transform'))[1]));
    const before = await scale();
    await page.click('#nl-zoom-in');
    const after = await scale();
    const t = () => page.$eval('#nl-view', (g) => g.getAttribute('transform'));
    const beforePan = await t();
    const svg = await page.locator('#nl-svg').boundingBox();
    await page.mouse.move(svg.x + 20, svg.y + 20);
    await page.mouse.down();
    await page.mouse.move(svg.x + 120, svg.y + 70, { steps: 5 });
    await page.mouse.up();
    out.zoom = { ratio: after / before, panned: (await t()) !== beforePan };
    await page.click('#nl-fit');
  }
  if (p.tables) {
    // The cost table starts sorted by $/hour, most expensive first; a click
    // on its header reverses it. The surface table sorts by a click.
    await page.click('#nl-clear');
    out.afterClear = { nodeCount: await nl(() => window.nightlight.nodeCount()), highlighted: await nl(() => window.nightlight.highlighted()) };
    await page.click('[data-tab="cost"]');
    const col = (tab) => page.$$eval(`#nl-tab-${tab} tbody tr td:first-child`, (tds) => tds.map((td) => td.textContent));
    out.costs = await col('cost');
    await shot('cost');
    await page.click('#nl-tab-cost th[data-col="0"]');
    out.costsReversed = await col('cost');
    await page.click('[data-tab="surface"]');
    await page.click('#nl-tab-surface th[data-col="0"]');
    out.surface = await col('surface');
    await page.click('#nl-tab-surface tbody tr:first-child');
    out.surfaceHighlighted = await nl(() => window.nightlight.highlighted());
    await shot('surface');
  }
  await context.close();
  return out;
}
