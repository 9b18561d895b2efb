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
  var fix = document.getElementById('search-fix');
  var when = { order: document.getElementById('search-order'), from: document.getElementById('search-from'),
    to: document.getElementById('search-to'), within: document.getElementById('search-within') };  // absent in an older theme's page
  var state = { q: '', typing: false, selected: [], shown: PAGE, results: [], visible: [], exact: false, changes: [], suggestion: null, checks: [], without: [], order: '', from: '', to: '', within: false };
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

  /* The reader's operators: `"a phrase"` (its words required, then their places checked on the index's
     positions: see byPhrase), `-"a phrase"` (checked the same way, and those holding it dropped),
     `a OR b` (one of them required; either may be a phrase) and `-word` (none of it), every other
     word required. Read the same from the box and the address (q), in every edition: a phrase is
     compared on analysed words (termFor), as the index holds them, a stop word keeping its place. */
  var OPS = /"|(^|\s)OR(\s|$)/;
  function operators(q) {
    var items = [], re = /(-?)"([^"]*)"?|(\S+)/g, m;
    while ((m = re.exec(q))) {
      if (m[3] === 'OR') { items.push({ or: true }); continue; }
      var not = m[1] === '-' || (m[3] && m[3][0] === '-' && m[3].length > 1);
      var text = m[3] !== undefined ? m[3].replace(/^-/, '') : m[2];
      var words = AN.tokens(text), terms = [], at = [];
      words.forEach(function (w, i) { var t = AN.termFor(w); if (t) { terms.push(t); at.push(i); } });
      if (terms.length) items.push({ not: not, terms: terms, at: at, words: words });
    }
    /* groups of alternatives joined by OR, each alternative a phrase (a word written as several, such
       as counter-terrorism, is one) or a word */
    var groups = [], not = [], without = [], joined = false;
    items.forEach(function (item) {
      if (item.or) { joined = groups.length > 0; return; }
      var phrase = item.terms.length > 1;
      if (item.not) { if (phrase) without.push({ terms: item.terms, at: item.at }); else not.push(item.terms[0]); joined = false; return; }
      var alternative = { terms: item.terms, at: item.at, token: phrase ? '' : item.words[0] };
      if (joined) groups[groups.length - 1].push(alternative); else groups.push([alternative]);
      joined = false;
    });
    /* the index's clauses: a lone phrase's words each required; a group of alternatives one clause
       holding any of their words. Then the page checks (see byPhrase) every group with a phrase:
       a result must hold one of its alternatives, the words of a phrase one after another. */
    var clauses = [], forgiving = [], checks = [], terms = [];
    groups.forEach(function (group) {
      var all = [].concat.apply([], group.map(function (a) { return a.terms; }));
      terms = terms.concat(all);
      if (group.some(function (a) { return a.terms.length > 1; })) checks.push(group.map(function (a) { return { terms: a.terms, at: a.at }; }));
      if (group.length === 1) all.forEach(function (t) { clauses.push([t]); forgiving.push(group[0].token); });
      else { clauses.push(all); forgiving.push(''); }
    });
    return { clauses: idx.operators(clauses, not), terms: terms, prefix: '', tokens: [], forgiving: forgiving,
      checks: checks, without: without };
  }

  /* Raw lunr syntax when typed on purpose; otherwise the reader's words, all required. */
  function search(q, typing) {
    if (OPS.test(q)) return operators(q);
    if (RAW.test(q)) {
      try {
        var clauses = idx.parse(q);
        return { clauses: clauses, terms: AN.analyse(q.replace(/[\p{L}]+:/gu, ' ')), prefix: '', tokens: [] };
      } catch (e) { /* not valid lunr syntax: read it as words */ }
    }
    var words = AN.tokens(q).filter(function (t) { return AN.termFor(t); });
    var last = typing ? words.pop() : null;
    var terms = words.map(AN.termFor);
    var prefix = last ? AN.prefixFor(last) : '';
    if (last && prefix.length < 2) { terms.push(AN.termFor(last)); prefix = ''; }
    var stops = AN.tokens(q).filter(function (t) { return !AN.termFor(t); });  // they rank titles (see formBonus)
    return { clauses: idx.words(terms, prefix, words, stops), terms: terms, prefix: prefix, tokens: words };
  }

  /* The reader's words the index lacks, matched to the nearest words it has (unless the reader asked
     for the words as typed): a promise of {clauses, changes}. */
  function forgiven(found) {
    var tokens = found.forgiving || found.tokens;
    if (state.exact || !tokens.some(Boolean)) return Promise.resolve({ clauses: found.clauses, changes: [] });
    return idx.forgive(found.clauses, tokens);
  }

  /* For a search finding nothing: the query with the words the index lacks replaced by their nearest,
     then also one word it has replaced by a word one edit from it that is at least as common (the
     commonest first, SUGGEST_TRIES queries at most), the first of these that finds something:
     {q, hits, changes, terms}, or null. The page shows its results, or with `exact` offers it. */
  var SUGGEST_TRIES = 3;
  function suggest(found) {
    return Promise.all(found.tokens.map(function (token) { return idx.nearest(token, AN.termFor(token)); })).then(function (near) {
      var lacking = [], known = [];
      near.forEach(function (n, i) {
        if (!n.length) return;
        if (n.own === undefined) lacking.push(i); else if (n[0].size >= n.own) known.push(i);
      });
      known.sort(function (a, b) { return (near[b][0].size - near[b].own) - (near[a][0].size - near[a].own) || a - b; });
      var tries = (lacking.length ? [lacking] : []).concat(known.map(function (i) { return lacking.concat([i]); })).slice(0, SUGGEST_TRIES);
      function attempt(k) {
        if (k >= tries.length) return null;
        var swap = Object.create(null);
        tries[k].forEach(function (i) { swap[i] = near[i][0]; });
        var terms = found.tokens.map(function (token, i) { return swap[i] ? swap[i].term : AN.termFor(token); });
        return idx.run(idx.words(terms, ''), state.shown).then(function (hits) {
          if (!hits.length) return attempt(k + 1);
          return { q: found.tokens.map(function (token, i) { return swap[i] ? swap[i].word : token; }).join(' '), hits: hits, terms: terms,
            changes: tries[k].map(function (i) { return { from: found.tokens[i], to: [swap[i].term], word: swap[i].word }; }) };
        });
      }
      return attempt(0);
    });
  }

  /* The order and date range from the form's controls (valid dates only: a year, year-month or
     year-month-day). */
  var DATE = /^(\d{1,4})(?:-(0?[1-9]|1[0-2])(?:-(0?[1-9]|[12]\d|3[01]))?)?$/;  // as the controls' pattern
  function readWhen() {
    if (!when.order) return;
    state.order = /^(newest|oldest)$/.test(when.order.value) ? when.order.value : '';
    state.from = DATE.test(when.from.value.trim()) ? when.from.value.trim() : '';
    state.to = DATE.test(when.to.value.trim()) ? when.to.value.trim() : '';
    state.within = when.within.checked;
  }

  function showWhen() {
    if (!when.order) return;
    var box = document.getElementById('search-when-box');
    if (box && (state.order || state.from || state.to || state.within)) box.open = true;  // a shared search shows what it set
    when.order.value = state.order;
    when.from.value = state.from;
    when.to.value = state.to;
    when.within.checked = state.within;
  }

  /* The first (edge 0) or last (edge 1) day a bound the reader wrote can be, or null. */
  function edge(text, which) {
    var m = DATE.exec(text);
    return m ? idx.span(+m[1], +(m[2] || 0), +(m[3] || 0), false)[which] : null;
  }

  /* Every result in the date range (overlapping it, or wholly within it), ordered newest or oldest
     first (the site's chronology order; ties keep their relevance order, undated results last) when
     asked: applied to all results before facets and paging. Their dates load only then (search/y/). */
  function byDate(hits) {
    var from = edge(state.from, 0), to = edge(state.to, 1);
    if (!state.order && from === null && to === null) return Promise.resolve(hits);
    return idx.dates(hits).then(function (dateOf) {
      var lo = from === null ? -Infinity : from, hi = to === null ? Infinity : to, ranged = from !== null || to !== null;
      var out = hits.filter(function (h) {
        if (!ranged) return true;
        var d = dateOf(h.n);
        return !!d && (state.within ? d.lo >= lo && d.hi <= hi : d.hi >= lo && d.lo <= hi);
      });
      if (state.order) {
        var sign = state.order === 'newest' ? -1 : 1, at = new Map();
        out.forEach(function (h, i) { at.set(h, i); });
        out.sort(function (a, b) {
          var x = dateOf(a.n), y = dateOf(b.n);
          if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1) || at.get(a) - at.get(b);
          return sign * (x.key - y.key) || at.get(a) - at.get(b);
        });
      }
      return Object.assign(out, idx.recount(out, partBounds(hits, out, ranged), state.shown));
    });
  }

  /* The records of the results shown first, asked for as soon as the results kept to a phrase or date
     range are known (idx.run asks for none then), beside their facets' files, when the order is final:
     ranked exactly (every body length known up front) or by date, and no facet value chosen. */
  function firstRecords(results) {
    var chosen = state.selected.some(function (values) { return values && Object.keys(values).length; });
    if (chosen || !results.length || (results[0].ctx && !state.order)) return;
    results.slice(0, state.shown).forEach(function (hit) { idx.record(hit.n); });
  }

  /* Whether the results are to be kept to a phrase or a date range, or ordered by date: then the
     index asks for no record nor facet file before they are (idx.run's `later`). */
  function steered() {
    return !!(state.checks.length || state.without.length || state.order || edge(state.from, 0) !== null || edge(state.to, 1) !== null);
  }

  /* The results holding the query's phrases (and none of those it excludes), every one checked on
     the positions of the phrases' words (search/p/, loaded only then): by the index before it ranks
     them (`holding`, idx.run's `keep`), so it ranks only those; then counted here, before facets
     and paging, so counts are exact. */
  function holding() {
    if (!state.checks.length && !state.without.length) return null;
    var checks = state.checks, without = state.without;
    return function () { return idx.holders(checks, without); };
  }

  function byPhrase(hits) {
    if (!state.checks.length && !state.without.length) return Promise.resolve(hits);
    return Promise.resolve(Object.assign(hits, idx.recount(hits, partBounds(hits, hits, true), state.shown)));
  }

  /* The bounds of the facet counts of `kept`, kept from all the query's results `hits` (`part`: some
     of them, or all in another order): none when they fit in a page (counted from their records);
     for a part, a one-word query's exact counts do not hold, so it is counted as planned for them. */
  function partBounds(hits, kept, part) {
    if (kept.length <= state.shown) return null;
    var bounds = idx.bounds(hits);
    return part && bounds ? bounds.map(function (b) { return { ub: b.ub, tops: null }; }) : bounds;
  }

  /* `list` with its first `count` in relevance order (made exact by idx.refine), or as it is when
     ordered by date. */
  function arrange(list, count) {
    return state.order ? Promise.resolve(list.slice()) : idx.refine(list, count);
  }

  function run() {
    performance.mark('sitegen:run');
    readWhen();
    var q = input.value.trim(), token = ++runs;
    state.q = q;
    var found = q ? search(q, state.typing) : { clauses: [], terms: [], prefix: '', tokens: [] };
    state.changes = [];
    state.suggestion = null;
    state.checks = found.checks || [];
    state.without = found.without || [];
    var later = steered();
    if (!found.clauses.length) { state.results = []; render(); setStatus(''); return; }
    busy(true);
    if (idx.warm) idx.warm();
    if (state.checks.length || state.without.length) idx.loadPhrases(state.checks, state.without).catch(function () { /* byPhrase says */ });
    forgiven(found).then(function (fixed) {
      if (token !== runs) return null;
      return idx.run(fixed.clauses, state.shown, later, holding()).then(function (hits) {
        if (token !== runs) return null;
        var fixedTerms = [].concat.apply(found.terms, fixed.changes.map(function (c) { return c.to; }));
        state.changes = fixed.changes;
        state.match = matcher(fixedTerms, found.prefix);
        state.results = hits;
        return hits.length || state.typing || !found.tokens.length ? null : suggest(found);
      }).then(function (suggestion) {
        if (token !== runs) return;
        if (suggestion && !state.exact) {
          state.results = suggestion.hits;
          state.changes = suggestion.changes;
          state.match = matcher(suggestion.terms, '');
        } else state.suggestion = suggestion && suggestion.q;
        return byPhrase(state.results).then(byDate).then(function (results) {
          if (token !== runs) return;
          state.results = results;
          if (later) firstRecords(results);
          render().then(announceSoon);
        });
      });
    }).catch(failed);
  }

  /* The search in the address, so it can be shared, bookmarked and cited, and the back button returns
     to it: q; exact=1 for the words as typed; per facet with chosen values, its name once per value id
     (year=3&year=5); page=N when N pages of results are shown. */
  function address() {
    var p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.exact) p.set('exact', '1');
    idx.specs.forEach(function (spec, f) {
      Object.keys(state.selected[f] || {}).forEach(function (v) { p.append(spec.name, v); });
    });
    if (state.order) p.set('order', state.order);
    if (state.from) p.set('from', state.from);
    if (state.to) p.set('to', state.to);
    if (state.within) p.set('within', '1');
    if (state.shown > PAGE) p.set('page', String(Math.ceil(state.shown / PAGE)));
    var query = p.toString();
    return query ? '?' + query : location.pathname.split('/').pop();
  }

  /* A new entry in the history (a search, a facet, another page), or this one rewritten: what is typed
     goes into one entry of its own, rewritten as the reader types and when the search is submitted. */
  var typed = false;
  function remember(push) {
    var url = address();
    if (url === location.search) return;
    try { history[push ? 'pushState' : 'replaceState'](null, '', url); } catch (e) { /* a host refusing it: the search still runs */ }
  }

  function readAddress() {
    var p = new URLSearchParams(location.search), n = parseInt(p.get('page'), 10);
    input.value = state.q = (p.get('q') || '').trim();
    state.exact = p.get('exact') === '1';
    state.selected = idx.specs.map(function (spec) {
      var chosen = {};
      p.getAll(spec.name).forEach(function (v) { if (/^\d+$/.test(v) && +v < spec.values) chosen[+v] = true; });
      return chosen;
    });
    state.shown = n > 1 ? n * PAGE : PAGE;
    state.order = /^(newest|oldest)$/.test(p.get('order')) ? p.get('order') : '';
    state.from = DATE.test(p.get('from') || '') ? p.get('from') : '';
    state.to = DATE.test(p.get('to') || '') ? p.get('to') : '';
    state.within = p.get('within') === '1';
    showWhen();
  }

  function searchLink(q, exact) {
    return '?q=' + encodeURIComponent(q) + (exact ? '&exact=1' : '');
  }

  /* "Showing results for ...", the reader's own words a click away; or "Did you mean ...?". */
  function drawFix() {
    if (!fix) return;  // a theme's search page without the element
    fix.textContent = '';
    var parts;
    if (state.changes.length && state.results.length) {
      var by = Object.create(null);
      state.changes.forEach(function (c) { by[c.from] = c.word; });
      var shown = state.q.replace(new RegExp(AN.TOKEN.source, 'gu'), function (w) { return by[AN.tokens(w)[0]] || w; });
      parts = T.showing_for.split('{q}');
      fix.appendChild(document.createTextNode(parts[0]));
      fix.appendChild(el('strong', { dir: 'auto' }, shown));
      fix.appendChild(document.createTextNode(parts[1] + ' '));
      parts = T.search_instead.split('{q}');
      fix.appendChild(document.createTextNode(parts[0]));
      fix.appendChild(el('a', { href: searchLink(state.q, true), dir: 'auto', 'class': 'search-original' }, state.q));
      fix.appendChild(document.createTextNode(parts[1]));
    } else if (state.suggestion) {
      parts = T.did_you_mean.split('{q}');
      fix.appendChild(document.createTextNode(parts[0]));
      fix.appendChild(el('a', { href: searchLink(state.suggestion, false), dir: 'auto', 'class': 'search-suggestion' }, state.suggestion));
      fix.appendChild(document.createTextNode(parts[1]));
    }
    fix.hidden = !fix.firstChild;
  }

  /* Whether a word of a result's text is one the query matched, each word stemmed once (ten results'
     snippets and titles repeat their words). */
  function matcher(terms, prefix) {
    var set = Object.create(null), seen = new Map();
    terms.forEach(function (t) { set[t] = true; });
    return function (word) {
      var known = seen.get(word);
      if (known !== undefined) return known;
      var t = AN.termFor(word);
      known = !!t && !!(set[t] || (prefix && t.startsWith(prefix)) || (prefix && word.startsWith(prefix)));
      seen.set(word, known);
      return known;
    };
  }

  /* Draw results and facets (counted over every result by the index) once their records and labels
     are loaded; a newer render wins. */
  function render() {
    var token = ++renders;
    return idx.facets(state.results, state.selected).then(function (view) {
      // the results shown in exact order (an archive too big to rank every result exactly up front)
      return token === renders ? arrange(view.visible, state.shown).then(function (visible) { view.visible = visible; return view; }) : null;
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
      drawFix();
      document.getElementById('search-count').textContent = state.q ? countText(state.visible.length) : '';
      if (state.q && !performance.getEntriesByName('sitegen:complete').length) {
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
  var plurals = new Intl.PluralRules(T.plural_lang);
  function countText(n) {
    var form = T.results[plurals.select(n)] || T.results.other;
    return form.replace('{n}', number(n));
  }

  /* A whole number as the site's pages write it (l10n.number): T.number's digits, grouping separator
     and group sizes, the rightmost group's then every other's. Not Intl.NumberFormat: its first use
     in a page cost 10-40 ms of ICU start-up while the index's first files arrived. */
  function number(n) {
    var text = '' + n, out = '', size = T.number.sizes[0];
    while (text.length > size) { out = T.number.group + text.slice(-size) + out; text = text.slice(0, -size); size = T.number.sizes[1]; }
    return (text + out).replace(/\d/g, function (d) { return T.number.digits[d]; });
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

  /* The order a facet's shown values are drawn in: the most frequent first, but years in the order of
     every listing of the site (T.order: newest or oldest first); which values are shown is still the
     most frequent. Indices into facet.top. */
  function shownOrder(facet, labels, name) {
    var order = facet.top.map(function (v, i) { return i; });
    if (name !== 'year') return order;
    var sign = T.order === 'oldest' ? 1 : -1;
    return order.sort(function (a, b) {
      var x = own(labels[a])[0], y = own(labels[b])[0];
      return sign * (x.length - y.length || (x < y ? -1 : x > y ? 1 : 0));
    });
  }

  function drawFacets(facets, labels) {
    facetBox.textContent = '';
    facets.forEach(function (facet, k) {
      if (!facet.top.length) return;
      var spec = idx.specs[facet.f], chosen = state.selected[facet.f] || {};
      var box = el('fieldset', { 'class': 'facet', 'data-facet': spec.name });
      box.appendChild(el('legend', {}, own(spec.title) || T['facet_' + spec.name]));
      shownOrder(facet, labels[k], spec.name).forEach(function (i) {
        var value = facet.top[i];
        var id = 'f-' + spec.name.replace(/[^\w-]/g, '_') + '-' + value;
        var row = el('label', { 'for': id });
        var check = el('input', { type: 'checkbox', id: id, value: String(value) });
        check.checked = !!chosen[value];
        check.addEventListener('change', function () {
          var sel = state.selected[facet.f] = state.selected[facet.f] || {};
          if (check.checked) sel[value] = true; else delete sel[value];
          state.shown = PAGE;
          remember(true);
          typed = false;
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
        row.appendChild(el('span', { 'class': 'count' }, about ? '\u2248' + number(approximate(count)) : number(count)));
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
    state.exact = false;
    state.shown = PAGE;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { run(); remember(!typed); typed = true; }, 60);
  });
  document.getElementById('search-form').addEventListener('submit', function (event) {
    event.preventDefault();
    state.typing = false;
    clearTimeout(typingTimer);
    run();
    remember(!typed);
    typed = false;
  });
  /* A new order or date range: a new search, a new entry in the history. */
  Object.keys(when).forEach(function (k) {
    if (!when[k]) return;
    when[k].addEventListener('change', function () {
      if (when[k].validity && !when[k].validity.valid) return;  // the browser says what is wrong
      state.typing = false;
      state.shown = PAGE;
      run();
      remember(true);
      typed = false;
    });
  });
  more.addEventListener('click', function () { state.shown += PAGE; render(); remember(true); typed = false; });
  window.addEventListener('popstate', function () {
    readAddress();
    typed = false;
    state.typing = false;
    run();
  });

  readAddress();
  document.getElementById('site-search').value = input.value;
  app.hidden = false;
  run();
})();
