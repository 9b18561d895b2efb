/* sitegen search page: the form, results, facets and live region. A classic script (works from
   file://); the index is read by sitegen-index.js and words are analysed by sitegen-analysis.js.
   Everything the reader sees is built as DOM text, never as HTML. */
(function () {
  'use strict';

  var idx = window.sitegenIndex, AN = window.sitegenAnalysis;
  var app = document.getElementById('search-app');
  if (!idx || !app) return;
  var PAGE = 10;
  var T = JSON.parse(app.getAttribute('data-strings'));
  var root = app.getAttribute('data-root') || '';
  idx.open(root);
  var input = document.getElementById('q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var facetBox = document.getElementById('search-facets');
  var more = document.getElementById('search-more');
  var state = { q: '', typing: false, selected: [], shown: PAGE, results: [], visible: [] };
  var RAW = /(^|\s)[+\-]\S|[\p{L}\p{N}]:\S|[~^]\d|\*/u;
  /* Dates, language names, facet titles and labels come in the words of every edition of the site
     ({"en": ..., "ar": ...}); this page shows its own edition's. */
  var LANG = document.documentElement.lang;
  function own(x) {
    if (!x || typeof x !== 'object' || Array.isArray(x)) return x;
    return Object.prototype.hasOwnProperty.call(x, LANG) ? x[LANG] : x[Object.keys(x)[0]];
  }
  var runs = 0, renders = 0;

  function setStatus(text) { status.textContent = text; }
  function busy(yes) { app.setAttribute('aria-busy', yes ? 'true' : 'false'); }
  function failed() { busy(false); setStatus(T.load_error); }

  /* Raw lunr syntax when typed on purpose; otherwise the reader's words, all required. */
  function search(q, typing) {
    if (RAW.test(q)) {
      try {
        var clauses = idx.parse(q);
        return { clauses: clauses, terms: AN.analyse(q.replace(/[\p{L}]+:/gu, ' ')), prefix: '' };
      } catch (e) { /* not valid lunr syntax: read it as words */ }
    }
    var words = AN.tokens(q).filter(function (t) { return AN.termFor(t); });
    var last = typing ? words.pop() : null;
    var terms = words.map(AN.termFor);
    var prefix = last ? AN.prefixFor(last) : '';
    if (last && prefix.length < 2) { terms.push(AN.termFor(last)); prefix = ''; }
    return { clauses: idx.words(terms, prefix), terms: terms, prefix: prefix };
  }

  function run() {
    performance.mark('sitegen:run');
    var q = input.value.trim(), token = ++runs;
    state.q = q;
    var found = q ? search(q, state.typing) : { clauses: [], terms: [], prefix: '' };
    if (!found.clauses.length) { state.results = []; render(); setStatus(''); return; }
    busy(true);
    idx.run(found.clauses, state.shown).then(function (hits) {
      if (token !== runs) return;
      state.match = matcher(found.terms, found.prefix);
      state.results = hits;
      performance.mark('sitegen:searched');
      render().then(announceSoon);
    }, failed);
  }

  function matcher(terms, prefix) {
    var set = Object.create(null);
    terms.forEach(function (t) { set[t] = true; });
    return function (word) {
      var t = AN.termFor(word);
      return !!t && (set[t] || (prefix && t.startsWith(prefix)) || (prefix && word.startsWith(prefix)));
    };
  }

  /* Draw results and facets (counted over every result by the index) once their records and labels
     are loaded; a newer render wins. */
  function render() {
    var token = ++renders;
    return idx.facets(state.results, state.selected).then(function (view) {
      // the results shown in exact order (an archive too big to rank every result exactly up front)
      return token === renders ? idx.refine(view.visible, state.shown).then(function (visible) { view.visible = visible; return view; }) : null;
    }).then(function (view) {
      if (!view || token !== renders) return;
      state.visible = view.visible;
      var shown = state.visible.slice(0, state.shown);
      var facets = state.facets = state.results.length ? view.facets : [];
      var labels = Promise.all(facets.map(function (facet) {
        return Promise.all(facet.top.map(function (v) { return idx.label(facet.f, v); }));
      }));
      return Promise.all([Promise.all(shown.map(withPages)), labels]);
    }).then(function (loaded) {
      if (token !== renders || !loaded) return;
      list.textContent = '';
      loaded[0].forEach(function (doc) { list.appendChild(resultItem(doc)); });
      more.hidden = state.visible.length <= state.shown;
      drawFacets(state.facets, loaded[1]);
      document.getElementById('search-count').textContent = state.q ? countText(state.visible.length) : '';
      if (state.q && !performance.getEntriesByName('sitegen:complete').length) {
        performance.mark('sitegen:first-results');
        performance.mark('sitegen:complete');
      }
      busy(false);
    }, failed);
  }

  /* A result's record, with the text of its attachments' pages when it has any (search/o/). */
  function withPages(hit) {
    return idx.record(hit.n).then(function (doc) {
      return doc.originals ? idx.originals(hit.n).then(function (pages) { return Object.assign({ pages: pages }, doc); }) : doc;
    });
  }

  /* "5 results", "5 نتائج", "نتيجتان": the edition's CLDR plural form (T.results holds one per
     category, built from the strings table) and its digits. */
  var plurals = new Intl.PluralRules(T.plural_lang), numbers = new Intl.NumberFormat(T.number_locale);
  function countText(n) {
    var form = T.results[plurals.select(n)] || T.results.other;
    return form.replace('{n}', numbers.format(n));
  }

  var announceTimer = null;
  function announceSoon() {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      setStatus(state.q ? countText(state.visible.length) + ' \u2014 \u201c' + state.q + '\u201d' : '');
    }, 700);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] !== undefined && attrs[k] !== '') node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function highlighted(node, text) {
    var re = new RegExp(AN.TOKEN.source, 'gu'), last = 0, m;
    while ((m = re.exec(text))) {
      if (state.match(AN.tokens(m[0])[0] || '')) {
        node.appendChild(document.createTextNode(text.slice(last, m.index)));
        node.appendChild(el('mark', {}, m[0]));
        last = m.index + m[0].length;
      }
    }
    node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  function snippet(doc) {
    var words = doc.text.split(/\s+/), i = firstMatch(words);
    return i >= 0 ? around(words, i) : doc.summary || words.slice(0, 40).join(' ');
  }

  function firstMatch(words) {
    for (var i = 0; i < words.length; i++) if (AN.tokens(words[i]).some(state.match)) return i;
    return -1;
  }

  function around(words, i) {
    var start = Math.max(0, i - 12);
    return (start ? '\u2026 ' : '') + words.slice(start, i + 28).join(' ') + (i + 28 < words.length ? ' \u2026' : '');
  }

  /* Where a query word is in the text of the result's attachments: the first page it matches, said as
     "in original.pdf, p. 4" linking to that page (`#page=` for a PDF), and the words around it. */
  function originalMatch(doc) {
    var pages = doc.pages || [];
    for (var k = 0; k < pages.length; k++) {
      var words = pages[k][3].split(/\s+/), i = firstMatch(words);
      if (i < 0) continue;
      var p = el('p', { 'class': 'result-original' });
      var href = root + pages[k][1] + (/\.pdf$/i.test(pages[k][1]) ? '#page=' + pages[k][2] : '');
      p.appendChild(el('a', { href: href }, T.in_original.replace('{file}', pages[k][0]).replace('{page}', pages[k][2])));
      p.appendChild(document.createTextNode(' '));
      p.appendChild(highlighted(el('span', { lang: doc.lang, dir: doc.dir }), around(words, i)));
      return p;
    }
    return null;
  }

  function resultItem(doc) {
    // the item in its document's language and direction, the meta line in the page's (as in doc_list)
    var li = el('li', { lang: doc.lang, dir: doc.dir });
    li.appendChild(highlighted(el('a', { href: root + doc.href, 'class': 'doc-title' }), doc.title));
    var meta = el('span', { 'class': 'meta', lang: LANG, dir: document.documentElement.dir });
    meta.appendChild(el('span', {}, own(doc.date) + ' \u00b7 '));
    meta.appendChild(el('span', { dir: 'auto' }, doc.source));
    meta.appendChild(el('span', {}, ' \u00b7 ' + own(doc.language)));
    li.appendChild(meta);
    li.appendChild(highlighted(el('p', { 'class': 'result-snippet' }), snippet(doc)));
    var where = originalMatch(doc);
    if (where) li.appendChild(where);
    return li;
  }

  function drawFacets(facets, labels) {
    facetBox.textContent = '';
    facets.forEach(function (facet, k) {
      if (!facet.top.length) return;
      var spec = idx.specs[facet.f], chosen = state.selected[facet.f] || {};
      var box = el('fieldset', { 'class': 'facet', 'data-facet': spec.name });
      box.appendChild(el('legend', {}, own(spec.title) || T['facet_' + spec.name]));
      facet.top.forEach(function (value, i) {
        var id = 'f-' + spec.name.replace(/[^\w-]/g, '_') + '-' + value;
        var row = el('label', { 'for': id });
        var check = el('input', { type: 'checkbox', id: id, value: String(value) });
        check.checked = !!chosen[value];
        check.addEventListener('change', function () {
          var sel = state.selected[facet.f] = state.selected[facet.f] || {};
          if (check.checked) sel[value] = true; else delete sel[value];
          state.shown = PAGE;
          render().then(function () {
            announceSoon();
            var again = document.getElementById(id);
            if (again) again.focus();
          });
        });
        row.appendChild(check);
        var label = own(labels[k][i]);
        row.appendChild(el('span', label[1] ? { lang: label[1], dir: 'auto' } : { dir: 'auto' }, label[0]));
        var count = facet.counts.get(value) || 0;
        var about = facet.estimated && facet.exact.indexOf(value) < 0;
        row.appendChild(el('span', { 'class': 'count' }, about ? '\u2248' + numbers.format(approximate(count)) : numbers.format(count)));
        box.appendChild(row);
      });
      facetBox.appendChild(box);
    });
    if (facets.some(function (facet) { return facet.estimated && facet.top.length; })) {
      facetBox.appendChild(el('p', { 'class': 'meta' }, T.estimated.replace('{n}', idx.sample.size)));
    }
  }

  /* A count estimated from the sample, to two significant digits: it is no more precise than that. */
  function approximate(n) {
    var unit = n < 100 ? 1 : Math.pow(10, String(n).length - 2);
    return Math.round(n / unit) * unit;
  }

  var typingTimer = null;
  input.addEventListener('input', function () {
    state.typing = true;
    state.shown = PAGE;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(run, 60);
  });
  document.getElementById('search-form').addEventListener('submit', function (event) {
    event.preventDefault();
    state.typing = false;
    run();
    try { history.replaceState(null, '', '?q=' + encodeURIComponent(input.value.trim())); } catch (e) { /* file:// may refuse */ }
  });
  more.addEventListener('click', function () { state.shown += PAGE; render(); });

  input.value = new URLSearchParams(location.search).get('q') || '';
  document.getElementById('site-search').value = input.value;
  app.hidden = false;
  run();
})();
