/* sitegen search page. A classic script: it works from file:// as well as over http, because it uses
   no fetch, XHR, modules or workers; index shards arrive as <script> elements that push onto
   window.SITEGEN_SHARDS. Everything the reader sees is built as DOM text, never as HTML.
   The analysis functions (tokens, termFor, arabicNormalise, arabicStem) are the twins of
   sitegen/analysis.py and sitegen/arabic.py; a browser test compares them word for word. */
(function () {
  'use strict';

  var S = window.SITEGEN_SEARCH;

  // ---- analysis: the same rules as the Python build side ----
  var TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
  var ARABIC_SCRIPT = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]/;
  var DIACRITICS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]/g;
  var LETTERS = { '\u0623': '\u0627', '\u0625': '\u0627', '\u0622': '\u0627', '\u0671': '\u0627', '\u0649': '\u064a', '\u0629': '\u0647' };
  var ARTICLES = ['\u0648\u0627\u0644', '\u0628\u0627\u0644', '\u0643\u0627\u0644', '\u0641\u0627\u0644', '\u0644\u0644', '\u0627\u0644'];
  var SUFFIXES = ['\u0647\u0627', '\u0627\u0646', '\u0627\u062a', '\u0648\u0646', '\u064a\u0646', '\u064a\u0647', '\u0647', '\u064a'];
  var WAW = '\u0648';
  var ASCII_WORD = /^[a-z]+$/;
  var STOP = { en: toSet(S ? S.stopWords.en : []), ar: toSet(S ? S.stopWords.ar : []) };

  function toSet(list) { var s = Object.create(null); list.forEach(function (w) { s[w] = true; }); return s; }

  function tokens(text) { return text.normalize('NFKC').toLowerCase().match(TOKEN) || []; }

  function arabicNormalise(token) {
    return token.replace(DIACRITICS, '').replace(/[\u0623\u0625\u0622\u0671\u0649\u0629]/g, function (c) { return LETTERS[c]; });
  }

  function arabicStem(word) {
    if (word.startsWith(WAW) && word.length >= 4) word = word.slice(1);
    for (var i = 0; i < ARTICLES.length; i++) {
      if (word.startsWith(ARTICLES[i]) && word.length - ARTICLES[i].length >= 2) { word = word.slice(ARTICLES[i].length); break; }
    }
    for (var j = 0; j < SUFFIXES.length; j++) {
      if (word.endsWith(SUFFIXES[j]) && word.length - SUFFIXES[j].length >= 2) word = word.slice(0, -SUFFIXES[j].length);
    }
    return word;
  }

  function termFor(token) {
    if (ARABIC_SCRIPT.test(token)) {
      var word = arabicNormalise(token);
      return STOP.ar[word] ? '' : arabicStem(word);
    }
    if (STOP.en[token]) return '';
    return ASCII_WORD.test(token) ? lunr.stemmer(new lunr.Token(token)).toString() : token;
  }

  function analyse(text) { return tokens(text).map(termFor).filter(Boolean); }

  /* While the reader types, the last word matches as a prefix: the part its stem shares with what was
     typed ("countries" → "countri", "happy" → "happ"), so a word being typed still finds its stem. */
  function prefixFor(token) {
    var term = termFor(token);
    if (!term || ARABIC_SCRIPT.test(token)) return term;
    var i = 0;
    while (i < term.length && i < token.length && term[i] === token[i]) i++;
    return token.slice(0, i);
  }

  window.sitegenAnalysis = { tokens: tokens, termFor: termFor, analyse: analyse, prefixFor: prefixFor };
  if (!S) return;

  // ---- the index: global terms from core.js, postings rebuilt from each shard's vectors ----
  var fields = S.fields;
  var terms = S.terms;  // sorted in JavaScript string order, so binary search works

  function termPosition(term) {
    var lo = 0, hi = terms.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (terms[mid] === term) return mid;
      if (terms[mid] < term) lo = mid + 1; else hi = mid - 1;
    }
    return -lo - 1;
  }

  /* lunr reads `invertedIndex[term][field]` (refs containing the term) and `fieldVectors["field/ref"]`.
     Both are proxies that decode, on first use, only what a query touches from the loaded shards; a
     posting remembers how many shards it has merged and takes in new ones as they arrive. */
  var shards = [];
  var where = Object.create(null);  // ref -> [shard, position]
  var EMPTY = Object.freeze({});
  var postings = Object.create(null);
  var invertedIndex = new Proxy(postings, {
    get: function (target, term) {
      if (typeof term !== 'string') return target[term];
      var posting = target[term];
      if (!posting) {
        var i = termPosition(term);
        if (i < 0) return undefined;
        posting = target[term] = { _index: i, _merged: 0 };
        fields.forEach(function (f) { posting[f] = Object.create(null); });
      }
      while (posting._merged < shards.length) mergePosting(posting, shards[posting._merged++]);
      return posting;
    }
  });

  function mergePosting(posting, shard) {
    fields.forEach(function (field, f) {
      var at = shard.offsets[f].get(posting._index);
      if (at === undefined) return;
      var flat = shard.postings[f], count = flat[at - 1], k = 0;
      for (var j = 0; j < count; j++) { k += flat[at + j]; posting[field][shard.refs[k]] = EMPTY; }
    });
  }

  var vectors = Object.create(null);
  var fieldVectors = new Proxy(vectors, {
    get: function (target, key) {
      if (typeof key !== 'string' || target[key]) return target[key];
      var slash = key.indexOf('/'), f = fields.indexOf(key.slice(0, slash)), at = where[key.slice(slash + 1)];
      if (f < 0 || !at) return undefined;
      var coded = shards[at[0]].vectors[at[1]][f], elements = [], last = 0;
      for (var i = 0; i < coded.length; i += 2) { last += coded[i]; elements.push(last, coded[i + 1] / 1000); }
      return (target[key] = new lunr.Vector(elements));
    },
    ownKeys: function () {  // a query of only -terms lists every field vector
      var keys = [];
      Object.keys(where).forEach(function (ref) { fields.forEach(function (f) { keys.push(f + '/' + ref); }); });
      return keys;
    },
    getOwnPropertyDescriptor: function (target, key) {
      return { value: this.get(target, key), enumerable: true, configurable: true, writable: true };
    }
  });

  /* lunr expands each query clause by intersecting its automaton with the index's TokenSet, which
     takes long to build for a large vocabulary. Exact terms and trailing wildcards (all the search box
     produces) are answered from the sorted term list; anything else (fuzzy, leading wildcards) falls
     back to a real TokenSet, built the first time it is needed. */
  var fullTokenSet = null;
  var tokenSet = {
    intersect: function (clauseSet) {
      var shape = clauseShape(clauseSet);
      if (shape) return { toArray: function () { return expand(shape); } };
      fullTokenSet = fullTokenSet || lunr.TokenSet.fromArray(terms);
      return fullTokenSet.intersect(clauseSet);
    }
  };

  function clauseShape(node) {
    var chars = '';
    for (;;) {
      var keys = Object.keys(node.edges);
      if (!keys.length) return node.final ? { term: chars, prefix: false } : null;
      if (keys.length === 1 && keys[0] === '*' && node.edges['*'] === node && node.final) return { term: chars, prefix: true };
      if (keys.length !== 1 || keys[0] === '*') return null;
      chars += keys[0];
      node = node.edges[keys[0]];
    }
  }

  function expand(shape) {
    var i = termPosition(shape.term);
    if (!shape.prefix) return i >= 0 ? [shape.term] : [];
    var out = [];
    for (var k = i >= 0 ? i : -i - 1; k < terms.length && terms[k].startsWith(shape.term); k++) out.push(terms[k]);
    return out;
  }

  var pipeline = new lunr.Pipeline();
  function sitegenTerm(token) {
    return analyse(token.toString()).map(function (t) { return token.clone(function () { return t; }); });
  }
  lunr.Pipeline.registerFunction(sitegenTerm, 'sitegenTerm');
  pipeline.add(sitegenTerm);
  var index = new lunr.Index({ invertedIndex: invertedIndex, fieldVectors: fieldVectors,
    tokenSet: tokenSet, fields: fields, pipeline: pipeline });
  var docs = Object.create(null);
  var loaded = 0;

  function ingest(shard) {
    performance.mark('sitegen:ingest:' + shard.n);
    shard.offsets = shard.postings.map(function (flat) {
      var offsets = new Map(), term = 0;
      for (var i = 0; i < flat.length; i += 2 + flat[i + 1]) { term += flat[i]; offsets.set(term, i + 2); }
      return offsets;
    });
    shard.refs.forEach(function (ref, k) { docs[ref] = shard.docs[k]; where[ref] = [shards.length, k]; });
    shards.push(shard);
    loaded++;
    performance.mark('sitegen:ingested:' + shard.n);
  }

  function loadShards(onShard) {
    var queue = window.SITEGEN_SHARDS = window.SITEGEN_SHARDS || [];
    function drain() { while (queue.length) { ingest(queue.shift()); } onShard(); }
    function add(path, then) {
      var el = document.createElement('script');
      el.src = relative(path);
      el.onload = function () { drain(); if (then) then(); };
      el.onerror = function () { setStatus(T.load_error); };
      document.body.appendChild(el);
    }
    if (!S.shards.length) return onShard();
    add(S.shards[0], function () { S.shards.slice(1).forEach(function (p) { add(p); }); });
  }

  // ---- the page ----
  var app = document.getElementById('search-app');
  if (!app) return;
  var T = JSON.parse(app.getAttribute('data-strings'));
  var root = app.getAttribute('data-root') || '';
  function relative(path) { return root + path; }
  var form = document.getElementById('search-form');
  var input = document.getElementById('q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var facetBox = document.getElementById('search-facets');
  var more = document.getElementById('search-more');
  var FACETS = Object.keys(S.facets).filter(function (k) { return k !== 'language'; }).concat(['language', 'year', 'source']);
  var state = { q: '', typing: false, selected: {}, shown: 50, results: [] };
  var RAW = /(^|\s)[+\-]\S|[\p{L}\p{N}]:\S|[~^]\d|\*/u;

  function setStatus(text) { status.textContent = text; }

  function search(q, typing) {
    if (RAW.test(q)) {
      try { return { hits: index.search(q), terms: analyse(q.replace(/[\p{L}]+:/gu, ' ')), prefix: '' }; } catch (e) { /* not valid lunr syntax: read it as words */ }
    }
    var words = tokens(q).filter(function (t) { return termFor(t); });
    if (!words.length) return { hits: [], terms: [], prefix: '' };
    var last = typing ? words.pop() : null;
    var terms = words.map(termFor);
    var prefix = last ? prefixFor(last) : '';
    var hits = index.query(function (query) {
      terms.forEach(function (t) { query.term(t, { usePipeline: false, presence: lunr.Query.presence.REQUIRED }); });
      if (last) {
        if (prefix.length >= 2) query.term(prefix, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, presence: lunr.Query.presence.REQUIRED });
        else query.term(termFor(last), { usePipeline: false, presence: lunr.Query.presence.REQUIRED });
      }
    });
    if (last && prefix.length < 2) terms.push(termFor(last));
    return { hits: hits, terms: terms, prefix: prefix.length >= 2 ? prefix : '' };
  }

  function facetValues(doc, facet) {
    if (facet === 'language') return [doc.lang];
    if (facet === 'year') return [String(doc.year)];
    if (facet === 'source') return [doc.source];
    return doc.terms[facet] || [];
  }

  function passes(doc, except) {
    return Object.keys(state.selected).every(function (facet) {
      if (facet === except) return true;
      var chosen = state.selected[facet];
      var keys = Object.keys(chosen);
      return !keys.length || facetValues(doc, facet).some(function (v) { return chosen[v]; });
    });
  }

  function run() {
    performance.mark('sitegen:run');
    var q = input.value.trim();
    state.q = q;
    if (!q) { state.results = []; render(); setStatus(''); return; }
    var found = search(q, state.typing);
    state.match = matcher(found.terms, found.prefix);
    state.results = found.hits.filter(function (h) { return docs[h.ref]; }).map(function (h) { return docs[h.ref]; });
    performance.mark('sitegen:searched');
    render();
    performance.mark('sitegen:rendered');
    announceSoon();
  }

  function matcher(terms, prefix) {
    var set = toSet(terms);
    return function (word) {
      var t = termFor(word);
      return !!t && (set[t] || (prefix && t.startsWith(prefix)) || (prefix && word.startsWith(prefix)));
    };
  }

  function render() {
    var visible = state.results.filter(function (d) { return passes(d); });
    state.visible = visible;
    list.textContent = '';
    visible.slice(0, state.shown).forEach(function (doc) { list.appendChild(resultItem(doc)); });
    more.hidden = visible.length <= state.shown;
    renderFacets();
    var partial = loaded < S.shards.length;
    if (visible.length && !performance.getEntriesByName('sitegen:first-results').length) performance.mark('sitegen:first-results');
    if (!partial && state.q && !performance.getEntriesByName('sitegen:complete').length) performance.mark('sitegen:complete');
    app.setAttribute('aria-busy', partial ? 'true' : 'false');
    document.getElementById('search-count').textContent = state.q ? countText(visible.length) + (partial ? ' ' + T.loading : '') : '';
  }

  function countText(n) { return n === 1 ? T.one_result : T.results.replace('{n}', n); }

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
    var re = new RegExp(TOKEN.source, 'gu'), last = 0, m;
    while ((m = re.exec(text))) {
      if (state.match(tokens(m[0])[0] || '')) {
        node.appendChild(document.createTextNode(text.slice(last, m.index)));
        node.appendChild(el('mark', {}, m[0]));
        last = m.index + m[0].length;
      }
    }
    node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  function snippet(doc) {
    var words = doc.text.split(/\s+/);
    for (var i = 0; i < words.length; i++) {
      var toks = tokens(words[i]);
      if (toks.some(state.match)) {
        var start = Math.max(0, i - 12);
        return (start ? '\u2026 ' : '') + words.slice(start, i + 28).join(' ') + (i + 28 < words.length ? ' \u2026' : '');
      }
    }
    return doc.summary || words.slice(0, 40).join(' ');
  }

  function resultItem(doc) {
    var li = el('li');
    var a = highlighted(el('a', { href: relative(doc.href), lang: doc.lang, dir: doc.dir, 'class': 'doc-title' }), doc.title);
    li.appendChild(a);
    var meta = el('span', { 'class': 'meta' });
    meta.appendChild(el('span', {}, doc.date + ' \u00b7 '));
    meta.appendChild(el('span', { dir: 'auto' }, doc.source));
    meta.appendChild(el('span', {}, ' \u00b7 ' + label('language', doc.lang)));
    li.appendChild(meta);
    li.appendChild(highlighted(el('p', { 'class': 'result-snippet', lang: doc.lang, dir: doc.dir }), snippet(doc)));
    return li;
  }

  function label(facet, value) {
    var labels = S.facets[facet] && S.facets[facet].labels;
    return labels && labels[value] ? labels[value][0] : value;
  }

  function renderFacets() {
    facetBox.textContent = '';
    if (!state.results.length) return;
    FACETS.forEach(function (facet) {
      var counts = Object.create(null);
      state.results.forEach(function (doc) {
        if (!passes(doc, facet)) return;
        facetValues(doc, facet).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      var chosen = state.selected[facet] || {};
      var values = Object.keys(counts).sort(function (a, b) {
        return (counts[b] - counts[a]) || label(facet, a).localeCompare(label(facet, b));
      });
      var top = values.slice(0, 12);
      Object.keys(chosen).forEach(function (v) { if (top.indexOf(v) < 0) top.push(v); });
      if (!top.length) return;
      var box = el('fieldset', { 'class': 'facet', 'data-facet': facet });
      box.appendChild(el('legend', {}, S.facets[facet] && S.facets[facet].title ? S.facets[facet].title : T['facet_' + facet]));
      top.forEach(function (value) {
        var id = 'f-' + facet + '-' + value.replace(/[^\w-]/g, '_');
        var row = el('label', { 'for': id });
        var box2 = el('input', { type: 'checkbox', id: id, value: value });
        box2.checked = !!chosen[value];
        box2.addEventListener('change', function () {
          var sel = state.selected[facet] = state.selected[facet] || {};
          if (box2.checked) sel[value] = true; else delete sel[value];
          state.shown = 50;
          render();
          announceSoon();
          var again = document.getElementById(id);
          if (again) again.focus();
        });
        row.appendChild(box2);
        var labels = S.facets[facet] && S.facets[facet].labels && S.facets[facet].labels[value];
        row.appendChild(el('span', labels ? { lang: labels[1], dir: 'auto' } : { dir: 'auto' }, label(facet, value)));
        row.appendChild(el('span', { 'class': 'count' }, String(counts[value] || 0)));
        box.appendChild(row);
      });
      facetBox.appendChild(box);
    });
  }

  var typingTimer = null;
  input.addEventListener('input', function () {
    state.typing = true;
    state.shown = 50;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(run, 60);
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    state.typing = false;
    run();
    try { history.replaceState(null, '', '?q=' + encodeURIComponent(input.value.trim())); } catch (e) { /* file:// may refuse */ }
  });
  more.addEventListener('click', function () { state.shown += 50; render(); });

  var params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  document.getElementById('site-search').value = input.value;
  app.hidden = false;
  loadShards(function () { if (input.value.trim()) run(); else render(); });
})();
