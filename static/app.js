// zhengce: the search page and the passage page's copy button.
// Corpus text is set with textContent only; the one exception is the hit snippet,
// which the server escapes and marks up with <mark>.
(function () {
  'use strict';

  var LIMIT = 10;
  var DEBOUNCE_MS = 250;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function fallbackCopy(text) {
    var ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.top = '-1000px';
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }

  function copyQuote(text, citation, btn) {
    var s = '\u201c' + text + '\u201d\uff08' + citation + '\uff09';
    var label = btn.textContent;
    function done(ok) {
      btn.textContent = ok ? '已复制' : '复制失败';
      setTimeout(function () { btn.textContent = label; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(s).then(
        function () { done(true); },
        function () { done(fallbackCopy(s)); });
    } else {
      done(fallbackCopy(s));
    }
  }

  if (document.body.dataset.page === 'passage') {
    Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (b) {
      b.addEventListener('click', function () {
        copyQuote(b.dataset.text, b.dataset.citation, b);
      });
    });
    return;
  }

  var form = document.getElementById('search-form');
  var input = document.getElementById('q');
  var statusEl = document.getElementById('status');
  var results = document.getElementById('results');
  var pager = document.getElementById('pager');
  var filterEl = document.getElementById('filter');
  var facetsBox = document.getElementById('facets-box');
  var facetsEl = document.getElementById('facets');
  var tocBox = document.getElementById('toc-box');
  var tocEl = document.getElementById('toc');

  var params = new URLSearchParams(location.search);
  var state = {
    q: params.get('q') || '',
    chapter: /^\d+$/.test(params.get('chapter') || '') ? params.get('chapter') : null,
    offset: /^\d+$/.test(params.get('offset') || '') ? parseInt(params.get('offset'), 10) : 0,
    doc: params.get('doc') || ''
  };
  var docSelect = document.getElementById('doc');
  var composing = false;
  var timer = null;
  var seq = 0;
  var chapterNames = {};   // document id -> chapter number -> "第二章 标题"
  var docIds = [];         // the documents of the library
  var facetCache = {};     // query -> facets of the unfiltered search

  function updateUrl() {
    var p = new URLSearchParams();
    if (state.q.trim()) {
      p.set('q', state.q.trim());
      if (state.chapter != null) p.set('chapter', state.chapter);
      if (state.offset > 0) p.set('offset', String(state.offset));
      if (state.doc) p.set('doc', state.doc);
    }
    var s = p.toString();
    history.replaceState(null, '', s ? '/?' + s : '/');
  }

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? 'error' : '';
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) {
          var msg = body && body.error ? body.error.message : ('HTTP ' + r.status);
          throw new Error(msg);
        }
        return body;
      });
    });
  }

  // The document whose chapters the facets count: the one picked, or the only one. Over
  // several documents, chapter numbers mix documents: null.
  function facetDoc() {
    if (docIds.length === 1) return docIds[0];
    return chapterNames[state.doc] ? state.doc : null;
  }

  function chapterLabel(k) {
    if (k === '0') return '章外（前言等）';
    return (chapterNames[facetDoc()] || {})[k] || ('第' + k + '章');
  }

  function renderFacets(facets) {
    facetsEl.textContent = '';
    var keys = Object.keys(facets || {}).sort(function (a, b) { return a - b; });
    if (docIds.length > 1 && facetDoc() == null) keys = [];
    facetsBox.hidden = keys.length === 0;
    keys.forEach(function (k) {
      var li = el('li');
      var b = el('button', 'facet' + (state.chapter === k ? ' active' : ''));
      b.type = 'button';
      b.appendChild(el('span', 'name', chapterLabel(k)));
      b.appendChild(el('span', 'count', String(facets[k])));
      b.setAttribute('aria-pressed', state.chapter === k ? 'true' : 'false');
      b.addEventListener('click', function () {
        state.chapter = state.chapter === k ? null : k;
        state.offset = 0;
        search();
      });
      li.appendChild(b);
      facetsEl.appendChild(li);
    });
  }

  function renderFilter() {
    filterEl.textContent = '';
    filterEl.hidden = state.chapter == null;
    if (state.chapter == null) return;
    filterEl.appendChild(el('span', null, '仅看：' + chapterLabel(state.chapter) + ' '));
    var x = el('button', 'clear', '× 取消筛选');
    x.type = 'button';
    x.addEventListener('click', function () { state.chapter = null; state.offset = 0; search(); });
    filterEl.appendChild(x);
  }

  function renderHit(hit, n) {
    var li = el('li', 'hit');
    li.value = n;
    li.appendChild(el('div', 'path', hit.path));
    var snip = el('p', 'snippet');
    snip.innerHTML = hit.snippet; // escaped by the server; only <mark> is markup
    li.appendChild(snip);
    var meta = el('div', 'meta');
    meta.appendChild(el('span', 'citation', hit.citation));
    var copy = el('button', 'copy', '复制引用');
    copy.type = 'button';
    copy.title = '复制“原文”（出处）';
    copy.addEventListener('click', function () { copyQuote(hit.text, hit.citation, copy); });
    meta.appendChild(copy);
    var link = el('a', 'open', '查看上下文');
    link.href = '/p/' + encodeURIComponent(hit.id);
    meta.appendChild(link);
    li.appendChild(meta);
    return li;
  }

  function renderPager(res) {
    pager.textContent = '';
    if (res.total <= LIMIT) return;
    function btn(label, offset, enabled) {
      var b = el('button', 'page', label);
      b.type = 'button';
      b.disabled = !enabled;
      b.addEventListener('click', function () {
        state.offset = offset;
        search();
        window.scrollTo(0, 0);
      });
      pager.appendChild(b);
    }
    btn('上一页', Math.max(0, state.offset - LIMIT), state.offset > 0);
    pager.appendChild(el('span', 'where',
      (state.offset + 1) + '–' + Math.min(res.total, state.offset + LIMIT) + ' / ' + res.total));
    btn('下一页', state.offset + LIMIT, state.offset + LIMIT < res.total && state.offset + LIMIT <= 10000);
  }

  function render(res, facets) {
    results.textContent = '';
    res.hits.forEach(function (h, i) { results.appendChild(renderHit(h, state.offset + i + 1)); });
    var msg;
    if (res.total === 0) {
      msg = '没有找到包含“' + res.query + '”的段落。';
    } else {
      msg = '共 ' + res.total + ' 段' + (res.partial ? '（没有段落包含全部词语，以下为部分匹配）' : '') +
        ' · ' + res.took_ms.toFixed(1) + ' 毫秒';
    }
    setStatus(msg, false);
    renderFacets(facets);
    renderFilter();
    renderPager(res);
  }

  function clear() {
    results.textContent = '';
    pager.textContent = '';
    facetsBox.hidden = true;
    filterEl.hidden = true;
    setStatus('', false);
    tocBox.open = true;
  }

  function search() {
    var q = state.q.trim();
    updateUrl();
    var my = ++seq;
    if (!q) { clear(); return; }
    var p = new URLSearchParams({ q: q, limit: String(LIMIT), offset: String(state.offset) });
    if (state.chapter != null) p.set('chapter', state.chapter);
    if (state.doc) p.set('doc', state.doc);
    var main = getJson('/api/search?' + p.toString());
    var facets;
    var key = state.doc + '\u0000' + q;
    if (state.chapter == null) {
      facets = main.then(function (res) { facetCache[key] = res.facets; return res.facets; });
    } else if (facetCache[key]) {
      facets = Promise.resolve(facetCache[key]);
    } else {
      var fp = new URLSearchParams({ q: q, limit: '1' });
      if (state.doc) fp.set('doc', state.doc);
      facets = getJson('/api/search?' + fp.toString())
        .then(function (res) { facetCache[key] = res.facets; return res.facets; });
    }
    Promise.all([main, facets]).then(function (both) {
      if (my !== seq) return;
      render(both[0], both[1]);
    }).catch(function (e) {
      if (my !== seq) return;
      results.textContent = '';
      pager.textContent = '';
      setStatus(e && e.message ? e.message : '搜索失败', true);
    });
  }

  function queryChanged() {
    if (input.value === state.q) return;
    state.q = input.value;
    state.chapter = null;
    state.offset = 0;
    search();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(queryChanged, DEBOUNCE_MS);
  }

  // Input methods: nothing fires between compositionstart and compositionend.
  input.addEventListener('compositionstart', function () {
    composing = true;
    clearTimeout(timer);
  });
  input.addEventListener('compositionend', function () {
    composing = false;
    schedule();
  });
  input.addEventListener('input', function (e) {
    if (composing || e.isComposing) return;
    schedule();
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (composing) return;
    clearTimeout(timer);
    state.q = input.value;
    state.chapter = null;
    state.offset = 0;
    search();
  });

  function tocNode(node) {
    var li = el('li', 'node ' + node.kind);
    var a = el('a');
    a.href = '/p/' + encodeURIComponent(node.id);
    a.appendChild(el('span', 'label', node.label));
    a.appendChild(document.createTextNode(' '));
    a.appendChild(el('span', 'title', node.title));
    li.appendChild(a);
    if (node.pages) {
      var pg = node.pages[0] === node.pages[1] ? node.pages[0] : node.pages[0] + '—' + node.pages[1];
      li.appendChild(el('span', 'pages', ' 第' + pg + '页'));
    }
    if (node.children && node.children.length) {
      var ul = el('ul');
      node.children.forEach(function (c) { ul.appendChild(tocNode(c)); });
      li.appendChild(ul);
    }
    return li;
  }

  // The chapters of a document's outline (under its parts too), by number: the number
  // ends the node id (tese2021-2, law-…-c2, law-…-f1.c2).
  function collectChapters(docId, nodes, names) {
    nodes.forEach(function (n) {
      if (n.kind === 'chapter') {
        var m = /(?:^|[-.])c?(\d+)$/.exec(n.id.slice(docId.length));
        if (m) names[String(parseInt(m[1], 10))] = n.label + ' ' + n.title;
      }
      if (n.children) collectChapters(docId, n.children, names);
    });
    return names;
  }

  function renderToc(toc) {
    tocEl.textContent = '';
    toc.documents.forEach(function (d) {
      tocEl.appendChild(el('p', 'doc-title', '《' + d.title + '》'));
      var ul = el('ul', 'outline');
      d.outline.forEach(function (n) { ul.appendChild(tocNode(n)); });
      tocEl.appendChild(ul);
      docIds.push(d.id);
      chapterNames[d.id] = collectChapters(d.id, d.outline, {});
    });
  }

  // The document picker, shown when the library holds more than one document.
  function renderDocPicker(toc) {
    var docs = (toc && toc.documents) || [];
    if (docs.length > 1) {
      docs.forEach(function (d) {
        var o = document.createElement('option');
        o.value = d.id;
        // Dated versions of one law share a title: the date tells them apart.
        o.textContent = d.date ? d.title + '（' + d.date + '）' : d.title;
        if (d.id === state.doc) o.selected = true;
        docSelect.appendChild(o);
      });
      docSelect.hidden = false;
    }
    return toc;
  }
  docSelect.addEventListener('change', function () {
    state.doc = docSelect.value;
    state.chapter = null;
    state.offset = 0;
    search();
  });

  var tocLoaded = getJson('/api/toc').then(renderDocPicker).then(renderToc).catch(function () {
    tocEl.textContent = '目录加载失败';
  });

  input.value = state.q;
  if (state.q.trim()) {
    tocLoaded.then(search); // facet labels use the chapter titles
  } else {
    clear();
    input.focus();
  }
})();
