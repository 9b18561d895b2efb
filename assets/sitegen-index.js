/* The search index reader: loads only the parts of search/ a query needs, as classic <script>
   elements (so it works from file://, a zip or any host), and ranks exactly as lunr.js 2.3.9 does over
   an index built by lunr.py: BM25 field vectors (k1 1.2, b 0.75, scores rounded to 3 decimals as
   lunr.py rounds them), computed here from the term frequencies and field lengths the build ships,
   then lunr's query scoring (required, prohibited, field-restricted, wildcard, fuzzy and boosted
   clauses; cosine of query and field vectors summed over fields; ties kept in lunr's order).
   The file layout is described in sitegen/search.py. */
(function () {
  'use strict';

  var S = window.SITEGEN_SEARCH;
  var AN = window.sitegenAnalysis;
  if (!S || !AN) return;
  var K1 = 1.2, B = 0.75, HALF = 45;
  var OPTIONAL = 1, REQUIRED = 2, PROHIBITED = 3;
  var F = S.fields.length, N = S.documents;
  var ALL_FIELDS = S.fields.map(function (_, f) { return f; });
  var COMPLETE = { complete: true };

  // ---- packed integers: the twin of searchindex.pack ----
  var DIGIT = new Int8Array(128).fill(-1);
  for (var c = 0x23, d = 0; c < 0x7f; c++) { if (c !== 0x5c && c !== 0x3c) DIGIT[c] = d++; }

  function unpack(text) {
    var out = [], value = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      if (digit >= HALF) { value += (digit - HALF) * scale; scale *= HALF; } else { out.push(value + digit * scale); value = 0; scale = 1; }
    }
    return out;
  }

  // ---- loading: every data file is a classic script calling SITEGEN_DATA(key, data) ----
  var base = S.folder + '/';
  var files = Object.create(null);
  window.SITEGEN_DATA = function (key, data) { file(key).resolve(data); };

  function file(key) {
    var f = files[key];
    if (!f) {
      f = files[key] = {};
      f.promise = new Promise(function (resolve, reject) { f.resolve = resolve; f.reject = reject; });
    }
    return f;
  }

  function load(key) {
    var f = file(key);
    if (!f.requested) {
      f.requested = true;
      var el = document.createElement('script');
      el.src = base + key + '.js';
      el.onerror = function () { f.reject(new Error('cannot load ' + el.src)); };
      document.head.appendChild(el);
    }
    return f.promise;
  }

  // ---- term chunks: S.chunks holds, per chunk, a prefix that sorts between it and the chunk before ----
  var firsts = S.chunks;
  var chunks = [];

  function fnv(text) {  // the chunk's file name: the twin of searchindex.chunk_name
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return ('0000000' + h.toString(16)).slice(-8);
  }
  var names = firsts.map(fnv);

  function chunkAt(term) {  // the chunk whose range holds `term` (JS string order), or -1
    var lo = 0, hi = firsts.length - 1, at = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= term) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at;
  }

  function chunksFor(term, prefix) {
    var at = chunkAt(term), out = at >= 0 ? [at] : [];
    for (var j = at + 1; prefix && j < firsts.length && firsts[j].startsWith(term); j++) out.push(j);
    return out;
  }

  function loadChunks(list) {
    return Promise.all(list.map(function (i) {
      return load('t/' + names[i]).then(function (data) { chunks[i] = chunks[i] || data; });
    }));
  }

  function find(sorted, term) {
    var lo = 0, hi = sorted.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] === term) return mid;
      if (sorted[mid] < term) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /* A term's documents and term frequencies per field, decoded on first use (its chunk is loaded). */
  function posting(term) {
    var chunk = chunks[chunkAt(term)];
    if (!chunk) return null;
    chunk.decoded = chunk.decoded || Object.create(null);
    if (term in chunk.decoded) return chunk.decoded[term];
    var k = find(chunk.terms, term);
    if (k < 0) return (chunk.decoded[term] = null);
    var ints = unpack(chunk.postings[k]), at = 0, df = 0, fields = [];
    for (var f = 0; f < F; f++) {  // (document delta, tf, length) per document; the body's length is in the tables
      var count = ints[at++], docs = new Array(count), tfs = new Map(), lens = new Map(), doc = 0;
      for (var j = 0; j < count; j++) {
        doc += ints[at++];
        docs[j] = doc;
        tfs.set(doc, ints[at++]);
        if (f < F - 1) lens.set(doc, ints[at++]);
      }
      fields.push({ docs: docs, tfs: tfs, lens: lens });
      df += count;
    }
    var idf = Math.log(1 + Math.abs((N - df + 0.5) / (df + 0.5)));
    return (chunk.decoded[term] = { term: term, fields: fields, idf: idf });
  }

  // ---- document tables: body lengths and facet value ids ----
  var blocks = [];
  var bodyLengths = [], facetIds = [];

  function loadBlocks(docs) {
    var wanted = Object.create(null);
    docs.forEach(function (n) { wanted[Math.floor(n / S.block)] = true; });
    return Promise.all(Object.keys(wanted).map(function (b) {
      return load('d/' + b).then(function (packed) { if (!blocks[b]) decodeBlock(+b, packed); });
    }));
  }

  function decodeBlock(b, packed) {
    blocks[b] = true;
    var ints = unpack(packed), at = 0;
    for (var n = b * S.block; at < ints.length; n++) {
      bodyLengths[n] = ints[at++];
      facetIds[n] = S.facets.map(function (facet) {
        if (facet.single) { var v = ints[at++]; return v ? [v - 1] : []; }
        var count = ints[at++];
        at += count;
        return ints.slice(at - count, at);
      });
    }
  }

  // ---- queries: lunr 2.3.9 syntax into clauses ----
  function clause(term, fields, presence) {
    return { term: term, fields: fields || ALL_FIELDS, presence: presence || OPTIONAL, boost: 1, editDistance: 0,
      usePipeline: term.indexOf('*') < 0 };
  }

  /* `+a -b title:x terr* term~1 term^10`, as lunr's QueryLexer reads them: a term ends at white space
     or a hyphen inside it; throws where lunr throws (unknown field, bad number, a required stop word). */
  function parse(q) {
    var clauses = [];
    q.trim().split(/\s+/).filter(Boolean).forEach(function (word) {
      var presence = OPTIONAL, fields = null, boost = 1, distance = 0, m;
      if (word[0] === '+') { presence = REQUIRED; word = word.slice(1); } else if (word[0] === '-') { presence = PROHIBITED; word = word.slice(1); }
      if ((m = /^([^:]*):(.*)$/.exec(word))) {
        var f = S.fields.indexOf(m[1]);
        if (f < 0) throw new Error('unknown field ' + m[1]);
        fields = [f];
        word = m[2];
      }
      while ((m = /([~^])([^~^]*)$/.exec(word))) {
        if (!/^\d+$/.test(m[2])) throw new Error('not a number: ' + m[2]);
        if (m[1] === '~') distance = +m[2]; else boost = +m[2];
        word = word.slice(0, m.index);
      }
      var parts = word.split('-').filter(Boolean);
      parts.forEach(function (part, i) {
        var c = clause(part.toLowerCase(), i ? null : fields, i ? OPTIONAL : presence);
        if (i === parts.length - 1) { c.boost = boost; c.editDistance = distance; }
        if (c.usePipeline && !AN.analyse(c.term).length && c.presence === REQUIRED) throw new Error('required stop word');
        clauses.push(c);
      });
    });
    return clauses;
  }

  // ---- term expansion: exact, trailing wildcard (from chunks), anything else (from terms.js) ----
  function patterns(c) { return c.usePipeline ? AN.analyse(c.term) : [c.term]; }
  function isPrefix(p) { return p.indexOf('*') === p.length - 1; }
  function simple(c, p) { return !c.editDistance && (p.indexOf('*') < 0 || isPrefix(p)); }

  function expand(c, p) {
    if (c.editDistance) return allTerms.filter(function (t) { return withinDistance(p, t, c.editDistance); });
    if (p.indexOf('*') < 0) return posting(p) ? [p] : [];
    if (isPrefix(p)) {
      var stem = p.slice(0, -1), out = [];
      chunksFor(stem, true).forEach(function (i) { chunks[i].terms.forEach(function (t) { if (t.startsWith(stem)) out.push(t); }); });
      return out;
    }
    var re = new RegExp('^' + p.split('*').map(function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }).join('.*') + '$');
    return allTerms.filter(function (t) { return re.test(t); });
  }

  function withinDistance(a, b, max) {  // edit distance with adjacent transpositions, as lunr's fuzzy sets
    if (Math.abs(a.length - b.length) > max) return false;
    var rows = [], i, j;
    for (i = 0; i <= a.length; i++) { rows.push([i]); }
    for (j = 1; j <= b.length; j++) rows[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
        rows[i][j] = v;
      }
    }
    return rows[a.length][b.length] <= max;
  }

  var allTerms = null;

  function loadAllTerms() {  // the term lists of every group of chunks (see searchindex.ends_group)
    var ends = names.filter(function (name, i) { return parseInt(name, 16) % S.group === 0 || i === names.length - 1; });
    return Promise.all(ends.map(function (name) { return load('k/' + name); })).then(function (lists) {
      allTerms = [].concat.apply([], lists);
    });
  }

  /* Everything the clauses need, loaded: their chunks, and terms.js when a clause needs the whole list. */
  function prepare(clauses) {
    var list = [], needAll = false;
    clauses.forEach(function (c) {
      patterns(c).forEach(function (p) {
        if (simple(c, p)) list = list.concat(chunksFor(p.replace(/\*$/, ''), isPrefix(p))); else needAll = true;
      });
    });
    var first = needAll && !allTerms ? loadAllTerms() : Promise.resolve();
    return Promise.all([loadChunks(list), first]).then(function () {
      if (!needAll) return;
      var more = [];
      clauses.forEach(function (c) {
        patterns(c).forEach(function (p) { if (!simple(c, p)) expand(c, p).forEach(function (t) { more.push(chunkAt(t)); }); });
      });
      return loadChunks(more);
    });
  }

  // ---- lunr's Index.prototype.query, over postings ----
  function intersect(a, b) {
    if (a === COMPLETE) return b;
    if (b === COMPLETE) return a;
    return new Set(Array.from(a).filter(function (x) { return b.has(x); }));
  }

  function match(clauses) {
    var vectors = ALL_FIELDS.map(function () { return new Map(); });
    var required = [], prohibited = [], matching = new Map(), seen = Object.create(null);
    clauses.forEach(function (c) {
      var clauseDocs = new Set(), terms = patterns(c);
      for (var m = 0; m < terms.length; m++) {
        var expanded = expand(c, terms[m]);
        if (!expanded.length && c.presence === REQUIRED) {
          c.fields.forEach(function (f) { required[f] = new Set(); });
          break;
        }
        expanded.forEach(function (term) {
          var p = posting(term);
          c.fields.forEach(function (f) {
            var docs = p.fields[f].docs;
            if (c.presence === REQUIRED) {
              docs.forEach(function (n) { clauseDocs.add(n); });
              if (required[f] === undefined) required[f] = COMPLETE;
            }
            if (c.presence === PROHIBITED) {
              prohibited[f] = prohibited[f] || new Set();
              docs.forEach(function (n) { prohibited[f].add(n); });
              return;
            }
            vectors[f].set(term, (vectors[f].get(term) || 0) + c.boost);
            if (seen[term + '/' + f]) return;
            seen[term + '/' + f] = true;
            docs.forEach(function (n) { if (!matching.has(n * F + f)) matching.set(n * F + f, [n, f]); });
          });
        });
      }
      if (c.presence === REQUIRED) c.fields.forEach(function (f) { required[f] = intersect(required[f], clauseDocs); });
    });
    var allRequired = COMPLETE, allProhibited = new Set();
    ALL_FIELDS.forEach(function (f) {
      if (required[f]) allRequired = intersect(allRequired, required[f]);
      if (prohibited[f]) prohibited[f].forEach(function (n) { allProhibited.add(n); });
    });
    var refs = Array.from(matching.values());
    if (clauses.every(function (c) { return c.presence === PROHIBITED; })) {
      refs = [];
      for (var n = 0; n < N; n++) ALL_FIELDS.forEach(function (f) { refs.push([n, f]); });
    }
    refs = refs.filter(function (r) { return (allRequired === COMPLETE || allRequired.has(r[0])) && !allProhibited.has(r[0]); });
    return { refs: refs, vectors: vectors };
  }

  /* The score lunr.py stores for `term` in field `f` of document `n` (0 when absent). */
  function fieldScore(term, f, n) {
    var p = posting(term), tf = p.fields[f].tfs.get(n);
    if (!tf) return 0;
    var length = f === F - 1 ? bodyLengths[n] : p.fields[f].lens.get(n);
    var score = p.idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / S.averages[f])) + tf);
    score *= S.boosts[f];
    return +score.toFixed(3);  // rounds the exact binary value, as Python's round(x, 3) does (not x*1000)
  }

  function rank(found) {
    var magnitudes = found.vectors.map(function (v) {
      var sum = 0;
      v.forEach(function (w) { sum += w * w; });
      return Math.sqrt(sum);
    });
    var byDoc = new Map(), results = [];
    found.refs.forEach(function (r) {
      var n = r[0], f = r[1], dot = 0;
      found.vectors[f].forEach(function (w, term) { dot += w * fieldScore(term, f, n); });
      var score = dot / magnitudes[f] || 0, hit = byDoc.get(n);
      if (hit) hit.score += score; else { hit = { n: n, score: score, facets: facetIds[n] }; byDoc.set(n, hit); results.push(hit); }
    });
    return results.sort(function (a, b) { return b.score - a.score; });
  }

  /* Every matching document, ranked: a promise of [{n, score, facets: [[value id]] per facet}]. */
  function run(clauses) {
    return prepare(clauses).then(function () {
      var found = match(clauses);
      return loadBlocks(found.refs.map(function (r) { return r[0]; })).then(function () { return rank(found); });
    });
  }

  /* The reader's words: every word required, the last one as a prefix while typing. */
  function words(terms, prefix) {
    return terms.map(function (t) { var c = clause(t, null, REQUIRED); c.usePipeline = false; return c; })
      .concat(prefix ? [clause(prefix + '*', null, REQUIRED)] : []);
  }

  function label(f, id) {
    return load('l/' + f + '-' + Math.floor(id / S.labels)).then(function (labels) { return labels[id % S.labels]; });
  }

  window.sitegenIndex = {
    facets: S.facets, parse: parse, words: words, run: run, label: label,
    record: function (n) { return load('r/' + n); },
    open: function (root) { base = root + S.folder + '/'; },
    scores: function (term) {  // for tests: every non-zero score of `term`, as lunr.py stores them
      return prepare([clause(term, null, OPTIONAL)]).then(function () {
        var p = posting(term), docs = [];
        if (!p) return {};
        p.fields.forEach(function (field) { docs = docs.concat(field.docs); });
        return loadBlocks(docs).then(function () {
          var out = {};
          p.fields.forEach(function (field, f) { field.docs.forEach(function (n) { out[S.fields[f] + '/' + n] = fieldScore(term, f, n); }); });
          return out;
        });
      });
    }
  };
})();
