// Portway dashboard: draws the config's pipelines from <base>/snapshot and follows the live figures from the
// server-sent events of <base>/events. No framework, no build step, nothing loaded from outside this host.
(() => {
  'use strict';
  const base = document.body.dataset.base;
  const svgNs = 'http://www.w3.org/2000/svg';
  const windowMs = 60000;
  const byId = (id) => document.getElementById(id);
  const history = []; // [{ t, totals: {endpointKey: total}, outcomes: {code: count} }] over the last minute
  let configVersion = null;
  let groupClasses = new Map();

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function setState(text, kind) {
    const s = byId('state');
    s.textContent = text;
    s.className = 'state' + (kind ? ' ' + kind : '');
  }

  const fmt = (v) => (v === null || v === undefined ? '-' : String(v));
  const rate = (v) => (v === null ? '-' : v.toFixed(1));

  // ---- topology ----------------------------------------------------------------------------------------------

  function renderTopology(snapshot) {
    const groups = [...new Set(snapshot.pipelines.flatMap((p) => p.stages.map((s) => s.group)))].sort();
    groupClasses = new Map(groups.map((g, i) => [g, 'c' + (i % 6)]));
    const legend = byId('legend');
    legend.replaceChildren(...groups.map((g) => el('span', { class: groupClasses.get(g), 'data-group': g }, g)));

    const entries = new Map();
    for (const e of snapshot.entries) {
      if (!entries.has(e.pipeline)) entries.set(e.pipeline, []);
      entries.get(e.pipeline).push(e.interface + ' ' + e.route);
    }

    byId('pipelines').replaceChildren(...snapshot.pipelines.map((p) => {
      const card = el('div', { class: 'pipeline' });
      card.append(el('h3', {}, p.name));
      card.append(el('div', { class: 'entries' }, (entries.get(p.name) || ['no endpoint']).join(' · ')));
      card.append(drawDag(p));
      return card;
    }));
  }

  function drawDag(pipeline) {
    const boxW = 150, boxH = 44, gapX = 50, gapY = 14, pad = 6;
    const columns = new Map();
    const place = new Map();
    for (const s of pipeline.stages) {
      const column = columns.get(s.depth) || [];
      column.push(s);
      columns.set(s.depth, column);
    }
    const rows = Math.max(...[...columns.values()].map((c) => c.length));
    const width = pad * 2 + columns.size * boxW + (columns.size - 1) * gapX;
    const height = pad * 2 + rows * boxH + (rows - 1) * gapY;
    for (const [depth, column] of columns) {
      column.forEach((s, row) => {
        const offset = ((rows - column.length) * (boxH + gapY)) / 2;
        place.set(s.name, { x: pad + depth * (boxW + gapX), y: pad + offset + row * (boxH + gapY) });
      });
    }

    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'data-pipeline': pipeline.name, role: 'img', 'aria-label': 'pipeline ' + pipeline.name });
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow-' + pipeline.name, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }));
    defs.append(marker);
    root.append(defs);

    for (const s of pipeline.stages) {
      for (const input of s.after) {
        const from = place.get(input), to = place.get(s.name);
        if (!from || !to) continue;
        const x1 = from.x + boxW, y1 = from.y + boxH / 2, x2 = to.x, y2 = to.y + boxH / 2, mid = (x1 + x2) / 2;
        root.append(svg('path', { class: 'edge', 'data-from': input, 'data-to': s.name, d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`, 'marker-end': `url(#arrow-${pipeline.name})` }));
      }
    }

    for (const s of pipeline.stages) {
      const { x, y } = place.get(s.name);
      const g = svg('g', { class: 'stage', 'data-stage': s.name, 'data-node': s.node, 'data-group': s.group });
      g.append(svg('title', {}, `${s.name}: node ${s.node}, runs in process group ${s.group}${s.name === pipeline.sink ? ' (sink: its output is the reply)' : ''}`));
      g.append(svg('rect', { class: 'stage-box ' + groupClasses.get(s.group), x, y, width: boxW, height: boxH, rx: 5, 'stroke-width': s.name === pipeline.sink ? 2.5 : 1 }));
      g.append(svg('text', { x: x + 8, y: y + 17 }, s.name));
      g.append(svg('text', { x: x + 8, y: y + 34, class: 'node' }, `${s.node} @ ${s.group}`));
      root.append(g);
    }

    return root;
  }

  // ---- live figures ------------------------------------------------------------------------------------------

  function remember(now, stats) {
    const totals = {};
    for (const e of stats.endpoints) totals[e.interface + ' ' + e.route] = e.total;
    history.push({ t: now, totals, outcomes: { ...stats.requests } });
    while (history.length > 2 && now - history[1].t >= windowMs) history.shift();
  }

  /** Requests per second of one endpoint (or all, key null) between the previous figures and these. */
  function perSecond(key) {
    if (history.length < 2) return null;
    const a = history[history.length - 2], b = history[history.length - 1];
    const seconds = (b.t - a.t) / 1000;
    if (seconds <= 0) return null;
    const sum = (h) => (key === null ? Object.values(h.totals).reduce((x, y) => x + y, 0) : (h.totals[key] || 0));
    return Math.max(0, sum(b) - sum(a)) / seconds;
  }

  function renderStats(stats, now) {
    remember(now, stats);
    byId('updated').textContent = new Date().toLocaleTimeString();
    if (stats.config) byId('config-version').textContent = fmt(stats.config.version);
    byId('pending-waiters').textContent = fmt(stats.pending_waiters);
    byId('draining').textContent = stats.draining ? 'yes' : 'no';
    byId('live-websockets').textContent = fmt(stats.live.websocket_connections);
    byId('live-graphql').textContent = fmt(stats.live.graphql_operations);
    const outcomes = Object.entries(stats.requests);
    byId('requests-total').textContent = String(outcomes.reduce((n, [, c]) => n + c, 0));
    byId('errors-total').textContent = String(outcomes.filter(([o]) => o !== 'ok').reduce((n, [, c]) => n + c, 0));
    byId('requests-rate').textContent = rate(perSecond(null));
    renderEndpoints(stats.endpoints);
    renderErrors(stats.requests);
    renderGroups(stats.process_groups);
    renderRejections(stats);
  }

  function renderEndpoints(endpoints) {
    byId('endpoints-empty').hidden = endpoints.length > 0;
    byId('endpoints').querySelector('tbody').replaceChildren(...endpoints.map((e) => {
      const key = e.interface + ' ' + e.route;
      const errors = Object.entries(e.requests).filter(([o]) => o !== 'ok').reduce((n, [, c]) => n + c, 0);
      const tr = el('tr', { 'data-route': e.route, 'data-interface': e.interface });
      tr.append(el('td', {}, e.interface), el('td', { class: 'route' }, e.route),
        el('td', { class: 'num total' }, e.total), el('td', { class: 'num rate' }, rate(perSecond(key))),
        el('td', { class: 'num ok' }, e.requests.ok || 0), el('td', { class: 'num errors' }, errors),
        el('td', { class: 'num p50' }, fmt(e.latency_ms.p50)), el('td', { class: 'num p90' }, fmt(e.latency_ms.p90)),
        el('td', { class: 'num p99' }, fmt(e.latency_ms.p99)));
      return tr;
    }));
  }

  function renderErrors(requests) {
    const oldest = history[0].outcomes;
    const codes = Object.keys(requests).filter((o) => o !== 'ok').sort();
    byId('errors-empty').hidden = codes.length > 0;
    byId('errors').querySelector('tbody').replaceChildren(...codes.map((code) => {
      const tr = el('tr', { 'data-code': code });
      tr.append(el('td', {}, code), el('td', { class: 'num count' }, requests[code]),
        el('td', { class: 'num recent' }, history.length < 2 ? requests[code] : requests[code] - (oldest[code] || 0)));
      return tr;
    }));
  }

  function renderGroups(groups) {
    byId('groups').replaceChildren(...groups.map((g) => {
      const card = el('div', { class: 'group', 'data-group': g.name });
      const title = g.runs_in === 'host' ? `${g.name} (in the host process)`
        : g.transport === 'redis' ? `${g.name}: ${g.ready} live worker${g.ready === 1 ? '' : 's'} over Redis (${g.replicas} local)`
          : `${g.name}: ${g.ready} of ${g.replicas} workers ready`;
      card.append(el('h3', {}, title));
      if (g.stages.length > 0) card.append(el('div', { class: 'muted' }, 'stages: ' + g.stages.join(', ')));
      if (g.hops_in_flight != null) card.append(el('div', { class: 'muted group-hops' }, `hops in flight from this host: ${g.hops_in_flight}`));
      if (g.workers.length > 0) {
        const table = el('table');
        table.append(el('thead'));
        table.tHead.append(el('tr'));
        for (const h of ['worker', 'pid', 'state', 'restarts', 'hops in flight']) table.tHead.rows[0].append(el('th', {}, h));
        const body = el('tbody');
        for (const w of g.workers) {
          const tr = el('tr', { 'data-worker': w.id });
          tr.append(el('td', {}, w.id), el('td', { class: 'num pid' }, fmt(w.pid)), el('td', { class: 'worker-state' }, w.state),
            el('td', { class: 'num restarts' }, w.restarts), el('td', { class: 'num hops' }, fmt(w.hops_in_flight)));
          body.append(tr);
        }
        table.append(body);
        card.append(table);
      }
      return card;
    }));
  }

  function renderRejections(stats) {
    const rows = [];
    for (const [policy, count] of Object.entries(stats.rejections || {})) rows.push(['boundary policy', policy, count]);
    rows.push(['tcp_local', 'refused connections', stats.tcp_local.refused_connections]);
    for (const [reason, count] of Object.entries(stats.tcp_local.rejected_frames_by_reason || {})) rows.push(['tcp_local frame', reason, count]);
    byId('rejections').querySelector('tbody').replaceChildren(...rows.map(([where, reason, count]) => {
      const tr = el('tr', { 'data-reason': reason });
      tr.append(el('td', {}, where), el('td', {}, reason), el('td', { class: 'num count' }, count));
      return tr;
    }));
  }

  // ---- data --------------------------------------------------------------------------------------------------

  async function loadSnapshot() {
    const response = await fetch(base + '/snapshot', { cache: 'no-store' });
    if (!response.ok) throw new Error('snapshot answered ' + response.status);
    const snapshot = await response.json();
    configVersion = snapshot.stats.config ? snapshot.stats.config.version : null;
    renderTopology(snapshot);
    renderStats(snapshot.stats, performance.now());
  }

  function follow() {
    const events = new EventSource(base + '/events');
    events.addEventListener('stats', (event) => {
      const stats = JSON.parse(event.data);
      setState('live', 'live');
      if (stats.config && configVersion !== null && stats.config.version !== configVersion) {
        loadSnapshot().catch((error) => setState('snapshot failed: ' + error.message, 'down'));
        return;
      }
      renderStats(stats, performance.now());
    });
    events.addEventListener('error', () => setState('reconnecting', 'down'));
  }

  loadSnapshot().then(follow, (error) => setState('snapshot failed: ' + error.message, 'down'));
})();
