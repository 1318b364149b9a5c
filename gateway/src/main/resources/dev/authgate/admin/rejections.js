// The rejections explorer page (docs/operations.md, "Rejections explorer"). Every value shown comes from
// /rejections.json and is attacker-influenced (path, detail): it is only ever set with textContent, never as HTML.
'use strict';
(function () {
  var FILTERS = ['route', 'reason', 'status', 'since', 'until', 'limit'];
  var REFRESH_MS = 2000;
  var SPARKS = '\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588';
  var page = new URLSearchParams(window.location.search);
  var query = new URLSearchParams();
  FILTERS.forEach(function (k) {
    var v = page.get(k);
    if (v) query.set(k, v);
    var input = document.getElementById('f-' + k);
    if (input && v) input.value = v;
  });
  var selected = page.get('id');
  var entries = [];
  var verdicts = {};   // request id -> the last verify's verdict, kept across refreshes

  function $(id) { return document.getElementById(id); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) { tr.appendChild(c instanceof Node ? c : el('td', c)); });
    return tr;
  }

  function replaceBody(table, rows) {
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function spark(counts) {
    var max = Math.max.apply(null, counts.concat([1]));
    return counts.map(function (n) {
      return n === 0 ? SPARKS[0] : SPARKS[Math.max(1, Math.round(n / max * (SPARKS.length - 1)))];  // 0: a baseline
    }).join('');
  }

  function percent(x) { return x === null || x === undefined ? '-' : (x * 100).toFixed(x < 0.01 ? 2 : 1) + ' %'; }

  function renderGroups(data) {
    var strip = $('strip-reasons');
    while (strip.firstChild) strip.removeChild(strip.firstChild);
    var reasons = Object.keys(data.last_hour_by_reason);
    if (reasons.length === 0) strip.appendChild(el('span', 'no rejection', 'muted'));
    reasons.forEach(function (r) { strip.appendChild(el('span', r + ' ' + data.last_hour_by_reason[r], 'chip')); });
    var list = $('reasons');
    while (list.firstChild) list.removeChild(list.firstChild);
    reasons.forEach(function (r) { var o = document.createElement('option'); o.value = r; list.appendChild(o); });
    replaceBody($('groups'), data.groups.map(function (g) {
      var s = el('td', spark(g.last_hour), 'spark');
      s.title = 'rejections per minute, last hour';
      return row([g.route, g.reason, g.count, percent(g.share), g.first_seen, g.last_seen, s, el('td', g.fix)]);
    }));
  }

  // "9d 23h", "5h 12m", "42m", "12s"
  function span(seconds) {
    var s = Math.abs(seconds), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    if (d > 0) return d + 'd' + (h > 0 ? ' ' + h + 'h' : '');
    if (h > 0) return h + 'h' + (m > 0 ? ' ' + m + 'm' : '');
    return m > 0 ? m + 'm' : s + 's';
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function chip(text, cls, title) {
    var c = el('span', text, 'chip ' + cls);
    if (title) c.title = title;
    return c;
  }

  var CERTIFICATES = { listen: 'server certificate', client_ca: 'client CA', client_crl: 'client CRL next update' };

  // an expiry: "N left" (WARN within its window), or how long ago it passed
  function expiryChip(label, x) {
    var text = x.seconds_left > 0 ? label + ' ' + span(x.seconds_left) + ' left'
        : label + ' EXPIRED ' + span(x.seconds_left) + ' ago';
    return chip(text, x.seconds_left <= 0 ? 'bad' : x.warn ? 'warn' : 'ok',
        x.expires + (x.warning_window_seconds > 0 ? ' (warning within ' + span(x.warning_window_seconds) + ')' : ''));
  }

  // the status strip (/rejections/status.json): ids and times only, never a credential
  function renderStatus(data) {
    var routes = clear($('strip-routes'));
    routes.appendChild(el('span', data.routes.length + ' (' + data.routes.slice(0, 6).join(', ')
        + (data.routes.length > 6 ? ', \u2026' : '') + ')'));
    var certs = clear($('strip-certs'));
    if (data.certificates.length === 0) certs.appendChild(el('span', 'none (plain HTTP)', 'muted'));
    data.certificates.forEach(function (c) {
      var x = expiryChip(CERTIFICATES[c.name] || c.name, c);
      x.dataset.name = c.name;
      certs.appendChild(x);
    });
    var creds = clear($('strip-credentials'));
    if (data.credentials.length === 0) creds.appendChild(el('span', 'none has expires:', 'muted'));
    data.credentials.forEach(function (c) { creds.appendChild(expiryChip(c.route + '/' + c.id, c)); });
    if (data.credentials_expiring > data.credentials.length) {
      creds.appendChild(el('span', '+' + (data.credentials_expiring - data.credentials.length) + ' later', 'muted'));
    }
    var jwks = clear($('strip-jwks'));
    $('strip-jwks-group').hidden = data.jwks.length === 0;
    data.jwks.forEach(function (j) {
      jwks.appendChild(j.last_success === null ? chip(j.issuer + ': never loaded', 'bad')
          : chip(j.issuer + ': ' + j.keys + ' keys, fetched ' + j.last_success, j.keys > 0 ? 'ok' : 'warn'));
    });
    var reload = clear($('strip-reload'));
    var r = data.last_reload;
    if (!r) reload.appendChild(el('span', 'none yet', 'muted'));
    else if (r.result === 'ok') reload.appendChild(chip((r.at_start ? 'loaded at start ' : 'ok ') + r.at, 'ok'));
    else reload.appendChild(chip('refused ' + r.at + ': ' + r.error, 'bad',
        'the previous config keeps serving; the log has the whole error'));
  }

  function renderList(data) {
    entries = data.rejections;
    $('matched').textContent = '(' + data.rejections.length + ' shown of ' + data.matched + ' matching, '
        + data.capacity + ' kept at most)';
    replaceBody($('list'), entries.map(function (e) {
      var tr = row([e.time, e.status, e.route === null ? '-' : e.route, e.reason, e.method === null ? '-' : e.method,
        el('td', e.path, 'path'), e.client, el('td', e.detail, 'detail')]);
      tr.dataset.requestId = e.request_id;
      if (e.request_id === selected) tr.className = 'selected';
      tr.addEventListener('click', function () { select(e.request_id); });
      return tr;
    }));
    renderDetail();
  }

  function renderDetail() {
    var box = $('detail');
    var e = entries.find(function (x) { return x.request_id === selected; });
    if (!e) { box.hidden = true; return; }
    $('d-title').textContent = e.request_id;
    var dl = $('d-fields');
    while (dl.firstChild) dl.removeChild(dl.firstChild);
    [['time', e.time], ['request id', e.request_id], ['trace id', e.trace_id], ['client', e.client], ['tls', e.tls],
      ['request', (e.method || '-') + ' ' + (e.path || '-')], ['route', e.route], ['scheme', e.scheme],
      ['status', e.status], ['reason', e.reason], ['meaning', e.meaning], ['detail', e.detail], ['fix', e.fix],
      ['delivery id', e.delivery_id], ['credentials', credentials(e.credential_headers)],
      ['upstream', e.upstream], ['bytes in', e.bytes_in], ['duration', e.duration_ms + ' ms'],
      ['capture', e.captured ? 'kept (credentials redacted)' : 'none (the route has no capture: { rejected: true })'],
      ['verify', verdicts[e.request_id] || (e.captured ? 'not run' : '-')]
    ].forEach(function (f) {
      dl.appendChild(el('dt', f[0]));
      var dd = el('dd', f[1] === null || f[1] === undefined ? '-' : f[1], f[0] === 'fix' ? 'fix' : null);
      dd.id = 'd-' + f[0].replace(' ', '-');
      dl.appendChild(dd);
    });
    if (e.captured) {
      var actions = el('dd', null, 'actions');
      var download = el('button', 'download capture (for authgate explain)');
      download.id = 'd-download';
      download.type = 'button';
      download.addEventListener('click', function () { downloadCapture(e.request_id); });
      var verify = el('button', 'verify with the current config');
      verify.id = 'd-verify-run';
      verify.type = 'button';
      verify.addEventListener('click', function () { runVerify(e.request_id); });
      actions.appendChild(download);
      actions.appendChild(verify);
      dl.appendChild(el('dt', 'actions'));
      dl.appendChild(actions);
    }
    box.hidden = false;
  }

  // the capture as a file: fetched with the token (a plain link could not send it), saved through a blob URL
  function downloadCapture(id) {
    var path = '/rejections/' + encodeURIComponent(id) + '/capture';
    fetch(path, { cache: 'no-store', credentials: 'omit', headers: authHeaders() }).then(function (r) {
      if (!r.ok) throw new Error(path + ': ' + r.status);
      return r.blob();
    }).then(function (blob) {
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = id + '.http';
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      window.setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    }).catch(showError);
  }

  function runVerify(id) {
    var path = '/rejections/' + encodeURIComponent(id) + '/verify';
    verdicts[id] = 'running...';
    renderDetail();
    fetch(path, { method: 'POST', cache: 'no-store', credentials: 'omit', headers: authHeaders() }).then(function (r) {
      if (!r.ok) throw new Error(path + ': ' + r.status);
      return r.json();
    }).then(function (v) {
      verdicts[id] = v.verdict === 'pass' ? 'pass: the current config accepts it (route ' + v.route + ')'
          : 'reject: ' + v.reason + ' (' + v.status + '): ' + v.detail + '; fix: ' + v.fix;
      renderDetail();
    }).catch(function (err) { delete verdicts[id]; renderDetail(); showError(err); });
  }

  function showError(err) {
    $('error').textContent = String(err.message || err);
    $('error').hidden = false;
  }

  // names, lengths and fingerprints of the credential headers sent; never their values
  function credentials(list) {
    if (!list || list.length === 0) return 'none sent';
    return list.map(function (h) {
      return h.name + ': ' + (h.scheme ? h.scheme + ' ' : '') + h.length + ' chars'
          + (h.fingerprint ? ', ' + h.fingerprint : '') + (h.ends_with_newline ? ', ENDS WITH A NEWLINE' : '');
    }).join('; ');
  }

  function select(id) {
    selected = id;
    var url = new URLSearchParams(window.location.search);
    if (id) url.set('id', id); else url.delete('id');
    window.history.replaceState(null, '', '/rejections' + (url.toString() ? '?' + url : ''));
    Array.prototype.forEach.call($('list').tBodies[0].rows, function (tr) {
      tr.className = tr.dataset.requestId === id ? 'selected' : '';
    });
    renderDetail();
  }

  var TOKEN_KEY = 'authgate-admin-token';

  function authHeaders() {
    var headers = {};
    var token = window.sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    return headers;
  }

  function get(path, unfiltered) {
    var qs = unfiltered ? '' : query.toString();
    return fetch(path + (qs ? '?' + qs : ''), { cache: 'no-store', credentials: 'omit', headers: authHeaders() })
        .then(function (r) {
      if (r.status === 401) $('token-form').hidden = false;
      if (!r.ok) return r.text().then(function (t) { throw new Error(path + ': ' + r.status + ' ' + t); });
      return r.json();
    });
  }

  function refresh() {
    Promise.all([get('/rejections.json'), get('/rejections/groups.json'), get('/rejections/status.json', true)])
        .then(function (all) {
      renderList(all[0]);
      renderGroups(all[1]);
      renderStatus(all[2]);
      $('error').hidden = true;
      $('updated').textContent = 'updated ' + all[0].generated_at;
    }).catch(function (err) {
      $('error').textContent = String(err.message || err);
      $('error').hidden = false;
    }).then(function () { window.setTimeout(refresh, REFRESH_MS); });
  }

  $('d-close').addEventListener('click', function () { select(null); });
  $('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    window.sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    $('token-form').hidden = true;
  });
  refresh();
})();
