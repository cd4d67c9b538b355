// The Sluice web UI: a query list and, per run, Spark's streaming charts (uPlot), the plan and the
// last progress. Plain browser script, no build step; it polls the JSON API every second.
;(() => {
  const REFRESH_MS = Number(new URLSearchParams(location.search).get('refresh') ?? 1000)
  const main = document.getElementById('main')
  const charts = new Map()
  window.sluiceCharts = charts

  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const num = (n, digits = 1) =>
    n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits)
  const getJson = async (path) => {
    const res = await fetch(path, { cache: 'no-store' })
    if (!res.ok) throw new Error(`${path}: ${res.status}`)
    return res.json()
  }

  function listView(runs) {
    const rows = runs
      .map(
        (r) => `<tr data-run="${esc(r.runId)}">
      <td><a href="#/query/${encodeURIComponent(r.runId)}">${esc(r.name ?? '(unnamed)')}</a></td>
      <td class="status-${esc(r.status)}">${esc(r.status)}</td>
      <td>${esc(r.id)}</td><td>${esc(r.runId)}</td><td>${esc(r.started)}</td>
      <td class="num">${r.batches}</td>
      <td class="num">${num(r.inputRowsPerSecond)}</td><td class="num">${num(r.processedRowsPerSecond)}</td>
      <td class="error">${esc(r.lastError ?? '')}</td></tr>`,
      )
      .join('')
    return `<h2>Streaming queries (${runs.length})</h2>
    <table id="queries"><thead><tr><th>Name</th><th>Status</th><th>ID</th><th>Run ID</th><th>Started</th>
    <th>Batches</th><th>Input rows/s</th><th>Processed rows/s</th><th>Last error</th></tr></thead>
    <tbody>${rows || '<tr><td colspan="9">No streaming query has started in this session yet.</td></tr>'}</tbody></table>`
  }

  const phases = ['latestOffset', 'getBatch', 'queryPlanning', 'addBatch', 'walCommit', 'commitOffsets']
  const finite = (v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v)
  const ms = (iso) => (iso ? Date.parse(iso) : Number.NaN)

  /** Each chart: a title, a unit, and series of [label, value of one progress]. */
  function chartSpecs(progress) {
    const ops = new Map()
    const sources = new Map()
    for (const p of progress) {
      p.stateOperators.forEach((o, i) => {
        ops.set(`${i}:${o.operatorName}`, i)
      })
      p.sources.forEach((s, i) => {
        if (s.metrics?.maxOffsetsBehindLatest !== undefined) sources.set(s.description, i)
      })
    }
    const perOp = (field) =>
      [...ops].map(([label, i]) => [label, (p) => p.stateOperators[i]?.[field] ?? null])
    // As Spark's UI: no point while the watermark is still at its initial 0 (no event time seen yet).
    const hasWatermark = (p) => p.eventTime?.watermark !== undefined && ms(p.eventTime.watermark) > 0
    const gap = (p) => (hasWatermark(p) ? (ms(p.timestamp) - ms(p.eventTime.watermark)) / 1000 : null)
    const eventGap = (p) =>
      hasWatermark(p) && p.eventTime.max ? (ms(p.eventTime.max) - ms(p.eventTime.watermark)) / 1000 : null
    return [
      ['input-rate', 'Input rate', 'rows/s', [['input rows/s', (p) => finite(p.inputRowsPerSecond)]]],
      [
        'process-rate',
        'Process rate',
        'rows/s',
        [['processed rows/s', (p) => finite(p.processedRowsPerSecond)]],
      ],
      ['input-rows', 'Input rows', 'rows', [['input rows', (p) => p.numInputRows]]],
      ['batch-duration', 'Batch duration', 'ms', [['batch duration', (p) => p.batchDuration]]],
      ['phases', 'Operation duration', 'ms', phases.map((f) => [f, (p) => p.durationMs?.[f] ?? null])],
      ['state-rows', 'Aggregated state rows', 'rows', perOp('numRowsTotal')],
      ['state-updated', 'Aggregated state rows updated', 'rows', perOp('numRowsUpdated')],
      ['state-memory', 'State memory', 'bytes', perOp('memoryUsedBytes')],
      ['late-rows', 'Rows dropped by watermark', 'rows', perOp('numRowsDroppedByWatermark')],
      [
        'watermark',
        'Global watermark gap',
        's',
        [
          ['trigger time − watermark', gap],
          ['max event time − watermark', eventGap],
        ],
      ],
      [
        'kafka-lag',
        'Kafka offsets behind latest',
        'offsets',
        [...sources].map(([d, i]) => [
          d,
          (p) => finite(Number(p.sources[i]?.metrics?.maxOffsetsBehindLatest)),
        ]),
      ],
      ...observedSpecs(progress),
    ]
  }

  /** The observe() names and, per name, its numeric metric columns, over the progress shown. */
  function observedNames(progress) {
    const names = new Map()
    for (const p of progress)
      for (const [name, row] of Object.entries(p.observedMetrics ?? {})) {
        const cols = names.get(name) ?? new Set()
        for (const [k, v] of Object.entries(row ?? {})) if (typeof v === 'number') cols.add(k)
        names.set(name, cols)
      }
    return [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** One chart per observe() name (Spark's observedMetrics), a series per numeric metric. */
  function observedSpecs(progress) {
    return observedNames(progress).map(([name, cols], i) => [
      `observed-${i}`,
      `Observed metrics: ${name}`,
      'value',
      [...cols].map((k) => [k, (p) => finite(p.observedMetrics?.[name]?.[k] ?? null)]),
    ])
  }

  // The last batch's observe() metrics as a table: name, metric, value.
  function observedTable(last) {
    const rows = Object.entries(last?.observedMetrics ?? {}).flatMap(([name, row]) =>
      Object.entries(row ?? {}).map(
        ([k, v]) =>
          `<tr><td>${esc(name)}</td><td>${esc(k)}</td><td class="num">${esc(v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`,
      ),
    )
    if (rows.length === 0) return '<div class="empty">No observe() metrics in the last batch.</div>'
    return `<table id="observed-metrics"><thead><tr><th>Name</th><th>Metric</th><th>Value (batch ${last.batchId})</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  }

  const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f']

  function drawChart(el, [key, , unit, series], progress) {
    const data = [progress.map((p) => p.batchId), ...series.map(([, f]) => progress.map(f))]
    const old = charts.get(key)
    const sameShape = old && old.series.length === series.length + 1 && old.root.isConnected
    if (sameShape) return old.setData(data)
    old?.destroy()
    const opts = {
      width: Math.max(320, el.clientWidth - 12),
      height: 180,
      scales: { x: { time: false } },
      axes: [{ label: 'batch' }, { label: unit, size: 70 }],
      series: [
        { label: 'batch' },
        ...series.map(([label], i) => ({
          label,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          points: { show: true, size: 4 },
        })),
      ],
    }
    charts.set(key, new uPlot(opts, data, el))
  }

  function detailSkeleton(run) {
    return `<p><a href="#/">← all queries</a></p>
    <h2>Query ${esc(run.name ?? '(unnamed)')}</h2>
    <dl id="summary"></dl>
    <div id="failure"></div>
    <h2>Statistics</h2><div class="charts" id="charts"></div>
    <h2>Observed metrics</h2><div id="observed"></div>
    <h2>Operators</h2><div id="operators"></div>
    <h2>Plan</h2><pre id="explain"></pre>
    <h2>Last progress</h2><pre id="last-progress"></pre>`
  }

  // The operator graph as a tree from the sink side (node 0) down to the sources; a stateful
  // operator shows its state from the last progress (stateOperators are in operator-id order).
  function operatorTree(graph, last) {
    if (!graph || graph.nodes.length === 0) return '<div class="empty">No operators reported.</div>'
    const children = new Map()
    for (const e of graph.edges) children.set(e.to, [...(children.get(e.to) ?? []), e.from])
    const stateOf = (n) => {
      const op = n.operatorId === undefined ? undefined : last?.stateOperators?.[n.operatorId]
      if (!op) return ''
      return ` <span class="state">operator ${n.operatorId}: ${op.numRowsTotal} state rows, ${op.numRowsUpdated} updated, ${op.numRowsDroppedByWatermark ?? 0} late</span>`
    }
    const item = (id) => {
      const n = graph.nodes[id]
      const kids = (children.get(id) ?? []).map(item).join('')
      return `<li><span class="op" title="${esc(n.description)}">${esc(n.name)}</span>${stateOf(n)}${
        kids ? `<ul>${kids}</ul>` : ''
      }</li>`
    }
    return `<ul class="operators">${item(0)}</ul>`
  }

  function renderDetail(run) {
    if (!document.getElementById('charts') || main.dataset.run !== run.runId) {
      for (const c of charts.values()) c.destroy()
      charts.clear()
      main.innerHTML = detailSkeleton(run)
      main.dataset.run = run.runId
    }
    const last = run.progress.at(-1)
    document.getElementById('summary').innerHTML = [
      ['Status', `<span class="status-${esc(run.status)}">${esc(run.status)}</span>`],
      ['ID', esc(run.id)],
      ['Run ID', esc(run.runId)],
      ['Started', esc(run.started)],
      ['Batches', run.batches],
      ['Last batch', last ? last.batchId : '–'],
    ]
      .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
      .join('')
    document.getElementById('failure').innerHTML = run.lastError
      ? `<h2>Error</h2><div class="error" id="error">${esc(run.lastError)}</div>`
      : ''
    const box = document.getElementById('charts')
    for (const spec of chartSpecs(run.progress)) {
      let el = document.getElementById(`chart-${spec[0]}`)
      if (!el) {
        box.insertAdjacentHTML(
          'beforeend',
          `<div class="chart" id="chart-${spec[0]}"><h3>${esc(spec[1])}</h3><div class="plot"></div></div>`,
        )
        el = document.getElementById(`chart-${spec[0]}`)
      }
      const plot = el.querySelector('.plot')
      if (spec[3].length === 0) {
        plot.innerHTML = '<div class="empty">Not reported by this query.</div>'
        continue
      }
      if (plot.querySelector('.empty')) plot.innerHTML = ''
      drawChart(plot, spec, run.progress)
    }
    document.getElementById('observed').innerHTML = observedTable(last)
    document.getElementById('operators').innerHTML = operatorTree(run.graph, last)
    document.getElementById('explain').textContent = run.explain
    document.getElementById('last-progress').textContent = last
      ? JSON.stringify(last, null, 2)
      : '(no batch yet)'
  }

  async function refresh() {
    try {
      const m = location.hash.match(/^#\/query\/(.+)$/)
      if (m) renderDetail(await getJson(`/api/queries/${m[1]}`))
      else {
        main.dataset.run = ''
        main.innerHTML = listView(await getJson('/api/queries'))
      }
      document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`
      document.body.dataset.loaded = 'true'
    } catch (e) {
      document.getElementById('updated').textContent = `update failed: ${e.message}`
    }
  }

  getJson('/api/info').then(
    (info) => {
      document.getElementById('title').textContent = info.title
    },
    () => undefined,
  )
  window.addEventListener('hashchange', refresh)
  refresh()
  setInterval(refresh, REFRESH_MS)
})()
