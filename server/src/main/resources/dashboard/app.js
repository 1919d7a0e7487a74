// The Bottleneck dashboard: plain JavaScript over the server's JSON API. Charts are PNGs drawn
// by the server; they are fetched with the token header (when the server has one) and shown
// through object URLs. Every piece of data is put on the page as text, never as HTML.
'use strict';

const state = { token: sessionStorage.getItem('bottleneck-token') || '', models: [], current: null, urls: [] };

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (state.token) h['Authorization'] = 'Bearer ' + state.token;
  return h;
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = headers(opts.headers);
  const res = await fetch(path, opts);
  if (res.status === 401) {
    document.getElementById('token-form').hidden = false;
  }
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json() : null;
  if (!res.ok) {
    throw new Error(body && body.error ? body.error : 'request failed with status ' + res.status);
  }
  return body;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function fillTable(table, rows) {
  table.replaceChildren();
  for (const [k, v] of rows) {
    if (v === undefined || v === null || v === '') continue;
    const tr = el('tr');
    tr.append(el('td', k), el('td', typeof v === 'object' ? JSON.stringify(v) : v));
    table.append(tr);
  }
}

function fmt(x) {
  if (typeof x !== 'number') return x;
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(3);
  return String(Math.round(x * 10000) / 10000);
}

async function loadModels() {
  const status = document.getElementById('status');
  try {
    const health = await api('/api/health');
    status.textContent = 'server ' + health.version + ' · ' + health.models + ' model(s)';
    state.models = await api('/api/models');
  } catch (e) {
    status.textContent = e.message;
    return;
  }
  const list = document.getElementById('models');
  list.replaceChildren();
  document.getElementById('models-empty').hidden = state.models.length > 0;
  for (const m of state.models) {
    const b = el('button');
    b.dataset.model = m.name;
    b.append(el('span', m.name), el('small', m.error ? 'cannot be loaded' : (m.kind + ' · ' + m.family + ' · ' + m.input_width + ' → ' + m.latent)));
    b.addEventListener('click', () => { location.hash = encodeURIComponent(m.name); });
    const li = el('li');
    li.append(b);
    list.append(li);
  }
  route();
}

