// The omsql web console: polls GET /status once a second and draws it; the chart starts from the
// task's last hour (GET /history). Requests carry the session cookie (HttpOnly, set from the
// one-time ?token=); state changes also carry the session's CSRF header from GET /session.
'use strict';
(function () {
  const PHASES = ['schema', 'copy', 'indexes', 'catch-up', 'live'];
  const HOUR = 3600;
  let csrf = '';
  let chart = null;
  let samples = [];  // [Date, lag, apply rate]
  let lastSampleAt = 0;

  const $ = (id) => document.getElementById(id);
  const text = (id, value) => { $(id).textContent = value; };
  const fmt = (n, digits) => Number(n).toLocaleString('en-US', {maximumFractionDigits: digits || 0});
  const bytes = (n) => n >= 1e9 ? fmt(n / 1e9, 2) + ' GB' : n >= 1e6 ? fmt(n / 1e6, 1) + ' MB' : fmt(n / 1e3, 1) + ' kB';
  const duration = (s) => {
    if (!isFinite(s) || s < 0) return '–';
    s = Math.round(s);
    const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    return (h ? h + 'h' : '') + (h || m ? String(m).padStart(h ? 2 : 1, '0') + 'm' : '') + String(r).padStart(h || m ? 2 : 1, '0') + 's';
  };

  // schema -> copy -> indexes -> catch-up -> live, from the task's phase and caught_up.
  function timelinePhase(status) {
    switch (status.phase) {
      case 'new': case 'schema': case 'recopy': return 'schema';
      case 'full': return 'copy';
      case 'indexes': return 'indexes';
      case 'incremental': return status.caught_up ? 'live' : 'catch-up';
      case 'done': return 'done';
      default: return '';
    }
  }

  function drawTimeline(status) {
    const current = timelinePhase(status);
    const at = current === 'done' ? PHASES.length : PHASES.indexOf(current);
    document.querySelectorAll('#phase-timeline li').forEach((li, i) => {
      li.classList.toggle('done', i < at);
      li.classList.toggle('current', i === at);
    });
  }

  function drawTables(status) {
    const body = document.querySelector('#tables tbody');
    const rows = (status.copy_progress || []).map((t) => {
      const rate = t.seconds > 0 ? t.rows / t.seconds : 0;
      const percent = t.done ? 100 : t.estimated_rows > 0 ? Math.min(100, 100 * t.rows / t.estimated_rows) : 0;
      const eta = t.done ? 'done' : rate > 0 && t.estimated_rows > t.rows ? duration((t.estimated_rows - t.rows) / rate) : '–';
      const tr = document.createElement('tr');
      tr.dataset.table = t.source;
      const cells = [t.source + ' → ' + t.target, null, fmt(t.rows), t.estimated_rows ? '~' + fmt(t.estimated_rows) : '–',
                     fmt(percent, 1) + '%', fmt(rate), eta];
      cells.forEach((value, i) => {
        const td = document.createElement('td');
        if (i === 1) {
          const bar = document.createElement('div');
          bar.className = 'bar';
          const fill = document.createElement('div');
          fill.style.width = percent.toFixed(1) + '%';
          bar.appendChild(fill);
          td.appendChild(bar);
        } else {
          td.textContent = value;
          if (i >= 2) td.className = 'num';
        }
        tr.appendChild(td);
      });
      return tr;
    });
    body.replaceChildren(...rows);
  }

  function drawLink(status) {
    const linked = status.applied_position !== undefined;
    text('source-position', linked ? status.source_position : '–');
    text('applied-position', linked ? status.applied_position : '–');
    text('lag', linked && status.lag_seconds !== undefined ? fmt(status.lag_seconds, 1) + ' s' : '–');
    text('apply-rate', linked && status.events_per_second !== undefined ? fmt(status.events_per_second, 1) + ' changes/s' : '–');
    text('events-applied', linked ? fmt(status.events_applied) : '–');
    text('spool', status.spool_bytes !== undefined ? bytes(status.spool_bytes) : '–');
    const limit = (v, unit) => (v ? fmt(v) : 'unlimited') + ' ' + unit;
    text('throttle', limit(status.max_rows_per_sec, 'rows/s (copy)') + ', ' + limit(status.max_events_per_sec, 'events/s (replay)'));
  }

  function drawVerification(status) {
    const v = status.verification;
    const box = $('verification');
    if (!v || (!v.running && !v.last)) { box.textContent = 'none yet'; return; }
    const parts = [];
    if (v.running) {
      const p = v.progress;
      parts.push('verification ' + v.id + ' running' + (p ? ': ' + p.tables_done + '/' + p.tables + ' tables, ' + fmt(p.rows) + ' rows' : ''));
    }
    if (v.last) {
      const l = v.last;
      parts.push('verification ' + l.id + ': ' + l.outcome + (l.differences !== undefined ? ', ' + fmt(l.differences) + ' differing rows' : '') +
                 (l.report ? ' (report ' + l.report + ')' : '') + (l.error ? ': ' + l.error : ''));
    }
    box.textContent = parts.join(' · ');
  }

  function drawErrors(status) {
    const notes = [];
    if (status.last_error) notes.push('last error (pid ' + status.last_error.pid + '): ' + status.last_error.message);
    if (status.last_retry) notes.push('last retry ' + fmt(status.last_retry.seconds_ago) + ' s ago: ' + status.last_retry.what + ': ' + status.last_retry.error);
    $('errors').textContent = notes.length ? notes.join(' · ') : 'none';
    const r = status.retries || {};
    $('retries').textContent = 'retries: ' + Object.keys(r).map((k) => k + ' ' + r[k]).join(', ');
  }

  function drawState(status) {
    const running = $('running');
    running.textContent = status.ended ? status.ended : status.paused ? 'paused' : 'running';
    running.className = 'badge ' + (status.ended ? 'stopped' : 'running');
    text('state-line', 'phase ' + status.phase + (status.paused ? ' (paused)' : '') + (status.caught_up ? ', caught up' : '') +
         ' · pid ' + status.pid);
    const waits = [];
    if (status.capture_paused) waits.push('waiting for spool space: ' + status.capture_paused);
    if (status.last_retry && status.last_retry.seconds_ago <= 15) waits.push('waiting for a server: retrying ' + status.last_retry.what);
    if (status.paused) waits.push('paused: press Resume to go on');
    if (status.ddl_stop && !status.ddl_stop.resolution)
      waits.push('waiting for a DDL decision: "' + status.ddl_stop.statement + '" at ' + status.ddl_stop.position + ' — ' +
                 (status.ddl_stop.commands || []).map((c) => c.split(/\s{2,}/)[0]).join(' | '));
    $('waits').replaceChildren(...waits.map((w) => { const li = document.createElement('li'); li.textContent = w; return li; }));
  }

  function addSample(at, lag, rate) {
    if (at <= lastSampleAt) return;
    lastSampleAt = at;
    samples.push([new Date(at * 1000), lag, rate]);
    while (samples.length && samples[0][0].getTime() < (at - HOUR) * 1000) samples.shift();
  }

  function drawChart() {
    const box = $('chart');
    box.dataset.points = String(samples.length);
    if (!samples.length || typeof Dygraph === 'undefined') return;
    if (!chart) {
      chart = new Dygraph(box, samples, {labels: ['time', 'lag (s)', 'apply rate (/s)'], series: {'apply rate (/s)': {axis: 'y2'}},
                                          axes: {y: {valueRange: [0, null]}, y2: {valueRange: [0, null], independentTicks: true}},
                                          ylabel: 'lag (s)', y2label: 'changes/s', legend: 'always', labelsSeparateLines: false});
    } else {
      chart.updateOptions({file: samples});
    }
  }

  async function getJson(path) {
    const response = await fetch(path, {credentials: 'same-origin', cache: 'no-store'});
    if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
    return response.json();
  }

  async function poll() {
    try {
      const status = await getJson('/status');
      drawState(status); drawTimeline(status); drawTables(status); drawLink(status); drawVerification(status); drawErrors(status);
      if (status.applied_position !== undefined) addSample(status.updated_at, status.lag_seconds || 0, status.events_per_second || 0);
      drawChart();
    } catch (e) {
      $('running').textContent = 'not answering';
      $('running').className = 'badge stopped';
    }
  }

  async function send(command, body) {
    $('message').textContent = command + '…';
    try {
      const response = await fetch('/' + command, {method: 'POST', credentials: 'same-origin',
                                                   headers: {'Content-Type': 'application/json', 'X-Omsql-Csrf': csrf}, body: body || ''});
      const answer = await response.json().catch(() => ({}));
      $('message').textContent = response.ok && !answer.error ? command + ': done' : command + ': ' + (answer.error || 'HTTP ' + response.status);
      $('message').className = response.ok && !answer.error ? '' : 'error';
    } catch (e) {
      $('message').textContent = command + ': ' + e.message;
    }
    poll();
  }

  async function start() {
    try {
      const session = await getJson('/session');
      csrf = session.csrf;
      text('task-dir', session.task_dir || '');
      const history = await getJson('/history');
      (history.samples || []).forEach((s) => addSample(s[0], s[1], s[2]));
    } catch (e) {
      $('message').textContent = e.message;
    }
    document.querySelectorAll('button[data-command]').forEach((b) => b.addEventListener('click', () => {
      if (b.dataset.command === 'stop' && !confirm('Stop the task? It resumes when run again.')) return;
      send(b.dataset.command);
    }));
    $('btn-throttle').addEventListener('click', () => {
      const change = {};
      if ($('throttle-rows').value !== '') change.max_rows_per_sec = Number($('throttle-rows').value);
      if ($('throttle-events').value !== '') change.max_events_per_sec = Number($('throttle-events').value);
      send('throttle', JSON.stringify(change));
    });
    poll();
    setInterval(poll, 1000);
  }

  start();
})();
