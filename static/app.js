// zhengce: the search page, the reader view (/d/{doc}) and the passage page's copy button.
// Corpus text is set with textContent only; the one exception is the hit snippet,
// which the server escapes and marks up with <mark>.
(function () {
  'use strict';

  var LIMIT = 10;
  var DEBOUNCE_MS = 250;
  var NARROW = '(max-width: 900px)';

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

  // Copies “text”（citation） and says so on the button.
  function copyQuote(text, citation, btn) {
    var s = '\u201c' + text + '\u201d\uff08' + citation + '\uff09';
    var label = btn.dataset.label || btn.textContent;
    btn.dataset.label = label;
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

  function typingIn(t) {
    return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' ||
      t.isContentEditable);
  }

  // `/` focuses the query box from anywhere but another text field.
  function slashFocuses(input) {
    document.addEventListener('keydown', function (e) {
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typingIn(e.target)) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  var page = document.body.dataset.page;
  if (page === 'passage') {
    Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (b) {
      b.addEventListener('click', function () {
        copyQuote(b.dataset.text, b.dataset.citation, b);
      });
    });
    return;
  }
  if (page === 'doc') {
    reader();
    return;
  }
  searchPage();

  // ---- the reader view ----
  function reader() {
    var docId = document.body.dataset.doc;
    var main = document.getElementById('main');
    var input = document.getElementById('q');
    slashFocuses(input);
    main.addEventListener('click', function (e) {
      var b = e.target.closest('button.copy');
      if (!b) return;
      var art = b.closest('article');
      copyQuote(art.querySelector('.text').textContent, art.dataset.citation, b);
    });
    // A passage id in the path (/d/{passage}): go to it, as a fragment would.
    var target = document.body.dataset.target;
    if (target && !location.hash) {
      history.replaceState(null, '', '/d/' + encodeURIComponent(docId) + location.search + '#' +
        encodeURIComponent(target));
      var t = document.getElementById(target);
      if (t) t.scrollIntoView({ block: 'start' });
    }
    markCurrent();
    window.addEventListener('hashchange', markCurrent);
    function markCurrent() {
      Array.prototype.forEach.call(document.querySelectorAll('.passage.current'), function (p) {
        p.classList.remove('current');
      });
      var id = decodeURIComponent(location.hash.slice(1));
      var t = id && document.getElementById(id);
      if (t && t.classList.contains('passage')) t.classList.add('current');
    }
    // The outline: open beside the text on a desktop, closed above it on a phone.
    var outline = document.querySelector('.doc-outline');
    if (outline && window.matchMedia(NARROW).matches) {
      outline.open = false;
      outline.addEventListener('click', function (e) {
        if (e.target.closest('a')) outline.open = false;
      });
    }
    // The other dated versions: to the same passage there, when there is one.
    Array.prototype.forEach.call(document.querySelectorAll('a.version'), function (a) {
      a.addEventListener('click', function () {
        var id = decodeURIComponent(location.hash.slice(1));
        if (id.indexOf(docId + '-') !== 0) return;
        var other = a.dataset.doc;
        a.href = '/d/' + encodeURIComponent(other) + location.search + '#' +
          encodeURIComponent(other + id.slice(docId.length));
      });
    });
    // Previous / next matching passage (buttons, or the n and p keys).
    var bar = document.querySelector('.hitbar');
    var hits = bar ? Array.prototype.slice.call(document.querySelectorAll(bar.dataset.step)) : [];
    // The passage (or heading) last stepped to, while it is still where the step left it.
    var at = -1;
    function margin(e) { return parseFloat(getComputedStyle(e).scrollMarginTop) || 0; }
    function step(dir) {
      if (!hits.length) return;
      var i;
      var here = at >= 0 && Math.abs(hits[at].getBoundingClientRect().top - margin(hits[at])) < 12;
      if (here) {
        i = at + dir;
      } else if (dir > 0) {
        for (i = 0; i < hits.length && hits[i].getBoundingClientRect().top <= margin(hits[i]) + 12; i++);
      } else {
        for (i = hits.length - 1; i >= 0 && hits[i].getBoundingClientRect().top >= 0; i--);
      }
      i = (i + hits.length) % hits.length;
      at = i;
      var h = hits[i];
      if (h.id) {
        history.replaceState(null, '', location.pathname + location.search + '#' + encodeURIComponent(h.id));
        markCurrent();
      }
      h.scrollIntoView({ block: 'start' });
    }
    at = hits.indexOf(document.getElementById(decodeURIComponent(location.hash.slice(1))));
    var prev = document.querySelector('.hit-prev');
    var next = document.querySelector('.hit-next');
    if (prev) prev.addEventListener('click', function () { step(-1); });
    if (next) next.addEventListener('click', function () { step(1); });
    if (prev && !hits.length) { prev.disabled = true; next.disabled = true; }
    document.addEventListener('keydown', function (e) {
      if (typingIn(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'n') step(1);
      if (e.key === 'p') step(-1);
    });
  }

  // ---- the search page ----
  function searchPage() {
    var form = document.getElementById('search-form');
    var input = document.getElementById('q');
    var statusEl = document.getElementById('status');
    var results = document.getElementById('results');
    var pager = document.getElementById('pager');
    var filterEl = document.getElementById('filter');
    var filters = document.getElementById('filters');
    var filterSummary = document.getElementById('filter-summary');
    var facetsBox = document.getElementById('facets-box');
    var facetsEl = document.getElementById('facets');
    var tocBox = document.getElementById('toc-box');
    var tocEl = document.getElementById('toc');
    var docBox = document.getElementById('doc-box');
    var docInput = document.getElementById('doc-q');
    var docList = document.getElementById('doc-list');
    var docChosen = document.getElementById('doc-chosen');
    var typeBox = document.getElementById('type-box');
    var typesEl = document.getElementById('types');
    var dateBox = document.getElementById('date-box');
    var fromEl = document.getElementById('from');
    var toEl = document.getElementById('to');

    var state = readUrl();
    var composing = false;
    var timer = null;
    var seq = 0;
    var docs = [];            // every document: {id, title, subtitle, date, type, passages}
    var byId = {};            // document id -> document
    var chapterNames = {};    // document id -> chapter number -> "第二章 标题"
    var baseCache = {};       // query -> the unfiltered search's facets
    var lastBase = null;      // facets of the current query without filters
    var outlineOf = null;     // the document whose outline is shown

    function isDate(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s || ''); }

    function readUrl() {
      var p = new URLSearchParams(location.search);
      var n = function (k) { return /^\d+$/.test(p.get(k) || '') ? parseInt(p.get(k), 10) : null; };
      var pg = n('page');
      if (pg == null && n('offset') != null) pg = Math.floor(n('offset') / LIMIT) + 1;
      return {
        q: p.get('q') || '',
        doc: p.get('doc') || '',
        type: p.get('type') || '',
        from: isDate(p.get('from')) ? p.get('from') : '',
        to: isDate(p.get('to')) ? p.get('to') : '',
        chapter: n('chapter') != null ? String(n('chapter')) : null,
        page: pg && pg > 0 ? pg : 1
      };
    }

    function urlOf(s) {
      var p = new URLSearchParams();
      if (s.q.trim()) p.set('q', s.q.trim());
      if (s.doc) p.set('doc', s.doc);
      if (s.type) p.set('type', s.type);
      if (s.from) p.set('from', s.from);
      if (s.to) p.set('to', s.to);
      if (s.chapter != null) p.set('chapter', s.chapter);
      if (s.page > 1) p.set('page', String(s.page));
      var q = p.toString();
      return q ? '/?' + q : '/';
    }

    // Writes the state into the address: a new history entry for a deliberate change
    // (a search sent, a filter, a page), the same entry while typing.
    function updateUrl(push) {
      var u = urlOf(state);
      if (u === location.pathname + location.search) return;
      if (push) history.pushState(null, '', u);
      else history.replaceState(null, '', u);
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

    function docLabel(d) {
      var t = d.title + (d.subtitle ? '·' + d.subtitle : '');
      return d.date ? t + '（' + d.date + '）' : t;
    }

    function words(s) { return s.trim().split(/\s+/).filter(Boolean); }

    // The documents a doc filter names: an id, or words all in the title (as the API).
    function docsNamed(spec) {
      if (!spec) return docs;
      if (byId[spec]) return [byId[spec]];
      var w = words(spec);
      return docs.filter(function (d) {
        var t = d.title + ' ' + (d.subtitle || '');
        return w.every(function (x) { return t.indexOf(x) >= 0; });
      });
    }

    function inRange(d) {
      if (!state.from && !state.to) return true;
      if (!d || !d.date) return false;
      return (!state.from || d.date >= state.from) && (!state.to || d.date <= state.to);
    }

    function library() { return docs.length > 1; }

    // The one document the page is about: the only one, or the one picked.
    function oneDoc() {
      if (docs.length === 1) return docs[0].id;
      return byId[state.doc] ? state.doc : null;
    }

    function chapterLabel(k) {
      if (k === '0') return '章外（前言等）';
      return (chapterNames[oneDoc()] || {})[k] || ('第' + k + '章');
    }

    // ---- the filters ----
    function facetButton(label, count, active, onClick) {
      var li = el('li');
      var b = el('button', 'facet' + (active ? ' active' : ''));
      b.type = 'button';
      b.appendChild(el('span', 'name', label));
      if (count != null) b.appendChild(el('span', 'count', String(count)));
      b.setAttribute('aria-pressed', active ? 'true' : 'false');
      b.addEventListener('click', onClick);
      li.appendChild(b);
      return li;
    }

    function renderChapters(facets) {
      facetsEl.textContent = '';
      var keys = Object.keys(facets || {}).sort(function (a, b) { return a - b; });
      if (oneDoc() == null) keys = [];
      facetsBox.hidden = keys.length === 0;
      keys.forEach(function (k) {
        facetsEl.appendChild(facetButton(chapterLabel(k), facets[k], state.chapter === k, function () {
          state.chapter = state.chapter === k ? null : k;
          state.page = 1;
          search(true);
        }));
      });
    }

    function renderTypes(base) {
      typesEl.textContent = '';
      var tf = (base && base.type_facets) || {};
      var keys = Object.keys(tf).sort(function (a, b) { return tf[b] - tf[a]; });
      if (state.type && keys.indexOf(state.type) < 0) keys.unshift(state.type);
      typeBox.hidden = !library() || keys.length === 0;
      keys.forEach(function (k) {
        typesEl.appendChild(facetButton(k, tf[k] || 0, state.type === k, function () {
          foldOnPhone();
          state.type = state.type === k ? '' : k;
          state.chapter = null;
          state.page = 1;
          search(true);
        }));
      });
    }

    // The picked document (or title words), with a button to drop it.
    function renderChosen() {
      docChosen.textContent = '';
      docChosen.hidden = !state.doc;
      if (!state.doc) return;
      var d = byId[state.doc];
      var t = el('span', 't');
      if (d) {
        var a = el('a', null, '《' + docLabel(d) + '》');
        a.href = '/d/' + encodeURIComponent(d.id) + (state.q.trim() ? '?q=' + encodeURIComponent(state.q.trim()) : '');
        t.appendChild(a);
      } else {
        t.textContent = '标题含“' + state.doc + '”的 ' + docsNamed(state.doc).length + ' 个文件';
      }
      docChosen.appendChild(t);
      var x = el('button', 'clear', '×');
      x.type = 'button';
      x.setAttribute('aria-label', '不限文件');
      x.addEventListener('click', function () { pickDoc(''); });
      docChosen.appendChild(x);
    }

    // On a phone the panel folds once a choice is made, so that the hits show.
    function foldOnPhone() {
      if (window.matchMedia(NARROW).matches) filters.open = false;
    }

    function pickDoc(spec) {
      foldOnPhone();
      state.doc = spec;
      state.chapter = null;
      state.page = 1;
      docInput.value = '';
      closeSuggestions();
      renderChosen();
      showOutline();
      search(true);
    }

    // Suggestions: the documents whose title has every word typed, those with most hits
    // of the current search first, each with its count.
    var active = -1;
    function suggestions() {
      var w = words(docInput.value);
      if (!w.length) return [];
      var counts = (lastBase && lastBase.doc_facets) || {};
      var found = docs.filter(function (d) {
        var t = d.title + ' ' + (d.subtitle || '');
        return w.every(function (x) { return t.indexOf(x) >= 0; });
      });
      found.sort(function (a, b) {
        return (counts[b.id] || 0) - (counts[a.id] || 0) || a.title.length - b.title.length ||
          (b.date || '').localeCompare(a.date || '');
      });
      return found;
    }

    function renderSuggestions() {
      var found = suggestions();
      var counts = (lastBase && lastBase.doc_facets) || {};
      var hasQ = !!state.q.trim();
      docList.textContent = '';
      active = -1;
      if (!words(docInput.value).length) { closeSuggestions(); return; }
      found.slice(0, 12).forEach(function (d, i) {
        var li = el('li');
        li.id = 'doc-opt-' + i;
        li.setAttribute('role', 'option');
        li.dataset.doc = d.id;
        var name = el('span', 'n');
        name.appendChild(document.createTextNode(d.title + (d.subtitle ? '·' + d.subtitle : '')));
        name.appendChild(el('span', 'd', [d.type, d.date].filter(Boolean).join(' · ')));
        li.appendChild(name);
        if (hasQ) li.appendChild(el('span', 'c', (counts[d.id] || 0) + ' 段'));
        docList.appendChild(li);
      });
      if (found.length > 1) {
        var all = el('li', 'words');
        all.id = 'doc-opt-all';
        all.setAttribute('role', 'option');
        all.dataset.doc = docInput.value.trim();
        all.appendChild(el('span', 'n', '标题含“' + docInput.value.trim() + '”的全部 ' + found.length + ' 个文件'));
        if (hasQ) {
          var sum = found.reduce(function (s, d) { return s + (counts[d.id] || 0); }, 0);
          all.appendChild(el('span', 'c', sum + ' 段'));
        }
        docList.appendChild(all);
      }
      if (!found.length) docList.appendChild(el('li', 'none', '没有标题含这些词的文件'));
      docList.hidden = false;
      docInput.setAttribute('aria-expanded', 'true');
    }

    function closeSuggestions() {
      docList.hidden = true;
      docInput.setAttribute('aria-expanded', 'false');
      docInput.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function options() { return docList.querySelectorAll('li[role=option]'); }

    function setActive(i) {
      var o = options();
      if (!o.length) return;
      active = (i + o.length) % o.length;
      Array.prototype.forEach.call(o, function (x, j) {
        x.setAttribute('aria-selected', j === active ? 'true' : 'false');
      });
      docInput.setAttribute('aria-activedescendant', o[active].id);
      o[active].scrollIntoView({ block: 'nearest' });
    }

    docInput.addEventListener('input', renderSuggestions);
    docInput.addEventListener('focus', function () { if (docInput.value) renderSuggestions(); });
    docInput.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { e.preventDefault(); if (docList.hidden) renderSuggestions(); setActive(active + 1); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(active - 1); }
      else if (e.key === 'Escape') { closeSuggestions(); }
      else if (e.key === 'Enter') {
        e.preventDefault();
        var o = options();
        if (active >= 0 && o[active]) pickDoc(o[active].dataset.doc);
        else if (o.length === 1 || (o.length && suggestions().length === 1)) pickDoc(o[0].dataset.doc);
        else if (docInput.value.trim()) pickDoc(docInput.value.trim());
      }
    });
    docList.addEventListener('mousedown', function (e) {
      var li = e.target.closest('li[role=option]');
      if (!li) return;
      e.preventDefault();
      pickDoc(li.dataset.doc);
    });
    docInput.addEventListener('blur', function () { setTimeout(closeSuggestions, 150); });

    function dateChanged() {
      var f = isDate(fromEl.value) ? fromEl.value : '';
      var t = isDate(toEl.value) ? toEl.value : '';
      if (f === state.from && t === state.to) return;
      state.from = f;
      state.to = t;
      state.page = 1;
      search(true);
    }
    fromEl.addEventListener('change', dateChanged);
    toEl.addEventListener('change', dateChanged);

    function renderFilterNote() {
      filterEl.textContent = '';
      var parts = [];
      if (state.chapter != null) parts.push(chapterLabel(state.chapter));
      filterEl.hidden = parts.length === 0;
      if (!parts.length) return;
      filterEl.appendChild(el('span', null, '仅看：' + parts.join('，') + ' '));
      var x = el('button', 'clear', '× 取消');
      x.type = 'button';
      x.addEventListener('click', function () { state.chapter = null; state.page = 1; search(true); });
      filterEl.appendChild(x);
    }

    function summarize() {
      var parts = [];
      if (state.doc) parts.push(byId[state.doc] ? byId[state.doc].title : state.doc);
      if (state.type) parts.push(state.type);
      if (state.from || state.to) parts.push((state.from || '…') + '—' + (state.to || '…'));
      filterSummary.textContent = parts.length ? '（' + parts.join('，') + '）' : '';
    }

    // ---- the hits ----
    function readerHref(hit) {
      var q = state.q.trim();
      return '/d/' + encodeURIComponent(hit.doc) + (q ? '?q=' + encodeURIComponent(q) : '') + '#' +
        encodeURIComponent(hit.id);
    }

    function renderHit(hit, n) {
      var li = el('li', 'hit');
      li.value = n;
      var d = byId[hit.doc] || {};
      var h = el('h3', 'hit-title');
      var a = el('a', 'open');
      a.href = readerHref(hit);
      // Over a library: the document and the article (or the last heading); the plan
      // alone: the heading path.
      var last = (hit.path || '').split(' › ').pop();
      a.textContent = library() ?
        '《' + (hit.doc_title || d.title || hit.doc) + (d.subtitle ? '·' + d.subtitle : '') + '》' + (hit.article || last) :
        (hit.path || hit.citation);
      h.appendChild(a);
      li.appendChild(h);
      var m = el('p', 'hit-meta');
      if (d.type) m.appendChild(el('span', 'tag type', d.type));
      if (d.date) m.appendChild(el('span', 'date', d.date));
      // The heading path, without the article the title already names.
      var parts = (hit.path || '').split(' › ');
      if (parts[parts.length - 1] === (hit.article || last)) parts.pop();
      if (library() && parts.join('')) m.appendChild(el('span', 'path', parts.join(' › ')));
      if (m.childNodes.length) li.appendChild(m);
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
      var ctx = el('a', 'ctx', '上下文');
      ctx.href = '/p/' + encodeURIComponent(hit.id);
      meta.appendChild(ctx);
      if (hit.versions && hit.versions.length) {
        var v = el('span', 'versions-of', '其他版本：');
        hit.versions.forEach(function (x, i) {
          if (i) v.appendChild(document.createTextNode('、'));
          var va = el('a', null, x.date || x.doc);
          va.href = '/d/' + encodeURIComponent(x.doc) + (state.q.trim() ? '?q=' + encodeURIComponent(state.q.trim()) : '') +
            '#' + encodeURIComponent(x.id);
          v.appendChild(va);
        });
        meta.appendChild(v);
      }
      li.appendChild(meta);
      return li;
    }

    function renderPager(total) {
      pager.textContent = '';
      if (total <= LIMIT) return;
      var last = Math.min(Math.ceil(total / LIMIT), Math.floor(10000 / LIMIT) + 1);
      function btn(label, pg, enabled) {
        var b = el('button', 'page', label);
        b.type = 'button';
        b.disabled = !enabled;
        b.addEventListener('click', function () {
          state.page = pg;
          search(true);
          window.scrollTo(0, 0);
        });
        pager.appendChild(b);
      }
      btn('上一页', state.page - 1, state.page > 1);
      var from = (state.page - 1) * LIMIT;
      pager.appendChild(el('span', 'where',
        '第 ' + state.page + ' 页 · ' + (from + 1) + '–' + Math.min(total, from + LIMIT) + ' / ' + total));
      btn('下一页', state.page + 1, state.page < last);
    }

    function render(res, hits, total, base) {
      results.textContent = '';
      var from = (state.page - 1) * LIMIT;
      hits.forEach(function (h, i) { results.appendChild(renderHit(h, from + i + 1)); });
      var msg;
      if (total === 0) {
        msg = '没有找到包含“' + res.query + '”的段落' + (state.doc || state.type || state.from || state.to ? '（在所选范围内）' : '') + '。';
      } else {
        msg = '共 ' + total + ' 段' + (res.partial ? '（没有段落包含全部词语，以下为部分匹配）' : '') +
          ' · ' + res.took_ms.toFixed(1) + ' 毫秒';
      }
      setStatus(msg, false);
      renderChapters(res.facets);
      renderTypes(base);
      renderFilterNote();
      renderPager(total);
      if (document.activeElement === docInput && docInput.value) renderSuggestions();
    }

    function clear() {
      results.textContent = '';
      pager.textContent = '';
      facetsBox.hidden = true;
      filterEl.hidden = true;
      setStatus('', false);
      lastBase = null;
      renderTypes(null);
    }

    function apiParams(s, extra) {
      var p = new URLSearchParams({ q: s.q.trim() });
      if (s.doc) p.set('doc', s.doc);
      if (s.type) p.set('type', s.type);
      if (s.chapter != null) p.set('chapter', s.chapter);
      Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
      return p;
    }

    // The facets of the query without filters: type and document counts.
    function baseFacets(q) {
      if (baseCache[q]) return Promise.resolve(baseCache[q]);
      return getJson('/api/search?' + new URLSearchParams({ q: q, limit: '1' }).toString())
        .then(function (r) { baseCache[q] = r; return r; });
    }

    // A date range keeps the hits of documents dated in it: pages of up to 100 hits are
    // fetched until the page asked for is full (the API has no date filter); the total
    // counts the documents' hits in the range.
    function rangedSearch(my) {
      var want = state.page * LIMIT;
      var kept = [];
      function hitIn(h) {
        if (inRange(byId[h.doc])) return true;
        return (h.versions || []).some(function (v) { return inRange(byId[v.doc]); });
      }
      function more(offset, first) {
        return getJson('/api/search?' + apiParams(state, { limit: '100', offset: String(offset) }).toString())
          .then(function (res) {
            if (my !== seq) return null;
            first = first || res;
            res.hits.forEach(function (h) { if (hitIn(h)) kept.push(h); });
            var next = offset + 100;
            if (kept.length >= want || next >= res.total || next > 10000 - 100) {
              var total = 0;
              Object.keys(res.doc_facets || {}).forEach(function (id) {
                if (inRange(byId[id])) total += res.doc_facets[id];
              });
              return { res: first, hits: kept.slice(want - LIMIT, want), total: Math.max(total, kept.length) };
            }
            return more(next, first);
          });
      }
      return more(0, null);
    }

    function search(push) {
      var q = state.q.trim();
      updateUrl(push);
      summarize();
      var my = ++seq;
      if (!q) { clear(); return; }
      var ranged = !!(state.from || state.to);
      var main = ranged ? rangedSearch(my) :
        getJson('/api/search?' + apiParams(state, {
          limit: String(LIMIT), offset: String((state.page - 1) * LIMIT)
        }).toString()).then(function (res) { return { res: res, hits: res.hits, total: res.total }; });
      var filtered = state.doc || state.type || state.chapter != null;
      var base = !library() ? Promise.resolve(null) : (filtered || ranged) ? baseFacets(q) :
        main.then(function (m) { if (m) baseCache[q] = m.res; return m && m.res; });
      var chapters = state.chapter == null ? null :
        getJson('/api/search?' + apiParams({ q: q, doc: state.doc, type: state.type, chapter: null }, { limit: '1' }).toString());
      Promise.all([main, base, chapters]).then(function (all) {
        if (my !== seq || !all[0]) return;
        lastBase = all[1];
        var m = all[0];
        if (all[2]) m.res = Object.assign({}, m.res, { facets: all[2].facets });
        render(m.res, m.hits, m.total, all[1]);
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
      state.page = 1;
      search(false);
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
      state.page = 1;
      search(true);
    });

    // Keys: `/` focuses the box; ↑/↓ move from the box through the hits; Enter opens one.
    slashFocuses(input);
    function hitLinks() { return Array.prototype.slice.call(results.querySelectorAll('a.open')); }
    document.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      var links = hitLinks();
      if (!links.length) return;
      var i = links.indexOf(document.activeElement);
      var inBox = document.activeElement === input;
      if (i < 0 && !inBox) return;
      e.preventDefault();
      if (e.key === 'ArrowDown') {
        (i < 0 ? links[0] : links[Math.min(i + 1, links.length - 1)]).focus();
      } else if (i === 0) {
        input.focus();
      } else if (i > 0) {
        links[i - 1].focus();
      }
    });

    window.addEventListener('popstate', function () {
      state = readUrl();
      syncInputs(true);
      showOutline();
      search(false);
    });

    // The inputs from the state (after back or forward; the query box only then, so that
    // what is typed while the document list loads stays).
    function syncInputs(withQuery) {
      if (withQuery) input.value = state.q;
      fromEl.value = state.from;
      toEl.value = state.to;
      renderChosen();
    }

    // ---- the outline of the one document (the plan, or the document picked) ----
    function tocNode(node, docId) {
      var li = el('li', 'node ' + node.kind);
      var a = el('a');
      a.href = '/d/' + encodeURIComponent(docId) + '#' + encodeURIComponent(node.id);
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
        node.children.forEach(function (c) { ul.appendChild(tocNode(c, docId)); });
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

    function showOutline() {
      var id = oneDoc();
      if (id === outlineOf) return Promise.resolve();
      outlineOf = id;
      tocEl.textContent = '';
      tocBox.hidden = true;
      if (!id) return Promise.resolve();
      return getJson('/api/toc?doc=' + encodeURIComponent(id)).then(function (toc) {
        var d = toc.documents[0];
        if (!d || outlineOf !== id) return;
        chapterNames[d.id] = collectChapters(d.id, d.outline, {});
        var title = el('p', 'doc-title');
        var a = el('a', null, '《' + d.title + '》全文');
        a.href = '/d/' + encodeURIComponent(d.id);
        title.appendChild(a);
        tocEl.appendChild(title);
        var ul = el('ul', 'outline');
        d.outline.forEach(function (n) { ul.appendChild(tocNode(n, d.id)); });
        tocEl.appendChild(ul);
        tocBox.hidden = d.outline.length === 0;
        tocBox.open = !state.q.trim() && !window.matchMedia(NARROW).matches;
      }).catch(function () {
        tocEl.textContent = '目录加载失败';
      });
    }

    function setupLibrary(list) {
      docs = list.documents || [];
      byId = {};
      docs.forEach(function (d) { byId[d.id] = d; });
      docBox.hidden = !library();
      dateBox.hidden = !library() || !docs.some(function (d) { return d.date; });
      filters.open = !window.matchMedia(NARROW).matches;
      syncInputs();
      summarize();
      return showOutline();
    }

    input.value = state.q;
    var ready = getJson('/api/docs').then(setupLibrary).catch(function () {
      setStatus('文件列表加载失败', true);
    });
    ready.then(function () {
      if (input.value !== state.q) {
        queryChanged();
      } else if (state.q.trim()) {
        search(false);
      } else {
        clear();
        if (document.activeElement === document.body) input.focus();
      }
      document.body.dataset.ready = '1';
    });
  }
})();