function route() {
  const name = decodeURIComponent(location.hash.replace(/^#/, ''));
  const m = state.models.find(x => x.name === name);
  if (m) showModel(m);
}

async function showImage(img, url) {
  const fig = img.closest('figure');
  const old = fig.querySelector('.error');
  if (old) old.remove();
  img.hidden = false;
  img.removeAttribute('src');
  try {
    const res = await fetch(url, { headers: headers() });
    if (!res.ok) {
      let message = 'status ' + res.status;
      try { message = (await res.json()).error; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    const objectUrl = URL.createObjectURL(await res.blob());
    state.urls.push(objectUrl);
    img.src = objectUrl;
  } catch (e) {
    img.hidden = true;
    fig.insertBefore(el('p', e.message, 'error'), fig.firstChild);
  }
}

function showModel(m) {
  state.current = m;
  for (const u of state.urls) URL.revokeObjectURL(u);
  state.urls = [];
  for (const b of document.querySelectorAll('#models button')) b.classList.toggle('active', b.dataset.model === m.name);
  document.getElementById('model-view').hidden = false;
  document.getElementById('model-title').textContent = m.name;
  const err = document.getElementById('model-error');
  err.hidden = !m.error;
  err.textContent = m.error || '';
  const c = m.config || {};
  const arch = c.architecture || {};
  fillTable(document.getElementById('config-table'), [
    ['kind', m.kind], ['family', m.family], ['input columns', m.input_width], ['code width', m.latent],
    ['hidden layers', arch.hidden], ['objective', c.objective], ['scaler', c.scaler_kind],
    ['threshold', m.threshold !== undefined && m.threshold !== null ? fmt(m.threshold) : 'none (not a detector)'],
    ['threshold rule', m.detector ? m.detector.threshold : null],
    ['library version', c.library_version]]);
  const p = c.provenance || {};
  fillTable(document.getElementById('provenance-table'), [
    ['data', p.data_file], ['data SHA-256', p.data_sha256 ? p.data_sha256.slice(0, 16) + '…' : null],
    ['rows', p.rows], ['validation rows', p.validation_rows], ['label column', p.label_column],
    ['seed', p.seed], ['epochs', p.epochs], ['train seconds', p.train_seconds !== undefined ? fmt(p.train_seconds) : null],
    ['best validation loss', p.best_validation_loss !== undefined ? fmt(p.best_validation_loss) : null],
    ['created', p.created], ['engine', p.engine], ['device', p.device], ['Java', p.java]]);
  document.getElementById('config-json').textContent = JSON.stringify(c, null, 2);
  document.getElementById('score-help').textContent = m.error ? '' :
    m.input_width + ' values, in this order: ' + (m.columns || []).join(', ');
  document.getElementById('score-result').textContent = '';
  document.getElementById('row-input').value = '';
  if (m.error) return;
  const base = '/api/models/' + encodeURIComponent(m.name);
  for (const chart of m.charts) {
    showImage(document.getElementById('chart-' + chart), base + '/charts/' + chart + '.png');
  }
  showFiles(base);
}

async function showFiles(base) {
  const box = document.getElementById('files');
  box.replaceChildren();
  let files = [];
  try { files = await api(base + '/files'); } catch (e) { /* shown as no files */ }
  files = files.filter(f => !['loss.png', 'reconstructions.png'].includes(f));
  document.getElementById('files-section').hidden = files.length === 0;
  for (const f of files) {
    const fig = el('figure');
    if (f.endsWith('.html')) {
      // a sandboxed frame (scripts on, opaque origin): the page cannot read the dashboard's token
      const frame = el('iframe');
      frame.setAttribute('sandbox', 'allow-scripts');
      frame.title = f;
      const link = el('a', 'open ' + f + ' in a new tab');
      link.href = base + '/files/' + f;
      link.target = '_blank';
      link.rel = 'noopener';
      fig.append(frame, el('figcaption', f), link);
      fetch(base + '/files/' + f, { headers: headers() })
        .then(res => res.ok ? res.blob() : Promise.reject(new Error('status ' + res.status)))
        .then(blob => { const u = URL.createObjectURL(blob); state.urls.push(u); frame.src = u; })
        .catch(e => fig.insertBefore(el('p', e.message, 'error'), fig.firstChild));
    } else {
      const img = el('img');
      img.alt = f;
      fig.append(img, el('figcaption', f));
      showImage(img, base + '/files/' + f);
    }
    box.append(fig);
  }
}

async function fillExample() {
  const m = state.current;
  const out = document.getElementById('score-result');
  try {
    const s = await api('/api/models/' + encodeURIComponent(m.name) + '/sample?rows=1');
    document.getElementById('row-input').value = s.rows[0].map(fmt).join(', ');
    out.textContent = 'row 1 of ' + s.source + (s.labels ? ' (label ' + s.labels[0] + ')' : '');
    out.className = 'muted';
  } catch (e) {
    out.textContent = e.message;
    out.className = 'error';
  }
}

async function scoreRow(ev) {
  ev.preventDefault();
  const m = state.current;
  const out = document.getElementById('score-result');
  const text = document.getElementById('row-input').value.trim();
  const cells = text === '' ? [] : text.split(/[\s,;]+/).filter(s => s !== '');
  const row = cells.map(s => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : s));
  const endpoint = m.threshold !== undefined && m.threshold !== null ? 'detect' : 'score';
  try {
    const r = await api('/api/models/' + encodeURIComponent(m.name) + '/' + endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ row: row })
    });
    if (endpoint === 'detect') {
      out.textContent = 'score ' + fmt(r.score) + ' · threshold ' + fmt(r.threshold) + ' · '
        + (r.outlier ? 'OUTLIER' : 'not an outlier');
      out.className = r.outlier ? 'outlier' : '';
    } else {
      out.textContent = 'score ' + fmt(r.score) + ' (reconstruction error; higher = more unusual)';
      out.className = '';
    }
  } catch (e) {
    out.textContent = e.message;
    out.className = 'error';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('fill-example').addEventListener('click', fillExample);
  document.getElementById('score-form').addEventListener('submit', scoreRow);
  document.getElementById('token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    state.token = document.getElementById('token-input').value.trim();
    sessionStorage.setItem('bottleneck-token', state.token);
    document.getElementById('token-form').hidden = true;
    loadModels();
  });
  window.addEventListener('hashchange', route);
  loadModels();
});
