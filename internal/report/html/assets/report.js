// nightlight HTML report: lays out and draws the application graph as SVG and
// wires the findings, filters and tables. Every value from the report is put
// on the page with textContent or setAttribute, never parsed as HTML.
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var SEV = ['info', 'low', 'medium', 'high', 'critical'];
  // Roles share the last column with stores: both are what functions reach.
  var COL = { principal: 0, user: 0, 'entry-point': 1, 'function': 2, store: 3, role: 3 };
  var NODE_W = 200, NODE_H = 26, ROW = 34, COL_W = 290, PAD = 40, FAR = 0.45;
  // A collapsed stack is one box; an expanded one a frame around its nodes.
  var BOX_W = 330, BOX_H = 40, BAND_GAP = 18, FRAME_HEAD = 26, FRAME_PAD = 10;

  var timings = { start: performance.now() };
  var D = JSON.parse(document.getElementById('nl-data').textContent);
  timings.parse = performance.now() - timings.start;
  var $ = function (id) { return document.getElementById(id); };
  var svg = $('nl-svg'), tip = $('nl-tip'), statusEl = $('nl-status');

  function rank(s) { return SEV.indexOf(s); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function sel(tag, attrs) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    return e;
  }
  function short(s, n) { s = String(s || ''); return s.length > n ? s.slice(0, n - 1) + '…' : s; }
  // shortPath shortens a path from the left: the end names the stack.
  function shortPath(s, n) { s = String(s || ''); return s.length > n ? '…' + s.slice(s.length - n + 1) : s; }

  // ---- model --------------------------------------------------------------
  var nodes = D.nodes || [], edges = D.edges || [], findings = D.findings || [];
  var byId = Object.create(null);
  nodes.forEach(function (n) { byId[n.id] = n; });
  // Stacks: with several, nodes are grouped by stack and each stack starts
  // collapsed into one box; the principals stay outside every stack.
  var stacks = (D.stacks || []).filter(function (st) { return nodes.some(function (n) { return n.stack === st.id; }); });
  var multi = stacks.length > 1, stackById = Object.create(null), members = Object.create(null);
  stacks.forEach(function (st) { stackById[st.id] = st; members[st.id] = []; });
  nodes.forEach(function (n) { if (n.stack && members[n.stack]) { members[n.stack].push(n.id); } });
  var BOX = 'stack:';
  // Control direction: reads edges run store → function in the data but the
  // function reaches the store.
  var down = Object.create(null), up = Object.create(null);
  edges.forEach(function (e, i) {
    var from = e.kind === 'reads' ? e.to : e.from, to = e.kind === 'reads' ? e.from : e.to;
    (down[from] = down[from] || []).push([to, i]);
    (up[to] = up[to] || []).push([from, i]);
  });
  function walk(next, start, set, eset) {
    var queue = [start], seen = Object.create(null);
    seen[start] = true;
    while (queue.length) {
      var id = queue.shift(), out = next[id] || [];
      for (var j = 0; j < out.length; j++) {
        if (eset) { eset[out[j][1]] = true; }
        if (!seen[out[j][0]]) { seen[out[j][0]] = true; set[out[j][0]] = true; queue.push(out[j][0]); }
      }
    }
  }

  var state = { focus: null, hl: null, hlEdges: null, selected: null, finding: -1, q: '', severity: '', entry: '', cls: '',
    s: 1, tx: 0, ty: 0, w: 0, h: 0, open: Object.create(null) };
  // grouped reports whether node id is drawn inside its collapsed stack.
  function grouped(id) { var n = byId[id]; return multi && !!n && !!n.stack && !!stackById[n.stack] && !state.open[n.stack]; }
  // rep is what stands for node id on the page: itself, or its stack's box.
  function rep(id) { return grouped(id) ? BOX + byId[id].stack : id; }
  // reveal expands the stacks of ids; it reports whether one was collapsed.
  function reveal(ids) {
    var changed = false;
    ids.forEach(function (id) { if (grouped(id)) { state.open[byId[id].stack] = true; changed = true; } });
    return changed;
  }

  // visible returns the set of node IDs the filters keep, or null for all.
  function visible() {
    var sets = [];
    if (state.severity) {
      var s = Object.create(null), r = rank(state.severity);
      findings.forEach(function (f) { if (rank(f.severity) >= r) { (f.nodes || []).forEach(function (id) { s[id] = true; }); } });
      sets.push(s);
    }
    if (state.entry && byId[state.entry]) {
      var e = Object.create(null);
      e[state.entry] = true; walk(down, state.entry, e); walk(up, state.entry, e);
      sets.push(e);
    }
    if (state.cls) {
      var c = Object.create(null);
      nodes.forEach(function (n) { if (n.kind === 'store' && n.class === state.cls) { c[n.id] = true; walk(up, n.id, c); } });
      sets.push(c);
    }
    if (state.focus) { sets.push(state.focus); }
    if (!sets.length) { return null; }
    var out = Object.create(null);
    Object.keys(sets[0]).forEach(function (id) {
      if (byId[id] && sets.every(function (x) { return x[id]; })) { out[id] = true; }
    });
    return out;
  }

  // ---- layout: columns by kind, barycentric ordering, aligned rows -------
  function colOfKind(kind) { var c = COL[kind]; return c === undefined ? 3 : c; }
  function layout(vis) {
    var ids = [];
    nodes.forEach(function (n) { if (!vis || vis[n.id]) { ids.push(n.id); } });
    var shown = Object.create(null);
    ids.forEach(function (id) { shown[id] = true; });
    var l = multi ? layoutStacks(ids) : layoutCols(ids, false);
    l.shown = shown;
    return l;
  }
  // layoutCols places ids in columns by kind. With fixed, every kind keeps
  // its column (so that stacks line up); without, empty columns close up.
  function layoutCols(ids, fixed) {
    var cols = [[], [], [], []], at = Object.create(null);
    ids.forEach(function (id) { cols[colOfKind(byId[id].kind)].push(id); });
    var colIdx = [0, 1, 2, 3];
    if (!fixed) {
      colIdx = [];
      cols.forEach(function (c, i) { if (c.length) { colIdx.push(i); } });
      cols = cols.filter(function (c) { return c.length; });
    }
    var colOf = Object.create(null);
    cols.forEach(function (c, ci) {
      c.sort(function (a, b) {
        var x = byId[a], y = byId[b];
        if (!!x.anon !== !!y.anon) { return x.anon ? -1 : 1; }
        return x.name < y.name ? -1 : x.name > y.name ? 1 : (a < b ? -1 : a > b ? 1 : 0);
      });
      c.forEach(function (id) { colOf[id] = ci; });
    });
    var nb = Object.create(null);
    edges.forEach(function (e) {
      if (colOf[e.from] === undefined || colOf[e.to] === undefined || colOf[e.from] === colOf[e.to]) { return; }
      (nb[e.from] = nb[e.from] || []).push(e.to);
      (nb[e.to] = nb[e.to] || []).push(e.from);
    });
    var p = Object.create(null);
    function norm(c) { c.forEach(function (id, i) { p[id] = (i + 0.5) / c.length; }); }
    cols.forEach(norm);
    function sweep(ci, side) {
      var c = cols[ci], bary = Object.create(null), idx = Object.create(null);
      c.forEach(function (id, i) {
        idx[id] = i;
        var sum = 0, k = 0;
        (nb[id] || []).forEach(function (m) { var cm = colOf[m]; if (side < 0 ? cm < ci : cm > ci) { sum += p[m]; k++; } });
        bary[id] = k ? sum / k : p[id];
      });
      c.sort(function (a, b) { return bary[a] - bary[b] || idx[a] - idx[b]; });
      norm(c);
    }
    for (var it = 0; it < 4; it++) {
      for (var ci = 1; ci < cols.length; ci++) { sweep(ci, -1); }
      for (ci = cols.length - 2; ci >= 0; ci--) { sweep(ci, 1); }
    }
    // Rows: the tallest column is packed; the others sit near the mean of
    // their neighbours, in order, without overlapping.
    var tall = 0;
    cols.forEach(function (c) { tall = Math.max(tall, c.length); });
    var H = tall * ROW, y = Object.create(null);
    cols.forEach(function (c) { var off = (H - c.length * ROW) / 2; c.forEach(function (id, i) { y[id] = off + i * ROW; }); });
    for (it = 0; it < 2; it++) {
      cols.forEach(function (c) {
        if (c.length === tall) { return; }
        var want = c.map(function (id) {
          var l = nb[id] || [], sum = 0;
          if (!l.length) { return y[id]; }
          l.forEach(function (m) { sum += y[m]; });
          return sum / l.length;
        });
        for (var i = 0; i < c.length; i++) { y[c[i]] = Math.max(want[i], i ? y[c[i - 1]] + ROW : 0); }
        for (i = c.length - 1; i >= 0; i--) { y[c[i]] = Math.min(y[c[i]], i < c.length - 1 ? y[c[i + 1]] - ROW : H - ROW); }
        for (i = 0; i < c.length; i++) { y[c[i]] = Math.max(y[c[i]], i ? y[c[i - 1]] + ROW : 0); }
      });
    }
    cols.forEach(function (c, ci) { c.forEach(function (id) { at[id] = { x: ci * COL_W, y: y[id], c: colIdx[ci], w: NODE_W, h: NODE_H }; }); });
    return { at: at, boxes: [], frames: [], w: Math.max(1, cols.length) * COL_W - (COL_W - NODE_W), h: Math.max(H, ROW) };
  }
  // layoutStacks lays out a multi-stack graph: the principals outside any
  // stack in the first column, then one band per stack, in stack order: a
  // box for a collapsed stack, its nodes in columns inside a frame for an
  // expanded one. Columns line up across the expanded stacks.
  function layoutStacks(ids) {
    var global = [], by = Object.create(null), at = Object.create(null), boxes = [], frames = [];
    ids.forEach(function (id) {
      var n = byId[id];
      if (n.stack && stackById[n.stack]) { (by[n.stack] = by[n.stack] || []).push(id); } else { global.push(id); }
    });
    // Band columns in use by the expanded stacks, packed left to right
    // after the column of the principals.
    var used = [false, false, false, false];
    stacks.forEach(function (st) {
      if (state.open[st.id] && by[st.id]) { by[st.id].forEach(function (id) { used[colOfKind(byId[id].kind)] = true; }); }
    });
    var xcol = [], next = 1;
    used.forEach(function (u, i) { xcol[i] = next; if (u) { next++; } });
    var y = 0, right = COL_W + BOX_W;
    stacks.forEach(function (st) {
      var list = by[st.id];
      if (!list) { return; }
      if (!state.open[st.id]) {
        var key = BOX + st.id;
        at[key] = { x: COL_W, y: y, c: 1, w: BOX_W, h: BOX_H, box: st.id, n: list.length };
        boxes.push(key);
        y += BOX_H + BAND_GAP;
        return;
      }
      var inner = layoutCols(list, true), top = y + FRAME_HEAD, x1 = 0;
      list.forEach(function (id) {
        var a = inner.at[id], c = colOfKind(byId[id].kind);
        at[id] = { x: xcol[c] * COL_W, y: top + a.y, c: xcol[c], w: NODE_W, h: NODE_H };
        x1 = Math.max(x1, at[id].x + NODE_W);
      });
      var x0 = COL_W - FRAME_PAD, fw = Math.max(BOX_W + 2 * FRAME_PAD, x1 + FRAME_PAD - x0);
      frames.push({ id: st.id, x: x0, y: y, w: fw, h: FRAME_HEAD + inner.h + FRAME_PAD, n: list.length });
      right = Math.max(right, x0 + fw);
      y += FRAME_HEAD + inner.h + FRAME_PAD + BAND_GAP;
    });
    // Principals sit near what they reach, in order, without overlapping.
    var want = Object.create(null);
    global.forEach(function (id, i) {
      var sum = 0, k = 0;
      (down[id] || []).concat(up[id] || []).forEach(function (p) {
        var a = at[rep(p[0])];
        if (a && a.c > 0) { sum += a.y + a.h / 2; k++; }
      });
      want[id] = k ? sum / k - NODE_H / 2 : i * ROW;
    });
    global.sort(function (a, b) {
      var x = byId[a].name, z = byId[b].name;
      return want[a] - want[b] || (x < z ? -1 : x > z ? 1 : (a < b ? -1 : a > b ? 1 : 0));
    });
    var last = -ROW;
    global.forEach(function (id) {
      var gy = Math.max(want[id], last + ROW);
      at[id] = { x: 0, y: gy, c: 0, w: NODE_W, h: NODE_H };
      last = gy;
    });
    return { at: at, boxes: boxes, frames: frames, w: right, h: Math.max(y - BAND_GAP, last + ROW, ROW) };
  }

  // ---- drawing -------------------------------------------------------------
  var view, lay, nodeEls = Object.create(null), edgeEls = [], boxEls = Object.create(null), edgeByIndex = Object.create(null);
  function shape(kind) {
    var w = NODE_W, h = NODE_H;
    switch (kind) {
      case 'principal': return sel('rect', { 'class': 'shape', width: w, height: h, rx: h / 2 });
      case 'entry-point': return sel('polygon', { 'class': 'shape', points: '0,0 ' + (w - 12) + ',0 ' + w + ',' + h / 2 + ' ' + (w - 12) + ',' + h + ' 0,' + h });
      case 'store': return sel('path', { 'class': 'shape', d: 'M0,5 a' + w / 2 + ',5 0 0 1 ' + w + ',0 v' + (h - 8) + ' a' + w / 2 + ',5 0 0 1 -' + w + ',0 z M0,5 a' + w / 2 + ',5 0 0 0 ' + w + ',0' });
      case 'role': return sel('polygon', { 'class': 'shape', points: '10,0 ' + (w - 10) + ',0 ' + w + ',' + h / 2 + ' ' + (w - 10) + ',' + h + ' 10,' + h + ' 0,' + h / 2 });
    }
    return sel('rect', { 'class': 'shape', width: w, height: h, rx: 4 });
  }
  function edgePath(a, b, k) {
    var off = { reads: -4, writes: 4, manages: 7, assumes: -7, controls: 10, 'reads-code': -10, 'reads-config': -12 }[k] || 0;
    var x1, y1 = a.y + a.h / 2 + off, x2, y2 = b.y + b.h / 2 + off, dx;
    if (a.c < b.c) { x1 = a.x + a.w; x2 = b.x - 2; }
    else if (a.c > b.c) { x1 = a.x; x2 = b.x + b.w + 2; }
    else {
      x1 = a.x + a.w; x2 = b.x + b.w + 2; dx = 40 + Math.min(80, Math.abs(y2 - y1) / 4);
      return 'M' + x1 + ',' + y1 + ' C' + (x1 + dx) + ',' + y1 + ' ' + (x2 + dx) + ',' + y2 + ' ' + x2 + ',' + y2;
    }
    dx = (x2 - x1) / 2;
    return 'M' + x1 + ',' + y1 + ' C' + (x1 + dx) + ',' + y1 + ' ' + (x2 - dx) + ',' + y2 + ' ' + x2 + ',' + y2;
  }
  // drawnEdges maps the edges onto what stands for their ends: one path per
  // edge between drawn nodes, one per (from, to, kind) for edges into or out
  // of a collapsed stack, none inside one. Each keeps its edge indices.
  function drawnEdges() {
    var out = [], agg = Object.create(null);
    edges.forEach(function (e, i) {
      var f = rep(e.from), t = rep(e.to);
      if (!lay.at[f] || !lay.at[t] || !lay.shown[e.from] || !lay.shown[e.to]) { return; }
      if (f === e.from && t === e.to) { out.push({ from: f, to: t, kind: e.kind, idx: [i] }); return; }
      if (f === t) { return; }
      var k = f + '\u0000' + t + '\u0000' + e.kind;
      if (!agg[k]) { agg[k] = { from: f, to: t, kind: e.kind, idx: [] }; out.push(agg[k]); }
      agg[k].idx.push(i);
    });
    return out;
  }
  // stackSummary counts a stack's functions, entry points and stores, and
  // finds its worst finding severity.
  function stackSummary(id) {
    var c = { 'function': 0, 'entry-point': 0, store: 0, role: 0, user: 0 }, worst = '';
    (members[id] || []).forEach(function (m) {
      var n = byId[m];
      if (c[n.kind] !== undefined) { c[n.kind]++; }
      if (n.severity && rank(n.severity) > rank(worst)) { worst = n.severity; }
    });
    var parts = [];
    [['function', 'function', 'functions'], ['entry-point', 'entry point', 'entry points'], ['store', 'store', 'stores']].forEach(function (k) {
      if (c[k[0]]) { parts.push(c[k[0]] + ' ' + (c[k[0]] === 1 ? k[1] : k[2])); }
    });
    if (!parts.length) {
      // No function, entry point or store: say what there is.
      [['role', 'role', 'roles'], ['user', 'IAM user', 'IAM users']].forEach(function (k) {
        if (c[k[0]]) { parts.push(c[k[0]] + ' ' + (c[k[0]] === 1 ? k[1] : k[2])); }
      });
    }
    var n = (members[id] || []).length;
    return { text: parts.join(' · ') || n + (n === 1 ? ' node' : ' nodes'), worst: worst };
  }
  function toggleStack(id, open) {
    if (!stackById[id]) { return; }
    state.open[id] = open === undefined ? !state.open[id] : open;
    draw();
  }
  function draw() {
    var t0 = performance.now(), vis = visible();
    lay = layout(vis);
    var t1 = performance.now();
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    nodeEls = Object.create(null); edgeEls = []; boxEls = Object.create(null); edgeByIndex = Object.create(null);
    var defs = sel('defs', {});
    ['invokes', 'reads', 'writes', 'manages', 'assumes', 'controls', 'reads-code', 'reads-config'].forEach(function (k) {
      var m = sel('marker', { id: 'arrow-' + k, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', 'class': 'm-' + k });
      m.appendChild(sel('path', { d: 'M0,0 L10,5 L0,10 z' }));
      defs.appendChild(m);
    });
    svg.appendChild(defs);
    view = sel('g', { id: 'nl-view' });
    var gf = sel('g', { 'class': 'frames' }), ge = sel('g', { 'class': 'edges' }), gn = sel('g', { 'class': 'nodes' });
    lay.frames.forEach(function (f) {
      var st = stackById[f.id], g = sel('g', { 'class': 'frame', 'data-stack-id': f.id, 'data-open': 'true' });
      g.appendChild(sel('rect', { 'class': 'frame-r', x: f.x, y: f.y, width: f.w, height: f.h, rx: 6 }));
      var head = sel('g', { 'class': 'frame-h', 'data-stack-toggle': f.id, tabindex: 0, role: 'button', 'aria-expanded': 'true',
        'aria-label': 'collapse stack ' + st.name });
      head.appendChild(sel('rect', { 'class': 'frame-hr', x: f.x, y: f.y, width: f.w, height: FRAME_HEAD - 4, rx: 6 }));
      var t = sel('text', { 'class': 'frame-t', x: f.x + 10, y: f.y + 16 });
      t.textContent = '▾ ' + shortPath(st.name, Math.max(20, Math.floor(f.w / 7.2) - 30)) + '  (' + stackSummary(f.id).text + ')';
      head.appendChild(t);
      g.appendChild(head);
      gf.appendChild(g);
    });
    drawnEdges().forEach(function (de) {
      var a = lay.at[de.from], b = lay.at[de.to];
      var d = edgePath(a, b, de.kind), i = de.idx[0];
      var p = sel('path', { 'class': 'edge e-' + de.kind + (de.idx.length > 1 ? ' agg' : ''), d: d, 'marker-end': 'url(#arrow-' + de.kind + ')',
        'data-edge-from': de.from, 'data-edge-to': de.to, 'data-edge-kind': de.kind, 'data-edge-index': i, 'data-highlighted': 'false' });
      if (de.idx.length > 1) { p.setAttribute('data-edge-count', de.idx.length); p.setAttribute('stroke-width', Math.min(6, 1.4 + Math.log(de.idx.length))); }
      p.idx = de.idx;
      edgeEls.push(p); ge.appendChild(p);
      // A wide transparent twin makes the thin edge easy to hover.
      var hit = sel('path', { 'class': 'hit', d: d, 'data-hit': i });
      edgeByIndex[i] = p;
      ge.appendChild(hit);
    });
    lay.boxes.forEach(function (key) {
      var a = lay.at[key], st = stackById[a.box], sum = stackSummary(a.box);
      var g = sel('g', { 'class': 'stackbox', transform: 'translate(' + a.x + ',' + a.y + ')', 'data-stack-id': a.box, 'data-stack-toggle': a.box,
        'data-highlighted': 'false', tabindex: 0, role: 'button', 'aria-expanded': 'false', 'aria-label': 'stack ' + st.name + ': ' + sum.text + '; expand' });
      g.appendChild(sel('rect', { 'class': 'shape', width: BOX_W, height: BOX_H, rx: 6 }));
      var lx = 10;
      if (sum.worst) {
        var dot = sel('circle', { 'class': 'sev sev-' + sum.worst, cx: lx + 3, cy: 13, r: 4.5 });
        var dt = sel('title', {}); dt.textContent = 'worst finding: ' + sum.worst; dot.appendChild(dt);
        g.appendChild(dot); lx += 12;
      }
      var t = sel('text', { 'class': 'lbl', x: lx, y: 17 });
      t.textContent = '▸ ' + shortPath(st.name, 44);
      g.appendChild(t);
      var t2 = sel('text', { 'class': 'box-sub', x: 10, y: 33 });
      t2.textContent = sum.text;
      g.appendChild(t2);
      boxEls[a.box] = g; gn.appendChild(g);
    });
    nodes.forEach(function (n) {
      var a = lay.at[n.id];
      if (!a) { return; }
      var cls = 'node k-' + n.kind + (n.anon ? ' anon' : '') + (n.classified ? ' classified' : '');
      var g = sel('g', { 'class': cls, transform: 'translate(' + a.x + ',' + a.y + ')', 'data-node-id': n.id, 'data-kind': n.kind,
        'data-highlighted': 'false', tabindex: 0, role: 'button', 'aria-label': n.kind + ' ' + n.name });
      g.appendChild(shape(n.kind));
      var lx = n.kind === 'role' ? 14 : 9;
      if (n.severity) {
        var dot = sel('circle', { 'class': 'sev sev-' + n.severity, cx: lx + 3, cy: NODE_H / 2, r: 4.5 });
        var dt = sel('title', {}); dt.textContent = 'worst finding: ' + n.severity; dot.appendChild(dt);
        g.appendChild(dot); lx += 12;
      }
      var t = sel('text', { 'class': 'lbl', x: lx, y: NODE_H / 2 + 4 });
      t.textContent = short(n.name, n.anon || n.classified ? 21 : 27);
      g.appendChild(t);
      if (n.anon || n.classified) {
        var badge = n.anon ? (n.kind === 'principal' ? 'ANON' : 'PUBLIC') : short(String(n.class).toUpperCase(), 6);
        g.appendChild(sel('rect', { 'class': 'badge', x: NODE_W - 58, y: 5, width: 44, height: NODE_H - 10, rx: 3 }));
        var bt = sel('text', { 'class': 'badge-t', x: NODE_W - 36, y: NODE_H / 2 + 3.5 });
        bt.textContent = badge; g.appendChild(bt);
      }
      nodeEls[n.id] = g; gn.appendChild(g);
    });
    view.appendChild(gf); view.appendChild(ge); view.appendChild(gn); svg.appendChild(view);
    if (!Object.keys(lay.at).length) {
      var msg = sel('text', { 'class': 'empty-graph', x: 0, y: 16 });
      msg.textContent = nodes.length ? 'No node matches the filters.' : 'The graph is empty: no principal, entry point, function or store was found.';
      view.appendChild(msg);
    }
    drawMini(); applyHighlight(); applySearch(); applyFindingFilter(); fit();
    timings.layout = t1 - t0; timings.draw = performance.now() - t1;
    var shown = Object.keys(lay.shown).length, drawn = Object.keys(nodeEls).length;
    var line = shown === nodes.length ? nodes.length + ' nodes' : shown + ' of ' + nodes.length + ' nodes shown';
    if (multi) {
      var open = stacks.filter(function (st) { return state.open[st.id]; }).length;
      line += ' in ' + stacks.length + ' stacks (' + (open ? open + ' expanded' : 'click one to expand') + ')';
      if (drawn < shown) { line += ' · ' + drawn + ' drawn'; }
    }
    statusEl.textContent = line + ' · ' + edgeEls.length + ' edges';
  }

  // ---- zoom and pan --------------------------------------------------------
  function setView() {
    if (view) { view.setAttribute('transform', 'translate(' + state.tx + ',' + state.ty + ') scale(' + state.s + ')'); }
    svg.classList.toggle('far', state.s < FAR);
    miniView();
  }

  // ---- minimap: the whole graph in a strip, for graphs taller than the view
  var mini = $('nl-mini'), miniBox = null, miniK = 1;
  function drawMini() {
    while (mini.firstChild) { mini.removeChild(mini.firstChild); }
    mini.parentNode.hidden = false;
    var H = mini.getBoundingClientRect().height || 400, W = 64;
    miniK = Math.min(W / lay.w, H / lay.h);
    var g = sel('g', {});
    Object.keys(lay.at).sort().forEach(function (id) {
      var a = lay.at[id], n = byId[id];
      var cls = n ? 'mn k-' + n.kind + (n.anon || n.classified ? ' mark' : '') : 'mn k-stack';
      g.appendChild(sel('rect', { 'class': cls, x: a.x * miniK, y: a.y * miniK, width: Math.max(2, a.w * miniK), height: Math.max(1, a.h * miniK) }));
    });
    mini.appendChild(g);
    miniBox = sel('rect', { 'class': 'mini-view', x: 0, y: 0, width: 0, height: 0 });
    mini.appendChild(miniBox);
  }
  function miniView() {
    if (!miniBox || !lay) { return; }
    var r = svg.getBoundingClientRect();
    mini.parentNode.hidden = lay.h * state.s <= r.height && lay.w * state.s <= r.width;
    var k = miniK / state.s;
    miniBox.setAttribute('x', -state.tx * k); miniBox.setAttribute('y', -state.ty * k);
    miniBox.setAttribute('width', r.width * k); miniBox.setAttribute('height', r.height * k);
  }
  function miniJump(ev) {
    var m = mini.getBoundingClientRect(), r = svg.getBoundingClientRect();
    state.ty = r.height / 2 - (ev.clientY - m.top) / miniK * state.s;
    setView();
  }
  var miniDrag = false;
  mini.addEventListener('pointerdown', function (ev) { miniDrag = true; mini.setPointerCapture(ev.pointerId); miniJump(ev); });
  mini.addEventListener('pointermove', function (ev) { if (miniDrag) { miniJump(ev); } });
  mini.addEventListener('pointerup', function () { miniDrag = false; });
  var fitted = '';
  function fit(all) {
    // The rightmost 80 pixels are left to the minimap.
    var r = svg.getBoundingClientRect(), W = (r.width || 800) - 80, H = r.height || 600;
    var s = Math.min(1.6, (W - 2 * PAD) / lay.w, (H - 2 * PAD) / lay.h);
    if (!Object.keys(lay.at).length) { state.s = 1; state.tx = PAD; state.ty = PAD; setView(); return; }
    if (all !== true && s < FAR) { s = Math.max(FAR, Math.min(1, (W - 2 * PAD) / lay.w)); state.ty = PAD; }
    else { state.ty = (H - lay.h * s) / 2; }
    state.s = s; state.tx = Math.max(PAD, (W - lay.w * s) / 2);
    setView();
    if (all !== true && view) { fitted = view.getAttribute('transform'); }
  }
  function zoom(f, cx, cy) {
    var r = svg.getBoundingClientRect();
    if (cx === undefined) { cx = r.width / 2; cy = r.height / 2; }
    var s = Math.max(0.05, Math.min(4, state.s * f));
    state.tx = cx - (cx - state.tx) * s / state.s; state.ty = cy - (cy - state.ty) * s / state.s; state.s = s;
    setView();
  }
  function center(id) {
    if (byId[id] && reveal([id])) { draw(); }
    var a = lay && lay.at[id]; if (!a) { return; }
    var r = svg.getBoundingClientRect(), sx = a.x * state.s + state.tx, sy = a.y * state.s + state.ty;
    if (sx >= 0 && sy >= 0 && sx + a.w * state.s <= r.width && sy + a.h * state.s <= r.height - 40) { return; }
    if (state.s < 0.6) { state.s = 0.8; }
    state.tx = r.width / 2 - (a.x + a.w / 2) * state.s; state.ty = r.height / 2 - (a.y + a.h / 2) * state.s;
    setView();
  }
  var drag = null;
  svg.addEventListener('pointerdown', function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, tx: state.tx, ty: state.ty, moved: false, node: nodeOf(ev.target) };
  });
  svg.addEventListener('pointermove', function (ev) {
    if (!drag) { return; }
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    if (!drag.moved) { drag.moved = true; svg.setPointerCapture(ev.pointerId); svg.classList.add('panning'); }
    state.tx = drag.tx + dx; state.ty = drag.ty + dy; setView();
  });
  svg.addEventListener('pointerup', function (ev) {
    var d = drag; drag = null; svg.classList.remove('panning');
    if (!d || d.moved) { return; }
    var st = toggleOf(ev.target);
    if (st) { toggleStack(st); return; }
    var id = nodeOf(ev.target);
    if (id) { select(id); } else { clearHighlight(); }
  });
  svg.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect();
    if (ev.ctrlKey || ev.metaKey) { zoom(Math.exp(-ev.deltaY * 0.002), ev.clientX - r.left, ev.clientY - r.top); }
    else { state.tx -= ev.deltaX; state.ty -= ev.deltaY; setView(); }
  }, { passive: false });
  svg.addEventListener('keydown', function (ev) {
    var id = nodeOf(ev.target), st = toggleOf(ev.target);
    if (st && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); toggleStack(st); return; }
    if (id && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); select(id); }
  });
  // toggleOf returns the stack whose box or frame heading t is in.
  function toggleOf(t) {
    while (t && t !== svg) { if (t.getAttribute && t.getAttribute('data-stack-toggle') !== null) { return t.getAttribute('data-stack-toggle'); } t = t.parentNode; }
    return null;
  }
  function stackOfEl(t) {
    while (t && t !== svg) { if (t.getAttribute && t.getAttribute('data-stack-id') !== null) { return t.getAttribute('data-stack-id'); } t = t.parentNode; }
    return null;
  }
  function nodeOf(t) {
    while (t && t !== svg) { if (t.getAttribute && t.getAttribute('data-node-id') !== null) { return t.getAttribute('data-node-id'); } t = t.parentNode; }
    return null;
  }

  // ---- tooltips ------------------------------------------------------------
  function showTip(ev, lines) {
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    lines.forEach(function (l, i) { if (l[1] !== undefined && l[1] !== null && l[1] !== '') { tip.appendChild(el('div', i ? '' : 'tip-h', (l[0] ? l[0] + ': ' : '') + l[1])); } });
    tip.hidden = false;
    var r = svg.parentNode.getBoundingClientRect();
    tip.style.left = Math.min(ev.clientX - r.left + 14, r.width - 320) + 'px';
    tip.style.top = (ev.clientY - r.top + 14) + 'px';
  }
  svg.addEventListener('mouseover', function (ev) {
    var id = nodeOf(ev.target);
    if (id) {
      var n = byId[id];
      showTip(ev, [['', n.name], ['kind', n.kind + (n.sub ? ' (' + n.sub + ')' : '')], ['id', n.id], ['evidence', n.at || 'unknown'],
        ['auth', n.auth], ['data', n.class], ['stack', n.stack ? (stackById[n.stack] || { name: n.stack }).name : ''], ['worst finding', n.severity],
        ['reaches', (down[id] || []).length + ' · reached by ' + (up[id] || []).length]]);
      return;
    }
    var sid = stackOfEl(ev.target);
    if (sid && stackById[sid]) {
      var sum = stackSummary(sid);
      showTip(ev, [['', stackById[sid].name], ['stack', sid], ['holds', sum.text], ['worst finding', sum.worst],
        ['', state.open[sid] ? 'click the heading to collapse' : 'click to expand']]);
      return;
    }
    var hi = ev.target.getAttribute && ev.target.getAttribute('data-hit');
    var pe = hi !== null && hi !== undefined ? edgeByIndex[hi] : (ev.target.idx ? ev.target : null);
    if (pe && pe.idx) {
      var e = edges[pe.idx[0]], name = function (k) { return k.indexOf(BOX) === 0 ? 'stack ' + stackById[k.slice(BOX.length)].name : (byId[k] || {}).name; };
      if (pe.idx.length > 1) {
        showTip(ev, [['', pe.idx.length + ' ' + e.kind + ' edges'], ['from', name(pe.getAttribute('data-edge-from'))], ['to', name(pe.getAttribute('data-edge-to'))],
          ['', 'expand the stack to see each']]);
      } else {
        showTip(ev, [['', e.kind], ['from', (byId[e.from] || {}).name], ['to', (byId[e.to] || {}).name], ['via', e.via],
          ['evidence', e.at || 'unknown'], ['confidence', e.confidence]]);
      }
      return;
    }
    tip.hidden = true;
  });
  svg.addEventListener('mouseleave', function () { tip.hidden = true; });

  // ---- highlight, search ---------------------------------------------------
  function select(id) {
    if (!byId[id]) { return; }
    if (reveal([id])) { draw(); }
    var set = Object.create(null), es = Object.create(null);
    set[id] = true; walk(down, id, set, es); walk(up, id, set, es);
    state.hl = set; state.hlEdges = es; state.selected = id; state.finding = -1;
    applyHighlight();
  }
  function selectFinding(i) {
    var f = findings[i]; if (!f) { return; }
    if (reveal((f.nodes || []).concat(f.path || []))) { draw(); }
    var set = Object.create(null), es = Object.create(null), path = f.path || [];
    (f.nodes || []).forEach(function (id) { set[id] = true; });
    edges.forEach(function (e, j) {
      for (var k = 0; k + 1 < path.length; k++) {
        if ((e.from === path[k] && e.to === path[k + 1]) || (e.to === path[k] && e.from === path[k + 1])) { es[j] = true; }
      }
    });
    state.hl = set; state.hlEdges = es; state.selected = null; state.finding = i;
    applyHighlight();
    var first = path[0] || (f.nodes || [])[0];
    if (first) { center(first); }
  }
  function clearHighlight() { state.hl = null; state.hlEdges = null; state.selected = null; state.finding = -1; applyHighlight(); }
  function applyHighlight() {
    var hl = state.hl;
    svg.classList.toggle('has-sel', !!hl);
    $('nl-focus').disabled = !hl && !state.focus;
    $('nl-focus').textContent = state.focus ? 'Unfocus' : 'Focus';
    Object.keys(nodeEls).forEach(function (id) {
      nodeEls[id].setAttribute('data-highlighted', hl && hl[id] ? 'true' : 'false');
      nodeEls[id].classList.toggle('selected', id === state.selected);
    });
    edgeEls.forEach(function (p) {
      var on = !!hl && p.idx.some(function (i) { return state.hlEdges[i]; });
      p.setAttribute('data-highlighted', on ? 'true' : 'false');
    });
    Object.keys(boxEls).forEach(function (sid) {
      var on = !!hl && members[sid].some(function (id) { return hl[id]; });
      boxEls[sid].setAttribute('data-highlighted', on ? 'true' : 'false');
    });
    var items = document.querySelectorAll('[data-finding-index]');
    for (var i = 0; i < items.length; i++) { items[i].classList.toggle('active', +items[i].getAttribute('data-finding-index') === state.finding); }
  }
  function matchesQ(id, q) { var n = byId[id]; return !!q && (n.name.toLowerCase().indexOf(q) >= 0 || id.toLowerCase().indexOf(q) >= 0); }
  function applySearch() {
    var q = state.q.trim().toLowerCase(), count = 0;
    svg.classList.toggle('searching', !!q);
    Object.keys(nodeEls).forEach(function (id) {
      var m = matchesQ(id, q);
      if (m) { count++; }
      nodeEls[id].setAttribute('data-match', m ? 'true' : 'false');
    });
    Object.keys(boxEls).forEach(function (sid) {
      var k = members[sid].filter(function (id) { return lay.shown[id] && matchesQ(id, q); }).length;
      count += k;
      boxEls[sid].setAttribute('data-match', k ? 'true' : 'false');
    });
    return count;
  }
  // matches lists the shown nodes the search matches, drawn or inside a
  // collapsed stack.
  function matches() {
    var q = state.q.trim().toLowerCase();
    if (!q || !lay) { return []; }
    return Object.keys(lay.shown).filter(function (id) { return matchesQ(id, q); }).sort();
  }
  $('nl-search').addEventListener('input', function (ev) {
    state.q = ev.target.value;
    var c = applySearch();
    statusEl.textContent = state.q ? c + (c === 1 ? ' match' : ' matches') + ' (Enter selects the first)' : '';
  });
  $('nl-search').addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { var m = matches(); if (m.length) { select(m[0]); center(m[0]); } }
  });

  // ---- findings ------------------------------------------------------------
  function nodeChip(id) {
    var n = byId[id], b = el('button', 'chip k-' + (n ? n.kind : 'x'), n ? short(n.name, 32) : id);
    b.type = 'button'; b.title = id;
    b.addEventListener('click', function (ev) { ev.stopPropagation(); select(id); center(id); });
    return b;
  }
  function renderFindings() {
    var box = $('nl-tab-findings');
    $('nl-count-findings').textContent = String(findings.length);
    if (!findings.length) { box.appendChild(el('p', 'empty', 'No findings.')); return; }
    SEV.slice().reverse().forEach(function (sev) {
      var fs = [];
      findings.forEach(function (f, i) { if (f.severity === sev) { fs.push(i); } });
      if (!fs.length) { return; }
      var det = el('details', 'sevgroup'); det.open = true; det.setAttribute('data-severity', sev);
      var sum = el('summary'); sum.appendChild(el('span', 'pill sev-' + sev, sev)); sum.appendChild(el('span', 'n', fs.length + (fs.length === 1 ? ' finding' : ' findings')));
      det.appendChild(sum);
      var lastRule = null, ul = null;
      fs.forEach(function (i) {
        var f = findings[i];
        if (f.rule !== lastRule) { lastRule = f.rule; det.appendChild(el('h3', 'rule', f.rule + ' · ' + f.category)); ul = el('ul', 'flist'); det.appendChild(ul); }
        var li = el('li', 'finding'); li.setAttribute('data-finding-index', i); li.setAttribute('data-severity', f.severity); li.tabIndex = 0;
        li.appendChild(el('p', 'msg', f.message));
        var meta = el('p', 'meta');
        meta.appendChild(el('code', '', f.at || 'unknown location'));
        if (f.resource) { meta.appendChild(el('span', 'res', f.resource)); }
        if (f.confidence) { meta.appendChild(el('span', 'conf', f.confidence + ' confidence')); }
        if (f.costPerHour) { meta.appendChild(el('span', 'cost', '$' + f.costPerHour.toFixed(2) + '/h')); }
        li.appendChild(meta);
        if (f.remediation) { li.appendChild(el('p', 'fix', f.remediation)); }
        if (f.path && f.path.length) {
          var path = el('p', 'path');
          f.path.forEach(function (id, k) { if (k) { path.appendChild(el('span', 'arrow', '→')); } path.appendChild(nodeChip(id)); });
          li.appendChild(path);
        }
        if (f.steps && f.steps.length) {
          var steps = el('ol', 'steps');
          f.steps.forEach(function (st) {
            var item = el('li', 'step');
            item.appendChild(el('code', '', st.at || ''));
            item.appendChild(el('span', 'note', st.note));
            steps.appendChild(item);
          });
          li.appendChild(steps);
        }
        li.addEventListener('click', function () { selectFinding(i); });
        li.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { selectFinding(i); } });
        ul.appendChild(li);
      });
      box.appendChild(det);
    });
  }
  function applyFindingFilter() {
    var r = state.severity ? rank(state.severity) : -1, shown = 0;
    var items = document.querySelectorAll('li[data-finding-index]');
    for (var i = 0; i < items.length; i++) {
      var f = findings[+items[i].getAttribute('data-finding-index')];
      var ok = rank(f.severity) >= r && (!lay || !(state.entry || state.cls || state.focus) || (f.nodes || []).some(function (id) { return lay.shown[id]; }));
      items[i].hidden = !ok; if (ok) { shown++; }
    }
    var groups = document.querySelectorAll('details.sevgroup');
    for (i = 0; i < groups.length; i++) { groups[i].hidden = !groups[i].querySelector('li[data-finding-index]:not([hidden])'); }
    $('nl-count-findings').textContent = shown === findings.length ? String(shown) : shown + '/' + findings.length;
  }

  // ---- sortable tables -----------------------------------------------------
  function table(box, cols, rows, onRow, initial) {
    var t = el('table', 'sortable'), thead = el('thead'), tr = el('tr'), tbody = el('tbody');
    var sortCol = initial ? initial[0] : 0, dir = initial ? initial[1] : 1;
    cols.forEach(function (c, ci) {
      var th = el('th', c.num ? 'num' : '', c.title); th.tabIndex = 0; th.setAttribute('data-col', ci);
      var go = function () { if (sortCol === ci) { dir = -dir; } else { sortCol = ci; dir = c.num ? -1 : 1; } fill(); };
      th.addEventListener('click', go);
      th.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { go(); } });
      tr.appendChild(th);
    });
    thead.appendChild(tr); t.appendChild(thead); t.appendChild(tbody); box.appendChild(t);
    function fill() {
      var c = cols[sortCol], sorted = rows.map(function (r, i) { return [r, i]; });
      sorted.sort(function (a, b) {
        var x = c.key(a[0]), y = c.key(b[0]);
        return (x < y ? -1 : x > y ? 1 : 0) * dir || a[1] - b[1];
      });
      var ths = thead.querySelectorAll('th');
      for (var i = 0; i < ths.length; i++) { ths[i].setAttribute('aria-sort', i === sortCol ? (dir > 0 ? 'ascending' : 'descending') : 'none'); }
      while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
      sorted.forEach(function (p) {
        var row = el('tr');
        cols.forEach(function (col) { var td = el('td', col.num ? 'num' : '', col.show ? col.show(p[0]) : col.key(p[0])); if (col.cls) { td.className += ' ' + col.cls(p[0]); } row.appendChild(td); });
        row.tabIndex = 0;
        if (p[0].at) { row.title = p[0].at; }
        row.addEventListener('click', function () { onRow(p[0]); });
        row.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { onRow(p[0]); } });
        tbody.appendChild(row);
      });
    }
    fill();
  }
  function renderSurface() {
    var rows = D.surface || [], box = $('nl-tab-surface');
    $('nl-count-surface').textContent = String(rows.length);
    if (!rows.length) { box.appendChild(el('p', 'empty', 'No entry points.')); return; }
    box.appendChild(el('p', 'note', 'Entry points, who can call them, and what they reach (hover a row for its evidence, click to highlight).'));
    table(box, [
      { title: 'Entry point', key: function (r) { return r.name; } },
      { title: 'Auth', key: function (r) { return r.auth; }, cls: function (r) { return r.anon ? 'bad' : ''; } },
      { title: 'Callers', key: function (r) { return (r.principals || []).map(function (id) { return (byId[id] || {}).name || id; }).join(', '); } },
      { title: 'Functions', num: true, key: function (r) { return (r.functions || []).length; } },
      { title: 'Stores', num: true, key: function (r) { return (r.stores || []).length; } },
      { title: 'Classified', num: true, key: function (r) { return r.classified || 0; }, cls: function (r) { return r.classified && r.anon ? 'bad' : ''; } }
    ], rows, function (r) { select(r.id); center(r.id); }, [1, 1]);
  }
  function renderCost() {
    var box = $('nl-tab-cost'), rows = [];
    findings.forEach(function (f, i) { if (f.category === 'denial-of-wallet') { rows.push({ f: f, i: i }); } });
    $('nl-count-cost').textContent = String(rows.length);
    if (!rows.length) { box.appendChild(el('p', 'empty', 'No denial-of-wallet findings.')); return; }
    var total = 0; rows.forEach(function (r) { total += r.f.costPerHour || 0; });
    box.appendChild(el('p', 'note', 'Worst-case spend an attacker can cause, per hour. Sum: $' + total.toFixed(2) + '/h.'));
    table(box, [
      { title: '$/hour', num: true, key: function (r) { return r.f.costPerHour || 0; }, show: function (r) { return '$' + (r.f.costPerHour || 0).toFixed(2); } },
      { title: 'Resource', key: function (r) { return r.f.resource || ''; } },
      { title: 'Severity', key: function (r) { return rank(r.f.severity); }, show: function (r) { return r.f.severity; }, cls: function (r) { return 'sevt-' + r.f.severity; } },
      { title: 'Rule', key: function (r) { return r.f.rule; } },
      { title: 'Evidence', key: function (r) { return r.f.at || ''; } }
    ], rows, function (r) { selectFinding(r.i); }, [0, -1]);
  }
  function renderInputs() {
    var rows = D.inputs || [], box = $('nl-tab-inputs');
    $('nl-count-inputs').textContent = String(rows.length);
    if (!rows.length) { box.appendChild(el('p', 'empty', 'No inputs recorded.')); return; }
    table(box, [
      { title: 'Path', key: function (r) { return r.path; } },
      { title: 'Format', key: function (r) { return r.format; } },
      { title: 'Error', key: function (r) { return r.error || ''; }, cls: function (r) { return r.error ? 'bad' : ''; } }
    ], rows, function () {});
  }

  // ---- controls ------------------------------------------------------------
  function options(selId, items) {
    var s = $(selId);
    items.forEach(function (it) { var o = el('option', '', it[1]); o.value = it[0]; s.appendChild(o); });
  }
  function setFilter(f) {
    ['severity', 'entry', 'cls'].forEach(function (k) { if (f && Object.prototype.hasOwnProperty.call(f, k)) { state[k] = f[k] || ''; } });
    $('nl-severity').value = state.severity; $('nl-entry').value = state.entry; $('nl-class').value = state.cls;
    draw();
  }
  $('nl-severity').addEventListener('change', function (ev) { setFilter({ severity: ev.target.value }); });
  $('nl-entry').addEventListener('change', function (ev) { setFilter({ entry: ev.target.value }); });
  $('nl-class').addEventListener('change', function (ev) { setFilter({ cls: ev.target.value }); });
  $('nl-focus').addEventListener('click', function () {
    if (state.focus) { state.focus = null; } else if (state.hl) { state.focus = Object.assign(Object.create(null), state.hl); }
    draw();
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && ev.target.tagName !== 'INPUT') { clearHighlight(); }
  });
  $('nl-clear').addEventListener('click', function () {
    state.q = ''; state.focus = null; $('nl-search').value = ''; clearHighlight(); setFilter({ severity: '', entry: '', cls: '' });
  });
  $('nl-zoom-in').addEventListener('click', function () { zoom(1.25); });
  $('nl-zoom-out').addEventListener('click', function () { zoom(0.8); });
  // Fit shows the graph at a readable scale; pressed again, all of it.
  $('nl-fit').addEventListener('click', function () { fit(!!view && view.getAttribute('transform') === fitted); });
  var tabs = document.querySelectorAll('[data-tab]');
  for (var ti = 0; ti < tabs.length; ti++) {
    tabs[ti].addEventListener('click', function (ev) {
      var name = ev.currentTarget.getAttribute('data-tab');
      for (var j = 0; j < tabs.length; j++) {
        var on = tabs[j].getAttribute('data-tab') === name;
        tabs[j].setAttribute('aria-selected', on ? 'true' : 'false');
        $('nl-tab-' + tabs[j].getAttribute('data-tab')).hidden = !on;
      }
    });
  }
  function legend() {
    var box = $('nl-legend');
    [['principal', 'principal'], ['user', 'IAM user'], ['entry-point', 'entry point'], ['function', 'function'], ['store', 'store'], ['role', 'role']].forEach(function (k) {
      var s = el('span', 'lg'); s.appendChild(el('i', 'sw k-' + k[0])); s.appendChild(document.createTextNode(k[1])); box.appendChild(s);
    });
    [['invokes'], ['reads'], ['writes'], ['manages'], ['assumes'], ['controls'], ['reads-code'], ['reads-config']].forEach(function (k) {
      var s = el('span', 'lg'); s.appendChild(el('i', 'ln e-' + k[0])); s.appendChild(document.createTextNode(k[0])); box.appendChild(s);
    });
    var a = el('span', 'lg'); a.appendChild(el('i', 'sw anon')); a.appendChild(document.createTextNode('public / classified')); box.appendChild(a);
    if (multi) { var sb = el('span', 'lg'); sb.appendChild(el('i', 'sw k-stack')); sb.appendChild(document.createTextNode('stack (click to expand)')); box.appendChild(sb); }
    box.appendChild(el('span', 'lg hint', 'drag to pan · wheel to scroll · ctrl+wheel to zoom · click a node for its blast radius'));
  }

  // ---- start ---------------------------------------------------------------
  $('nl-title').textContent = D.title || D.root || 'nightlight';
  if (D.root) { $('nl-title').title = D.root; }
  if (multi) {
    $('nl-stacks').hidden = false;
    $('nl-expand').addEventListener('click', function () { stacks.forEach(function (st) { state.open[st.id] = true; }); draw(); });
    $('nl-collapse').addEventListener('click', function () { state.open = Object.create(null); draw(); });
  }
  options('nl-entry', nodes.filter(function (n) { return n.kind === 'entry-point'; })
    .map(function (n) { return [n.id, (n.anon ? '⚠ ' : '') + short(n.name, 48)]; })
    .sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; }));
  var classes = Object.create(null);
  nodes.forEach(function (n) { if (n.kind === 'store' && n.class) { classes[n.class] = true; } });
  options('nl-class', Object.keys(classes).sort().map(function (c) { return [c, c]; }));
  legend(); renderFindings(); renderSurface(); renderCost(); renderInputs();
  draw();

  var api = {
    firstRenderMs: -1,
    // timings of the script's first run: JSON parse, layout and DOM
    // building in ms, and when the script started after navigation.
    timings: timings,
    nodeCount: function () { return svg.querySelectorAll('g[data-node-id]').length; },
    edgeCount: function () { return svg.querySelectorAll('path[data-edge-index]').length; },
    rendered: function () { return Object.keys(nodeEls).sort(); },
    highlighted: function () { return Object.keys(nodeEls).filter(function (id) { return nodeEls[id].getAttribute('data-highlighted') === 'true'; }).sort(); },
    highlightedEdges: function () { return edgeEls.filter(function (p) { return p.getAttribute('data-highlighted') === 'true'; }).length; },
    visibleFindings: function () { return document.querySelectorAll('li[data-finding-index]:not([hidden])').length; },
    matches: matches,
    // stacks lists the stack IDs when the page groups nodes by stack
    // (several stacks), else none; expanded those drawn expanded.
    stacks: function () { return multi ? stacks.map(function (st) { return st.id; }) : []; },
    expanded: function () { return Object.keys(state.open).filter(function (k) { return state.open[k]; }).sort(); },
    boxes: function () { return Object.keys(boxEls).sort(); },
    toggleStack: toggleStack,
    focus: function () { $('nl-focus').click(); },
    select: select, selectFinding: selectFinding, clear: clearHighlight, center: center, fit: fit, setFilter: setFilter,
    search: function (q) { var s = $('nl-search'); s.value = q; s.dispatchEvent(new Event('input')); return matches(); }
  };
  window.nightlight = api;
  requestAnimationFrame(function () {
    api.firstRenderMs = Math.round(performance.now());
    document.body.setAttribute('data-ready', 'true');
  });
}());
