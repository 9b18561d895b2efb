/* The search index reader: loads only the parts of search/ a query needs, as classic <script>
   elements (so it works from file://, a zip or any host), and ranks exactly as lunr.js 2.3.9 does over
   an index built by lunr.py: BM25 field vectors (k1 1.2, b 0.75, scores rounded to 3 decimals as
   lunr.py rounds them), computed here from the term frequencies and field lengths the build ships,
   then lunr's query scoring (required, prohibited, field-restricted, wildcard, fuzzy and boosted
   clauses; cosine of query and field vectors summed over fields; ties kept in lunr's order).
   Two things lunr does not do, for the reader's words only (not lunr syntax): a document whose title
   holds every word ranks first (`words`, `match`), and a word the index lacks is matched to its
   nearest terms from one vocabulary file (`forgive`, `nearest`).
   The file layout is described in sitegen/search.py. */
(function () {
  'use strict';

  var S = window.SITEGEN_SEARCH;
  var AN = window.sitegenAnalysis;
  if (!S || !AN) return;
  var K1 = 1.2, B = 0.75, HALF = 45;
  var OPTIONAL = 1, REQUIRED = 2, PROHIBITED = 3;
  var TITLE = Math.max(0, S.fields.indexOf('title')), TITLE_BONUS = 1e6;  // above any lunr score
  var STOP_BONUS = 1e5, FORM_BONUS = 1e4;  // per query stop word a whole-query title holds; per exact word form (see formBonus)
  var F = S.fields.length, N = S.documents;
  var ALL_FIELDS = S.fields.map(function (_, f) { return f; });

  // ---- packed integers: the twin of searchindex.pack ----
  var DIGIT = new Int8Array(128).fill(-1);
  for (var c = 0x23, d = 0; c < 0x7f; c++) { if (c !== 0x5c && c !== 0x3c) DIGIT[c] = d++; }

  function unpack(text) {  // into a typed array: a posting of 10,000 documents is 20,000 numbers
    var out = new Int32Array(text.length), n = 0, value = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      if (digit >= HALF) { value += (digit - HALF) * scale; scale *= HALF; } else { out[n++] = value + digit * scale; value = 0; scale = 1; }
    }
    return out.subarray(0, n);
  }

  /* A bit reader over six-bit characters (most significant bit first), the twin of searchcodes.chars:
     `ones` and `zeros` count a run of equal bits with Math.clz32 and consume the bit that ends it,
     `take` reads n bits. Module variables, not a closure per call: a common word decodes 10,000 codes. */
  var rText = '', rAt = 0, rBuf = 0, rHave = 0;

  function reader(text, at) { rText = text; rAt = at; rBuf = 0; rHave = 0; }

  function ones() {
    for (var q = 0; ;) {
      if (!rHave) { rBuf = DIGIT[rText.charCodeAt(rAt++)]; rHave = 6; }
      var rest = ~rBuf & ((1 << rHave) - 1);
      if (!rest) { q += rHave; rHave = 0; continue; }
      var n = rHave - (32 - Math.clz32(rest));
      rHave -= n + 1;
      return q + n;
    }
  }

  function zeros() {
    for (var q = 0; ;) {
      if (!rHave) { rBuf = DIGIT[rText.charCodeAt(rAt++)]; rHave = 6; }
      var rest = rBuf & ((1 << rHave) - 1);
      if (!rest) { q += rHave; rHave = 0; continue; }
      var n = rHave - (32 - Math.clz32(rest));
      rHave -= n + 1;
      return q + n;
    }
  }

  function take(n) {
    var r = 0;
    while (n > rHave) { r = r << rHave | rBuf & ((1 << rHave) - 1); n -= rHave; rBuf = DIGIT[rText.charCodeAt(rAt++)]; rHave = 6; }
    rHave -= n;
    return r << n | rBuf >> rHave & ((1 << n) - 1);
  }

  /* `count` Rice codes (value >> k in unary, ones ended by a zero, then its k low bits) from text[at]:
     the twin of searchcodes.rice. */
  function rice(text, at, count, k) {
    var out = new Int32Array(count), scale = Math.pow(2, k);
    reader(text, at);
    for (var j = 0; j < count; j++) out[j] = ones() * scale + take(k);
    return out;
  }

  /* The first `count` packed numbers of `text`, and where they end. */
  function head(text, count) {
    var out = [], value = 0, scale = 1, i = 0;
    while (out.length < count) {
      var digit = DIGIT[text.charCodeAt(i++)];
      if (digit >= HALF) { value += (digit - HALF) * scale; scale *= HALF; } else { out.push(value + digit * scale); value = 0; scale = 1; }
    }
    out.push(i);
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

  /* The data of `key`, loaded once: the first label file of each facet is in the core, and the first
     value-list file of every facet is in one file, v/first (searchdata.FIRST_LISTS), in an archive
     without a facet sample. */
  var FIRST_LIST = S.sample ? /^$/ : /^v\/\d+-0$/, waiting = Object.create(null);
  S.facets.forEach(function (spec, f) { var x = file('l/' + f + '-0'); x.requested = true; x.resolve(spec.labels); });

  function load(key) {
    var f = file(key);
    if (!f.requested) {
      f.requested = true;
      var src = FIRST_LIST.test(key) ? 'v/first' : key, asked = waiting[src];
      if (!asked) {
        asked = waiting[src] = [];
        var el = document.createElement('script');
        el.src = base + src + '.js';
        el.onerror = function () { asked.forEach(function (g) { g.reject(new Error('cannot load ' + el.src)); }); };
        document.head.appendChild(el);
      }
      asked.push(f);
    }
    return f.promise;
  }

  // A document's record (r) or attachments' text (o): in folders by number when the core has `records`
  // [files per folder, levels] (the twin of urls.numbered: r/1/1234 for 1000 a folder, one level).
  function perDocument(kind, n) {
    var per = S.records ? S.records[0] : 1, key = kind;
    for (var k = S.records ? S.records[1] : 0; k > 0; k--) key += '/' + Math.floor(n / Math.pow(per, k));
    return key + '/' + n;
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

  /* One field of a posting, from text[at]: the count (0: nothing else), a Rice parameter, for a field
     but the body a second one, then per document its gap as a Rice code, its tf as an Elias gamma
     code and, but for the body, the field's length as a Rice code (the twins of searchindex.encode_field
     and encode_body; the body's lengths are in the tables). `end`: where the next field starts. */
  function field(text, at, isBody) {
    var h = head(text.slice(at), 1), count = h[0];
    var docs = new Int32Array(count), tfs = new Int32Array(count), lens = isBody ? null : new Int32Array(count);
    if (!count) return { docs: docs, tfs: tfs, lens: lens, end: at + h[1] + (isBody ? 1 : 0) };  // (the body's k: 0)
    h = head(text.slice(at), isBody ? 2 : 3);
    var k = h[1], m = isBody ? 0 : h[2], doc = -1, scale = Math.pow(2, k), lenScale = Math.pow(2, m);
    reader(text, at + h[h.length - 1]);
    for (var j = 0; j < count; j++) {
      docs[j] = doc += 1 + ones() * scale + take(k);
      var z = zeros();
      tfs[j] = Math.pow(2, z) + take(z);
      if (lens) lens[j] = ones() * lenScale + take(m);
    }
    return { docs: docs, tfs: tfs, lens: lens, end: rAt };
  }

  /* A term's documents and term frequencies per field, decoded on first use (its chunk is loaded). */
  function posting(term) {
    var chunk = chunks[chunkAt(term)];
    if (!chunk) return null;
    chunk.decoded = chunk.decoded || Object.create(null);
    if (term in chunk.decoded) return chunk.decoded[term];
    var k = find(chunk.terms, term);
    if (k < 0) return (chunk.decoded[term] = null);
    var text = chunk.postings[k], at = 0, df = 0, fields = [];
    for (var f = 0; f < F; f++) {
      var one = field(text, at, f === F - 1);
      fields.push(one);
      df += one.docs.length;
      at = one.end;
    }
    var idf = Math.log(1 + Math.abs((N - df + 0.5) / (df + 0.5)));
    if (chunk.counts && !chunk.countsAt) {
      chunk.countsAt = Object.create(null);
      chunk.counts.forEach(function (pair) { chunk.countsAt[pair[0]] = pair[1]; });
    }
    var tops = chunk.countsAt && chunk.countsAt[k] ? decodeTops(chunk.countsAt[k]) : null;
    return (chunk.decoded[term] = { term: term, fields: fields, idf: idf, tops: tops });
  }

  // ---- document tables: body lengths (for BM25), S.block documents a file ----
  var blocks = [], bodyLengths = new Int32Array(N);

  function blockList(docs, size) {
    var wanted = new Uint8Array(Math.ceil(N / size)), out = [];
    for (var j = 0; j < docs.length; j++) wanted[(docs[j] - docs[j] % size) / size] = 1;
    for (var b = 0; b < wanted.length; b++) if (wanted[b]) out.push(b);
    return out;
  }

  function loadBlocks(docs) { return loadBlockList(blockList(docs, S.block)); }

  function loadBlockList(list) {
    return Promise.all(list.map(function (b) {
      return load('d/' + b).then(function (packed) {
        if (blocks[b]) return;
        blocks[b] = true;  // the twin of searchindex.length_block: the median, then zigzag distances from it
        var h = head(packed, 2), n = b * S.block;
        var zigzag = rice(packed, h[2], Math.min(S.block, N - n), h[1]);
        for (var j = 0; j < zigzag.length; j++, n++) { var z = zigzag[j]; bodyLengths[n] = h[0] + (z & 1 ? -(z + 1) / 2 : z / 2); }
      });
    }));
  }

  // ---- facets, counted over every result: from rows (each document's value ids, S.rowBlock documents a
  //      file) or from value lists (each value's documents, most documents first), whichever the
  //      core's sizes say is fewer bytes: rows for a query matching few documents, lists for many ----
  var NF = S.facets.length, rows = [], rowAt = new Int32Array(N * NF), rowInts = [];
  var ONE = S.facets.map(function () { return []; }), NONE = [];

  /* A facet's value lists as the page loads them: over every document ('v'), or in an archive past
     searchdata.SAMPLE_FROM documents also over the sample, every S.sample.stride-th ('s'). `totals`:
     per value, at most how many documents it has there (the most of any value of its file). */
  function table(spec, f, kind) {
    var files = kind === 'v' ? spec.files : spec.sample, totals = new Int32Array(spec.values);
    files.forEach(function (file, k) { totals.fill(file[1], file[0], k + 1 < files.length ? files[k + 1][0] : spec.values); });
    return { f: f, kind: kind, files: files, values: spec.values, single: spec.single, lists: [], totals: totals };
  }
  var exact = S.facets.map(function (spec, f) { return table(spec, f, 'v'); });
  var sample = S.sample ? S.facets.map(function (spec, f) { return table(spec, f, 's'); }) : null;

  function loadRows(b) {
    return load('f/' + b).then(function (packed) { if (!rows[b]) decodeRows(b, packed); });
  }

  function decodeRows(b, packed) {  // where each document's ids are; a multi-valued facet's gaps become ids
    var ints = rowInts[b] = unpack(packed), at = 0;
    rows[b] = true;
    for (var n = b * S.rowBlock; at < ints.length; n++) {
      for (var f = 0; f < NF; f++) {
        rowAt[n * NF + f] = at;
        if (S.facets[f].single) { at++; continue; }
        var count = ints[at++];
        for (var j = 1; j < count; j++) ints[at + j] += ints[at + j - 1];
        at += count;
      }
    }
  }

  /* Document n's value ids in facet f, read where they are (its rows are loaded): shared arrays and
     views, not copies, since facets are counted over every result (do not change them). */
  function rowValues(n, f) {
    var ints = rowInts[Math.floor(n / S.rowBlock)], at = rowAt[n * NF + f], v = ints[at];
    if (S.facets[f].single) return v ? ONE[f][v - 1] || (ONE[f][v - 1] = [v - 1]) : NONE;
    return ints.subarray(at + 1, at + 1 + v);
  }

  function fileOf(t, v) {
    var files = t.files, k = 0;
    while (k + 1 < files.length && files[k + 1][0] <= v) k++;
    return k;
  }

  function fileEnd(t, k) { return k + 1 < t.files.length ? t.files[k + 1][0] : t.values; }

  function loadList(t, k) {
    return load(t.kind + '/' + t.f + '-' + k).then(function (packed) {
      var start = t.files[k][0];
      packed.forEach(function (text, i) { if (!t.lists[start + i]) t.lists[start + i] = decodeList(text); });
    });
  }

  /* The twin of searchindex.value_lists: Rice-coded gaps (its documents, an Int32Array), or (gap, run
     length - 1) pairs, kept as runs ({runs: [first, one past last, ...]}): a single-valued facet's
     values are a few runs each, counted by runs without visiting their documents. */
  function decodeList(text) {
    var n = -1, i;
    if (DIGIT[text.charCodeAt(0)] === 0) {
      var h = head(text, 3);
      var docs = rice(text, h[3], h[2], h[1]);
      for (i = 0; i < docs.length; i++) docs[i] = n += docs[i] + 1;
      return docs;
    }
    var ints = unpack(text), runs = new Int32Array(ints.length - 1);
    n = 0;
    for (i = 1; i < ints.length; i += 2) {
      runs[i - 1] = n + ints[i];
      runs[i] = n = n + ints[i] + ints[i + 1] + 1;
    }
    return { runs: runs };
  }

  function eachDoc(list, fn) {
    if (!list.runs) return list.forEach(fn);
    for (var i = 0; i < list.runs.length; i += 2) for (var d = list.runs[i]; d < list.runs[i + 1]; d++) fn(d);
  }

  /* A common term's chunk carries, per facet, its S.tops values with most of its documents (most first;
     the twin of searchdata.top_counts): [{ids, counts, full}], full when every value it has is listed. */
  function decodeTops(text) {
    var ints = unpack(text), at = 0;
    return S.facets.map(function () {
      var m = ints[at++], ids = new Int32Array(m), counts = new Int32Array(m), last = 0;
      for (var j = 0; j < m; j++, at += 2) { ids[j] = ints[at]; counts[j] = last = j ? last - ints[at + 1] : ints[at + 1]; }
      return { ids: ids, counts: counts, full: m < S.tops };
    });
  }

  /* Facet f's counts over a query's results, bounded from above per value (`ub`) by what its terms
     carry: a term's listed count, or its last listed count for a value not listed (none if every value is
     listed), or for a term carrying nothing, its documents or the value's total. A clause's terms add
     up (prefix expansions, several fields), required clauses take the least, optional ones add up;
     prohibited ones only remove results. `tops`: the counts themselves when the query is one term in
     every field, so its results are that term's documents and those counts are exact. */
  function valueBounds(f, query) {
    var tot = exact[f].totals, V = tot.length;
    function termBound(term) {
      var p = posting(term), out = new Int32Array(V), v;
      if (!p) return out;
      if (!p.tops) {
        var df = 0;
        p.fields.forEach(function (field) { df += field.docs.length; });
        for (v = 0; v < V; v++) out[v] = Math.min(tot[v], df);
        return out;
      }
      var t = p.tops[f], rest = t.full ? 0 : t.counts[t.counts.length - 1];
      for (v = 0; v < V; v++) out[v] = Math.min(tot[v], rest);
      for (var j = 0; j < t.ids.length; j++) out[t.ids[j]] = t.counts[j];
      return out;
    }
    function add(list) {
      var out = new Int32Array(V);
      list.forEach(function (a) { for (var v = 0; v < V; v++) out[v] = Math.min(tot[v], out[v] + a[v]); });
      return out;
    }
    var groups = query ? query.filter(function (g) { return !g.prohibited; }) : [];
    var required = groups.filter(function (g) { return g.required; });
    if (!groups.length) return { ub: tot, tops: null };  // every document but the prohibited: bounded by totals
    var per = (required.length ? required : groups).map(function (g) { return add(g.terms.map(termBound)); }), ub;
    if (required.length) {
      ub = per[0];
      per.forEach(function (a) { for (var v = 0; v < V; v++) ub[v] = Math.min(ub[v], a[v]); });
    } else ub = add(per);
    var one = query.length === 1 && groups.length === 1 && groups[0].all && groups[0].terms.length === 1 ? posting(groups[0].terms[0]) : null;
    return { ub: ub, tops: one && one.tops ? one.tops[f] : null };
  }

  /* The files to load next for facet f: those holding values not yet counted (`done`) that could be
     among the S.shown of most results, given the exact `counts` so far and each value's bound (at most
     `cap`). Until S.shown values have counts, the first such values in file order (most documents
     first) to make up S.shown; then those whose bound times `rho` (the most any counted value reached
     of its bound) still beats the S.shown-th count, likely to raise it; then every other such value. */
  function pick(t, ub, counts, done, cap, rho) {
    var top = ranked(counts), full = top.length >= S.shown, last = full ? counts.get(top[S.shown - 1]) : 0;
    var edge = full ? top[S.shown - 1] : -1, open = [], likely = [];
    for (var v = 0; v < ub.length; v++) {
      var u = Math.min(ub[v], cap);
      if (!done[v] && u > 0 && (!full || u > last || (u === last && v < edge))) {
        open.push(v);
        if (u * rho > last) likely.push(v);
      }
    }
    if (!full) open = open.slice(0, S.shown - top.length);
    else if (likely.length) open = likely;
    var out = [], seen = Object.create(null);
    open.forEach(function (v) { var k = fileOf(t, v); if (!seen[k]) { seen[k] = true; out.push(k); } });
    return out;
  }

  /* The first files of table t its counts need, before any is counted (its exact `tops`, if any, known). */
  function firstPick(t, bounds, total) {
    var counts = new Map(), done = new Uint8Array(t.values), tops = bounds.tops;
    for (var j = 0; tops && j < tops.ids.length; j++) { done[tops.ids[j]] = 1; if (tops.counts[j]) counts.set(tops.ids[j], tops.counts[j]); }
    return pick(t, bounds.ub, counts, done, total, 1);
  }

  function bytesOf(t, list) { return list.reduce(function (sum, k) { return sum + t.files[k][2]; }, 0); }

  /* The sample's share of `docs`: a mask over the sample (its m-th document is the index's
     m * stride-th) and how many it marks. */
  function sampleMask(docs) {
    var every = S.sample.stride, mask = new Uint8Array(S.sample.size), count = 0;
    for (var j = 0; j < docs.length; j++) if (docs[j] % every === 0) { mask[docs[j] / every] = 1; count++; }
    return { mask: mask, count: count };
  }

  function sampleBounds(f) { return { ub: sample[f].totals, tops: null }; }

  /* How facets over `docs` are counted, by what costs fewest bytes before any is counted: from rows
     (each result's values), or per facet from value lists, over every document or, when that would
     cost S.sample.ratio times the sample's and S.sample.least results fall in the sample, from the
     sample's lists (estimated counts). {mode: 'rows' | 'lists', sampled: per facet, whether estimated}. */
  function plan(docs, bounds) {
    var rowBytes = 0, listBytes = 0, inSample = sample ? sampleMask(docs).count : 0;
    var ratio = S.sample ? S.sample.ratio : 1, least = S.sample ? S.sample.least : Infinity;
    blockList(docs, S.rowBlock).forEach(function (b) { rowBytes += S.rows[b]; });
    var sampled = S.facets.map(function (_, f) {
      var full = bytesOf(exact[f], firstPick(exact[f], bounds[f], docs.length));
      var part = inSample >= least ? bytesOf(sample[f], firstPick(sample[f], sampleBounds(f), inSample)) : Infinity;
      listBytes += full > part * ratio ? part : full;
      return full > part * ratio;
    });
    return rowBytes <= listBytes ? { mode: 'rows', sampled: [] } : { mode: 'lists', sampled: sampled };
  }

  /* Start loading what counting facets over `docs` with nothing chosen needs. */
  function preload(docs, how, bounds) {
    if (how.mode === 'rows') return blockList(docs, S.rowBlock).forEach(loadRows);
    var inSample = how.sampled.some(Boolean) ? sampleMask(docs).count : 0;
    S.facets.forEach(function (_, f) {
      var t = how.sampled[f] ? sample[f] : exact[f];
      firstPick(t, how.sampled[f] ? sampleBounds(f) : bounds[f], how.sampled[f] ? inSample : docs.length)
        .forEach(function (k) { loadList(t, k); });
    });
  }

  function ranked(counts) {
    return Array.from(counts.keys()).sort(function (a, b) { return (counts.get(b) - counts.get(a)) || a - b; });
  }

  /* How many of value v's documents (in table t) `mask` marks; `sums`: the mask's running sums, for runs. */
  function countList(t, v, mask, sums) {
    var docs = t.lists[v], c = 0, j;
    if (docs.runs) {
      for (j = 0; j < docs.runs.length; j += 2) c += sums[docs.runs[j + 1]] - sums[docs.runs[j]];
      return c;
    }
    for (j = 0; j < docs.length; j++) c += mask[docs[j]];
    return c;
  }

  function resultMask(hits) {  // 1 for each result's document
    var mask = new Uint8Array(N);
    hits.forEach(function (h) { mask[h.n] = 1; });
    return mask;
  }

  function runningSums(mask) {
    var sums = new Int32Array(mask.length + 1);
    for (var n = 0; n < mask.length; n++) sums[n + 1] = sums[n] + mask[n];
    return sums;
  }

  /* A facet's counts over the documents marked in `mask` (`total` of them), from table t: exact for
     every value that could be among the S.shown of most results (ties go to the smaller id) and for
     the chosen ones. A value's count comes from the query's exact `tops` (`useTops`), or from its
     value list, loaded when its bound (`bounds`, see valueBounds; a single-valued facet's also the
     results not yet counted) could reach the S.shown-th exact count, most promising first, until none
     can. */
  function listCounts(t, mask, total, chosen, bounds, useTops) {
    var counts = new Map(), done = new Uint8Array(t.values), sum = 0, tops = useTops ? bounds.tops : null;
    var sums = t.single ? runningSums(mask) : null;
    for (var j = 0; tops && j < tops.ids.length; j++) { done[tops.ids[j]] = 1; if (tops.counts[j]) { counts.set(tops.ids[j], tops.counts[j]); sum += tops.counts[j]; } }
    var rho = 0;
    function step() {
      for (var k = 0; k < t.files.length; k++) {  // count every value whose file is loaded: free
        if (!t.lists[t.files[k][0]]) continue;
        for (var v = t.files[k][0]; v < fileEnd(t, k); v++) {
          if (done[v]) continue;
          done[v] = 1;
          var c = countList(t, v, mask, sums);
          if (c) { counts.set(v, c); sum += c; }
          if (bounds.ub[v]) rho = Math.max(rho, c / bounds.ub[v]);
        }
      }
      var next = pick(t, bounds.ub, counts, done, t.single ? total - sum : total, rho);
      if (next.length) return Promise.all(next.map(function (k) { return loadList(t, k); })).then(step);
      chosen.forEach(function (v) { if (!counts.has(v) && t.lists[v]) { var c = countList(t, v, mask, sums); if (c) counts.set(v, c); } });
      return counts;
    }
    return total ? Promise.resolve().then(step) : Promise.resolve(counts);
  }

  function rowCounts(f, hits) {
    var counts = new Map();
    hits.forEach(function (hit) { rowValues(hit.n, f).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); }); });
    return counts;
  }

  /* Facet f's counts over `counted` results (`part`: their share of the sample) estimated from the
     sample, when S.sample.least of them are in it (else null): its counts there, each scaled by how
     many results there are per result in the sample, and at most the most documents any value of its
     file has. The chosen values' counts are exact: their lists are loaded (who passes a choice). */
  function sampleCounts(f, counted, part, chosen) {
    if (part.count < S.sample.least) return null;
    return listCounts(sample[f], part.mask, part.count, [], sampleBounds(f), false).then(function (counts) {
      var scale = counted.length / part.count, out = new Map(), most = exact[f].totals;
      counts.forEach(function (c, v) { out.set(v, Math.min(Math.round(c * scale), most[v])); });
      if (chosen.length) {
        var mask = resultMask(counted), sums = exact[f].single ? runningSums(mask) : null;
        chosen.forEach(function (v) { var c = countList(exact[f], v, mask, sums); if (c) out.set(v, c); else out.delete(v); });
      }
      return out;
    });
  }

  /* The results passing the reader's choices (selected[f]: {value id: true}) and, per facet, the
     counts of its values over the results passing the other facets' choices, with the S.shown values
     of most results (then smallest id) and the chosen ones: exact over every result, or `estimated`
     from the sample where the query's plan says (hits.sampled), but for the chosen values (`exact`).
     Who passes a choice is always exact. */
  function facets(hits, selected) {
    var mode = hits.facetMode || 'rows', sampled = hits.sampled || [];
    var chosen = S.facets.map(function (_, f) { return Object.keys(selected[f] || {}).map(Number); });
    var ready = mode === 'rows' ? Promise.all(blockList(hits.map(function (h) { return h.n; }), S.rowBlock).map(loadRows))
      : Promise.all([].concat.apply([], chosen.map(function (values, f) { return values.map(function (v) { return loadList(exact[f], fileOf(exact[f], v)); }); })));
    return ready.then(function () {
      var member = chosen.map(function (values, f) {
        if (!values.length) return null;
        if (mode === 'rows') return function (n) { return Array.prototype.some.call(rowValues(n, f), function (v) { return values.indexOf(v) >= 0; }); };
        var mask = new Uint8Array(N);
        values.forEach(function (v) { eachDoc(exact[f].lists[v], function (d) { mask[d] = 1; }); });
        return function (n) { return mask[n] === 1; };
      });
      function passes(n, except) {
        for (var f = 0; f < NF; f++) if (f !== except && member[f] && !member[f](n)) return false;
        return true;
      }
      var free = chosen.every(function (values) { return !values.length; });  // nothing chosen: nothing to filter
      var every = null;  // the sample's share of every result, for the facets counted over all of them
      function part(counted) {
        if (counted === hits) return every || (every = sampleMask(hits.map(function (h) { return h.n; })));
        return sampleMask(counted.map(function (h) { return h.n; }));
      }
      return Promise.all(S.facets.map(function (_, f) {
        var counted = free ? hits : hits.filter(function (h) { return passes(h.n, f); }), counts;
        var estimated = mode === 'lists' && sampled[f] ? sampleCounts(f, counted, part(counted), chosen[f]) : null;
        if (estimated) counts = estimated;
        else if (mode === 'rows') counts = Promise.resolve(rowCounts(f, counted));
        else {
          var mask = resultMask(counted);
          var others = chosen.some(function (values, g) { return g !== f && values.length; });
          counts = listCounts(exact[f], mask, counted.length, chosen[f], hits.bounds ? hits.bounds[f] : { ub: exact[f].totals, tops: null }, !others);
        }
        return counts.then(function (counts) {
          var top = ranked(counts).slice(0, S.shown);
          chosen[f].forEach(function (v) { if (top.indexOf(v) < 0) top.push(v); });
          return { f: f, counts: counts, top: top, estimated: !!estimated, exact: chosen[f] };
        });
      })).then(function (counted) {
        return { visible: free ? hits.slice() : hits.filter(function (h) { return passes(h.n, -1); }), facets: counted };
      });
    });
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
  function patterns(c) { return c.expansion || (c.usePipeline ? AN.analyse(c.term) : [c.term]); }
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
      if (c.form) list = list.concat(chunksFor(c.form, false));
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

  // ---- forgiving: a word missing from the vocabulary, matched to its nearest terms (search/w/) ----
  var VOCAB = Object.create(null), vocabs = Object.create(null);
  (S.vocab || []).forEach(function (k) { VOCAB[k] = true; });

  function firstChar(text) { return String.fromCodePoint(text.codePointAt(0)); }

  /* The terms (with size classes) whose first character is `ch`: the twin of searchvocab.encode. */
  function vocabOf(ch) { return vocabAt(ch.codePointAt(0).toString(16)); }

  /* The Arabic terms whose second character is `ch` (searchvocab.keys_of). */
  function vocabSecond(ch) { return vocabAt('2-' + ch.codePointAt(0).toString(16)); }

  function vocabAt(k) {
    if (!VOCAB[k]) return Promise.resolve([]);
    return load('w/' + k).then(function (text) {
      if (vocabs[k]) return vocabs[k];
      var out = [], prev = '';
      text.split(' ').forEach(function (e) {
        prev = prev.slice(0, DIGIT[e.charCodeAt(1)]) + e.slice(2);
        out.push({ term: prev, size: DIGIT[e.charCodeAt(0)] });
      });
      return (vocabs[k] = out);
    });
  }

  function distance(a, b, max) {  // edit distance with adjacent transpositions, or max + 1 past max
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], least = i;
      for (j = 1; j <= b.length; j++) {
        var v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        row.push(v);
        least = Math.min(least, v);
      }
      if (least > max) return max + 1;
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  }

  /* Every spelling one edit from `word` (deleted, swapped with the next, replaced or inserted letter,
     the letters from `letters`), the first letter kept. */
  function edits(word, letters) {
    var out = [], i, k;
    for (i = 1; i <= word.length; i++) {
      if (i < word.length) out.push(word.slice(0, i) + word.slice(i + 1));
      if (i < word.length - 1) out.push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
      for (k = 0; k < letters.length; k++) {
        if (i < word.length) out.push(word.slice(0, i) + letters[k] + word.slice(i + 1));
        out.push(word.slice(0, i) + letters[k] + word.slice(i));
      }
    }
    return out;
  }

  var FORGIVE_MOST = 3;  // terms a word is forgiven into: each may cost a chunk

  /* The vocabulary terms nearest the reader's `token` (whose term `term` the index lacks), best first:
     [{term, distance, size, word}] (word: a spelling of it), the first letter kept. Near is one edit from the token whose term is in the
     vocabulary ("introducign" → "introducing" → introduc), or the term within one edit (two from
     7 letters), or (from 4 letters) a term it begins: a word cut short. Ties go to the commoner term. */
  function nearest(token, term, most) {
    if (!term) return Promise.resolve([]);
    var own = firstChar(term);
    return Promise.all([vocabOf(own), afterArticle(token, term)]).then(function (found) {
      var vocab = found[1].length ? found[0].concat(found[1]) : found[0], letters = Object.create(null), spelt = Object.create(null), others = Object.create(null);
      vocab.forEach(function (v) { for (var i = 0; i < v.term.length; i++) letters[v.term[i]] = true; });
      if (token.length <= 24) {
        edits(token, Object.keys(letters).join('')).forEach(function (e) {
          var t = AN.termFor(e);
          if (!t || t in spelt) return;
          spelt[t] = e;
          var c = firstChar(t);
          if (c !== own) others[c] = (others[c] || 0) + 1;
        });
      }
      /* an edit in an Arabic article or prefix changes the term's first letter: those letters' words
         too, the EDIT_FILES most edits lead to */
      var more = Object.keys(others).sort(function (a, b) { return others[b] - others[a] || (a < b ? -1 : 1); }).slice(0, EDIT_FILES);
      return Promise.all(more.map(vocabOf)).then(function (lists) {
        return closest(term, vocab, [].concat.apply([], lists), spelt, most);
      });
    });
  }

  var EDIT_FILES = 3;  // more vocabulary files a word's edits may load

  /* An Arabic word with an article or و (`الوتوغرافي` for `الفوتوغرافي`): a wrong letter right after
     it is its term's first, which `nearest` keeps; so the terms filed by their second letter under
     the term's first or second (w/2-, see searchvocab) and those beginning with its second letter
     are near too: its first letter replaced, left out, added or swapped with the next. */
  function afterArticle(token, term) {
    if (!AN.prefixed(token) || term.length < 2) return Promise.resolve([]);
    var a = firstChar(term), b = firstChar(term.slice(a.length));
    return Promise.all([vocabOf(b), vocabSecond(a), vocabSecond(b)]).then(function (lists) { return [].concat.apply([], lists); });
  }

  /* The nearest of `vocab` (the words beginning as `term` does) and `extra` (other words), best first. */
  function closest(term, vocab, extra, spelt, most) {
    var size = Object.create(null), found = Object.create(null), via = Object.create(null);
    vocab.forEach(function (v) { size[v.term] = v.size; });
    extra.forEach(function (v) { size[v.term] = v.size; });
    function offer(t, d, word) {
      if (size[t] === undefined || t === term || found[t] <= d) return;
      found[t] = d;
      via[t] = word || t;
    }
    Object.keys(spelt).forEach(function (t) { offer(t, 1, spelt[t]); });
    var max = term.length >= 7 ? 2 : 1;
    vocab.forEach(function (v) {
      if (v.term.length < S.vocabLeast) return;  // near only as the term of a word one edit away (spelt)
      var d = distance(term, v.term, max);
      if (d <= max) offer(v.term, d);
      else if (term.length >= 4 && v.term.startsWith(term)) offer(v.term, 1);
    });
    var out = Object.keys(found).map(function (t) { return { term: t, distance: found[t], size: size[t], word: via[t] }; })
      .sort(function (a, b) { return (a.distance - b.distance) || (b.size - a.size) || (a.term < b.term ? -1 : 1); })
      .slice(0, most || FORGIVE_MOST);
    out.own = size[term];  // the word's own size class, when the vocabulary has it
    return out;
  }

  /* The clauses with each plain word the index lacks replaced by its nearest terms (a nearer term
     weighs more; a clause keeps its presence), and what was replaced: a promise of
     {clauses, changes: [{from: token, to: [terms]}]}. `tokens[k]`: the reader's word of clause k. */
  function forgive(clauses, tokens) {
    return prepare(clauses).then(function () {
      var changes = [];
      return Promise.all(clauses.map(function (c, k) {
        if (c.expansion || c.editDistance || !tokens[k] || c.term.indexOf('*') >= 0 || c.presence === PROHIBITED) return c;
        var terms = patterns(c);
        if (terms.length !== 1 || posting(terms[0])) return c;
        return nearest(tokens[k], terms[0], FORGIVE_WIDER).then(function (near) {
          if (!near.length) return c;
          var copy = Object.assign({}, c, { wider: near });
          forgiveInto(copy, near.slice(0, FORGIVE_MOST));
          return copy;
        });
      })).then(function (out) {
        return prepare(out).then(function () { return widen(out); }).then(function () {
          out.forEach(function (c, k) { if (c.near) changes.push({ from: tokens[k], to: c.expansion.slice(), word: c.near[0].word, k: k }); });
          return { clauses: out, changes: changes };
        });
      });
    });
  }

  var FORGIVE_WIDER = 12;  // nearest terms looked at when the nearest FORGIVE_MOST find nothing with the other words

  function forgiveInto(c, near) {  // a nearer term weighs more
    c.near = near;
    c.expansion = near.map(function (n) { return n.term; });
    c.weights = Object.create(null);
    near.forEach(function (n) { c.weights[n.term] = 1 / (1 + n.distance); });
  }

  /* When the forgiven words' nearest terms find no document with the query's other words, each such
     word is forgiven into its next nearest (up to FORGIVE_WIDER) that do: a word with many neighbours
     (`الأفلاض`: افلاس, افلام, افل before افلاج) is not left finding nothing. Only such a query loads
     the chunks this needs. A promise. */
  function widen(clauses) {
    var wide = clauses.filter(function (c) { return c.wider && c.wider.length > FORGIVE_MOST; });
    if (!wide.length || anyDoc(inOthers(clauses, null))) return Promise.resolve();
    var more = wide.map(function (c) { return Object.assign({}, c, { expansion: c.wider.map(function (n) { return n.term; }) }); });
    return prepare(more).then(function () {
      wide.forEach(function (c) {
        var ok = inOthers(clauses, c), keep = c.wider.filter(function (n) {
          var p = posting(n.term);
          return p && c.fields.some(function (f) { return Array.prototype.some.call(p.fields[f].docs, function (d) { return ok[d]; }); });
        });
        if (keep.length) forgiveInto(c, keep.slice(0, FORGIVE_MOST));
      });
      return prepare(clauses);
    });
  }

  /* Per document, 1 when it is in every required clause but `skip` (their chunks loaded). */
  function inOthers(clauses, skip) {
    var count = new Int32Array(N), need = 0, out = new Uint8Array(N);
    clauses.forEach(function (c) {
      if (c === skip || c.presence !== REQUIRED) return;
      var seen = new Uint8Array(N);
      need++;
      patterns(c).forEach(function (p) {
        expand(c, p).forEach(function (t) {
          var q = posting(t);
          c.fields.forEach(function (f) { q.fields[f].docs.forEach(function (n) { if (!seen[n]) { seen[n] = 1; count[n]++; } }); });
        });
      });
    });
    for (var n = 0; n < N; n++) out[n] = count[n] === need ? 1 : 0;
    return out;
  }

  function anyDoc(mask) { return mask.indexOf(1) >= 0; }

  // ---- lunr's Index.prototype.query, over postings (typed arrays: a common word has 10,000 documents) ----

  /* The matching (document, field) pairs in lunr's order, as n * F + f, and the query vector of each
     field. A document passes when it is in every required clause (in any of the clause's fields) and
     in no prohibited one, as lunr's per-field required and prohibited sets give. */
  function match(clauses) {
    var vectors = ALL_FIELDS.map(function () { return new Map(); });
    var need = 0, impossible = false, hits = new Int32Array(N), stamp = new Int32Array(N).fill(-1);
    var banned = new Uint8Array(N), taken = new Uint8Array(N * F), refs = [], seen = Object.create(null);
    var covered = new Int32Array(N), coveredBy = new Int32Array(N).fill(-1), titled = 0;
    var groups = [];  // per clause, its terms (for facet bounds)
    var forms = formBonus(clauses);
    clauses.forEach(function (c, k) {
      if (c.stop) return;  // counted by formBonus only
      var terms = patterns(c), required = c.presence === REQUIRED;
      var group = { required: required, prohibited: c.presence === PROHIBITED, all: c.fields.length === F, terms: [] };
      groups.push(group);
      if (required) need++;
      if (c.titled) titled++;
      var found = c.any ? terms.filter(function (t) { return expand(c, t).length; }).length : 1;  // alternatives (OR): one is enough
      if (!found && required) impossible = true;
      for (var m = 0; m < terms.length; m++) {
        var expanded = expand(c, terms[m]);
        if (!expanded.length && required && !c.any) { impossible = true; break; }
        expanded.forEach(function (term) {
          var p = posting(term);
          if (group.terms.indexOf(term) < 0) group.terms.push(term);
          if (c.titled) {
            var inTitle = p.fields[TITLE].docs;
            for (var t = 0; t < inTitle.length; t++) if (coveredBy[inTitle[t]] !== k) { coveredBy[inTitle[t]] = k; covered[inTitle[t]]++; }
          }
          c.fields.forEach(function (f) {
            var docs = p.fields[f].docs, j, n;
            if (required) {
              for (j = 0; j < docs.length; j++) { n = docs[j]; if (stamp[n] !== k) { stamp[n] = k; hits[n]++; } }
            }
            if (c.presence === PROHIBITED) {
              for (j = 0; j < docs.length; j++) banned[docs[j]] = 1;
              return;
            }
            vectors[f].set(term, (vectors[f].get(term) || 0) + c.boost * (c.weights ? c.weights[term] : 1));
            if (seen[term + '/' + f]) return;
            seen[term + '/' + f] = true;
            for (j = 0; j < docs.length; j++) { var key = docs[j] * F + f; if (!taken[key]) { taken[key] = 1; refs.push(key); } }
          });
        });
      }
    });
    if (clauses.every(function (c) { return c.presence === PROHIBITED; })) {
      refs = [];
      for (var key = 0; key < N * F; key++) refs.push(key);
    }
    var passed = [];
    for (var i = 0; i < refs.length; i++) {
      var n = (refs[i] - refs[i] % F) / F;
      if ((!need || (!impossible && hits[n] === need)) && !banned[n]) passed.push(refs[i]);
    }
    var extra = titled ? function (n) { return covered[n] === titled ? TITLE_BONUS + forms.stops[n] * STOP_BONUS : 0; } : function () { return 0; };
    if (forms.used) extra = forms.add(extra);
    return { refs: passed, vectors: vectors, groups: groups, extra: extra };
  }

  /* What the reader's very words add to a document's rank (issue 23), beyond lunr's score, which a
     stem decides: per clause holding the form term of the word typed (`form`: `lenses`, `وتقنيين`
     without its article, where that is not its stem), FORM_BONUS to each document holding that form,
     so the documents with the exact word come before those sharing only its stem; and per stop word
     of the query (`stop` clauses: no term, never required), how many of them a document's title holds,
     which weighs only among titles holding every other word (see match). Stop words decide no match:
     `must design accessibility` finds what `design accessibility` finds, with the title `Must Design
     Accessibility` first. {stops, used, add(extra)}. */
  function formBonus(clauses) {
    var stops = new Int32Array(N), forms = new Int32Array(N), stamp = new Int32Array(N).fill(-1), used = false;
    clauses.forEach(function (c, k) {
      var p = c.stop ? posting(c.term) : c.form && !c.expansion ? posting(c.form) : null;
      if (!p) return;
      (c.stop ? [TITLE] : ALL_FIELDS).forEach(function (f) {
        var docs = p.fields[f].docs;
        for (var j = 0; j < docs.length; j++) {
          var n = docs[j];
          if (stamp[n] === k) continue;
          stamp[n] = k;
          if (c.stop) stops[n]++; else { forms[n]++; used = true; }
        }
      });
    });
    return { stops: stops, used: used, add: function (extra) { return function (n) { return extra(n) + forms[n] * FORM_BONUS; }; } };
  }

  /* The reader's `tokens` (one per clause, as `words` makes them) give their clauses their form terms;
     `stops`, the query's stop words, give a title-only clause each (see formBonus). */
  function withForms(clauses, tokens, stops) {
    clauses.forEach(function (c, k) { if (tokens && tokens[k] && !c.stop) c.form = AN.formFor(tokens[k]); });
    (clauses.length ? stops || [] : []).forEach(function (token) {
      var term = AN.stopFor(token);
      if (!term) return;
      var c = clause(term, [TITLE], OPTIONAL);
      c.usePipeline = false;
      c.stop = true;
      clauses.push(c);
    });
    return clauses;
  }

  /* The score lunr.py stores for the j-th document of `term`'s posting in field `f`. */
  function scoreAt(p, f, j) {  // before its table block is loaded, a document has the mean body length
    var field = p.fields[f], tf = field.tfs[j], n = field.docs[j];
    var length = f < F - 1 ? field.lens[j] : blocks[Math.floor(n / S.block)] ? bodyLengths[n] : S.averages[f];
    var score = p.idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / S.averages[f])) + tf);
    score *= S.boosts[f];
    return round3(score);
  }

  /* Python's round(x, 3), which rounds the exact binary value: x * 1000 rounds the same way unless it
     lies within a hair of a half, where toFixed (exact, but 10x slower) decides. */
  function round3(x) {
    var y = x * 1000, down = Math.floor(y);
    return Math.abs(y - down - 0.5) > 1e-6 ? Math.round(y) / 1000 : +x.toFixed(3);
  }

  /* Per field, every document's dot product with the query vector, summed in the vector's term order
     as lunr sums it (a term the document lacks adds 0). */
  function dots(vector, f, given) {  // scoreAt inlined (the same arithmetic in the same order): a common word has 10,000 documents
    var out = new Float64Array(N), average = S.averages[f], boost = S.boosts[f], isBody = f === F - 1, size = S.block;
    vector.forEach(function (w, term) {
      var p = posting(term), field = p.fields[f], docs = field.docs, tfs = field.tfs, lens = field.lens, idf = p.idf;
      for (var j = 0; j < docs.length; j++) {
        var n = docs[j], tf = tfs[j];
        var length = !isBody ? lens[j] : given ? given[n] : blocks[(n - n % size) / size] ? bodyLengths[n] : average;
        var score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average)) + tf);
        score *= boost;
        out[n] += w * round3(score);
      }
    });
    return out;
  }

  function lengthsOf(vectors) {  // each query vector's Euclidean length
    return vectors.map(function (v) {
      var sum = 0;
      v.forEach(function (w) { sum += w * w; });
      return Math.sqrt(sum);
    });
  }

  function rank(found) {
    var magnitudes = lengthsOf(found.vectors);
    var byField = found.vectors.map(function (v, f) { return v.size ? dots(v, f) : null; });
    var slot = new Int32Array(N), results = [], refs = found.refs;
    for (var i = 0; i < refs.length; i++) {
      var key = refs[i], f = key % F, n = (key - f) / F;
      var score = (byField[f] ? byField[f][n] : 0) / magnitudes[f] || 0;
      if (slot[n]) results[slot[n] - 1].score += score;
      else { results.push({ n: n, score: score + found.extra(n) }); slot[n] = results.length; }
    }
    return results.sort(function (a, b) { return b.score - a.score; });
  }

  /* Bounds, for an archive whose body lengths are too big to load with every query (see run): each
     document's body length lies between lenLo and lenHi, the shortest and longest body of the archive
     until its bucket is known (S.buckets: two bits a document, in b/ files), then its bucket's, then
     its exact length (e/ files, per bucket and block of documents). BM25 falls as a body grows, and
     lunr's rounding and sums keep order, so scoring with lenLo gives an upper bound and lenHi a lower. */
  var BK = S.buckets, lenLo = new Int32Array(N), lenHi = new Int32Array(N), bucketOf = new Int8Array(N).fill(-1);
  var known = new Uint8Array(N), lengthVersion = 0, exactDone = Object.create(null);
  (function () {
    var lo = Infinity, hi = 0;
    BK.ranges.forEach(function (r) { if (r[1] >= r[0] && (r[0] || r[1])) { lo = Math.min(lo, r[0]); hi = Math.max(hi, r[1]); } });
    lenLo.fill(lo === Infinity ? 0 : lo);
    lenHi.fill(hi);
  })();

  function loadBuckets(docs) {
    return Promise.all(blockList(docs, BK.block).map(function (b) {
      return load('b/' + b).then(function (packed) {
        var n = b * BK.block, end = Math.min(N, n + BK.block);
        if (bucketOf[n] >= 0) return;
        for (var j = 0; n < end; j++, n++) {
          var k = DIGIT[packed.charCodeAt((j - j % 3) / 3)] >> 2 * (2 - j % 3) & 3;
          bucketOf[n] = k;
          if (!known[n]) { lenLo[n] = BK.ranges[k][0]; lenHi[n] = BK.ranges[k][1]; }
        }
        lengthVersion++;
      });
    }));
  }

  function loadExact(docs) {  // their buckets are known
    var wanted = Object.create(null);
    docs.forEach(function (n) { wanted[bucketOf[n] + '-' + (n - n % BK.block) / BK.block] = true; });
    return Promise.all(Object.keys(wanted).map(function (key) {
      return load('e/' + key).then(function (packed) {
        var k = +key.split('-')[0], b = +key.split('-')[1], n = b * BK.block, end = Math.min(N, n + BK.block);
        var base = k ? BK.edges[k - 1] : 0, count = 0, m;
        if (exactDone[key]) return;
        exactDone[key] = true;
        for (m = n; m < end; m++) if (bucketOf[m] === k) count++;
        var h = head(packed, 1), lengths = rice(packed, h[1], count, h[0]), j = 0;
        for (m = n; m < end; m++) {
          if (bucketOf[m] !== k) continue;
          lenLo[m] = lenHi[m] = bodyLengths[m] = base + lengths[j++];
          known[m] = 1;
        }
        lengthVersion++;
      });
    }));
  }

  /* The results with bounds: per result its fields in lunr's order (to sum its score as lunr does),
     and `lo` and `hi`, its score's bounds (`score`: `lo`; `exact` once they meet). */
  function rankBounded(found) {
    var magnitudes = lengthsOf(found.vectors);
    var ctx = { found: found, magnitudes: magnitudes, version: -1, low: null, high: null, results: [] };
    ctx.byField = found.vectors.map(function (v, f) { return v.size && f < F - 1 ? dots(v, f) : null; });
    var slot = new Int32Array(N), results = ctx.results, refs = found.refs;
    for (var i = 0; i < refs.length; i++) {
      var key = refs[i], f = key % F, n = (key - f) / F;
      if (slot[n]) results[slot[n] - 1].parts.push(f);
      else {  // scores start as doubles (NaN): from 0, each result's object changed shape at its first score (50 ms for 59,000)
        results.push({ n: n, i: results.length, parts: [f], score: NaN, lo: NaN, hi: NaN, exact: false, v: -1, ctx: ctx });
        slot[n] = results.length;
      }
    }
    bound(ctx, results);
    return ctx;
  }

  /* The bounds of each result of `list` for the body lengths known now (`lengthVersion`): the body's
     dot products once a version, a result's sums only when asked for (refining looks again only at
     the results that can still be shown). */
  function bound(ctx, list) {
    if (ctx.version !== lengthVersion) {
      var body = ctx.found.vectors[F - 1];
      ctx.version = lengthVersion;
      ctx.low = body.size ? dots(body, F - 1, lenHi) : null;
      ctx.high = body.size ? dots(body, F - 1, lenLo) : null;
    }
    var low = ctx.low, high = ctx.high, mags = ctx.magnitudes, byField = ctx.byField, version = ctx.version;
    for (var i = 0; i < list.length; i++) {
      var h = list[i];
      if (h.v === version) continue;
      var a = 0, b = 0, n = h.n, parts = h.parts, sure = true;
      for (var j = 0; j < parts.length; j++) {
        var f = parts[j];
        if (f === F - 1) {
          a += (low ? low[n] : 0) / mags[f] || 0;
          b += (high ? high[n] : 0) / mags[f] || 0;
          sure = sure && known[n] === 1;
        } else {
          var s = (byField[f] ? byField[f][n] : 0) / mags[f] || 0;
          a += s;
          b += s;
        }
      }
      var more = ctx.found.extra(n);
      h.lo = h.score = a + more;
      h.hi = b + more;
      h.exact = sure;
      h.v = version;
    }
  }

  function byScore(a, b) { return (b.score - a.score) || (a.i - b.i); }

  /* `list` (results of one query, or some of them) with its first `count` in lunr's exact order: the
     count-th best lower bound is a score that many results reach, so only results whose upper bound
     reaches it can be among the first; their buckets, then their exact lengths, are loaded until
     every such result is exact. Lengths only narrow the bounds (lower bounds rise, upper ones fall),
     so a result left out once stays out, and each round looks only at those still in. The rest follow
     in the order given. A promise. */
  function refine(list, count) {
    count = Math.min(count, list.length);
    if (!count || !list[0].ctx) return Promise.resolve(list);
    var ctx = list[0].ctx, top = list;
    function step() {
      bound(ctx, top);
      var los = new Float64Array(top.length);
      for (var i = 0; i < top.length; i++) los[i] = top[i].lo;
      los.sort();
      var theta = los[top.length - count], open = [];
      top = top.filter(function (h) {
        if (h.hi < theta) return false;
        if (!h.exact) open.push(h.n);
        return true;
      });
      if (open.length) {
        var unbucketed = open.filter(function (n) { return bucketOf[n] < 0; });
        return (unbucketed.length ? loadBuckets(unbucketed) : loadExact(open)).then(step);
      }
      var first = new Set(top);
      return top.sort(byScore).concat(list.filter(function (h) { return !first.has(h); }));  // the rest in the order given: made exact when asked for
    }
    return Promise.resolve(step());  // the first step now: its files asked for at once
  }

  /* Every matching document, ranked: a promise of [{n, score}] (counted by `facets`), the first
     `shown` (10 if not given) in lunr's exact order, with their records asked for. `later`: the page
     keeps only some of them (a phrase, a date range) or orders them otherwise, so neither records nor
     facet files are asked for yet (see recount). */
  function run(clauses, shown, later) {
    shown = shown || 10;
    var lengths = UPFRONT ? loadBlockList(S.lengths.map(function (_, b) { return b; })) : null;
    function records(list) { if (!later) list.forEach(function (hit) { load(perDocument('r', hit.n)); }); }
    return Promise.all([prepare(clauses), lengths]).then(function () {
      var found = match(clauses);
      if (UPFRONT) {  // the records first: over http they are the last to arrive
        var hits = rank(found);
        records(hits.slice(0, shown));
        return Object.assign(hits, counting(hits, found, later));
      }
      var bounded = rankBounded(found).results.slice();  // in lunr's match order until refined (sorting 50,000 took 30-60 ms)
      var refined = refine(bounded, shown);  // its first lengths asked for before the facets' files
      var how = counting(bounded, found, later);
      return refined.then(function (sorted) {
        records(sorted.slice(0, shown));
        return Object.assign(sorted, how);
      });
    });
  }

  /* How the facets of `hits` will be counted ({facetMode, sampled, bounds}: see plan, valueBounds),
     with the files that needs asked for; `later`: only the bounds, for recount. */
  function counting(hits, found, later) {
    var bounds = S.facets.map(function (_, f) { return valueBounds(f, found.groups); });
    return later ? { bounds: bounds } : recount(hits, bounds);
  }

  function recount(hits, bounds) {  // (bounds: for these hits, or for more of them)
    var docs = hits.map(function (hit) { return hit.n; }), how = plan(docs, bounds);
    preload(docs, how, bounds);
    return { facetMode: how.mode, sampled: how.sampled, bounds: bounds };
  }

  /* When every body-length file together is small (a small archive: 13 KB at 10,000 documents), they
     load beside the query's term chunks, so the results are ranked once, exactly, and only the records
     shown are asked for, beside the facet files: two rounds after the core. Otherwise the results are
     ranked by bounds, and made exact where shown (`refine`). */
  var UPFRONT = S.lengths.reduce(function (sum, size) { return sum + size; }, 0) <= S.upfront;

  /* The reader's words: every word required, the last one as a prefix while typing; a document whose
     title holds every one of them ranks above those whose title does not (`titled`, see match); with
     the reader's `tokens` and stop words, exact forms and stop words rank too (see formBonus). */
  function words(terms, prefix, tokens, stops) {
    return withForms(terms.map(function (t) { var c = clause(t, null, REQUIRED); c.usePipeline = false; return c; })
      .concat(prefix ? [clause(prefix + '*', null, REQUIRED)] : []).map(function (c) { c.titled = true; return c; }), tokens, stops);
  }

  /* The reader's operators: `groups`, each a list of alternatives (terms) of which a document must hold
     one (`a OR b`: one clause, its terms optional alternatives; a single word: a required word), and
     `not`, terms it must not hold. Every group counts toward a title holding the whole query. */
  function operators(groups, not) {
    return groups.map(function (alternatives) {
      var c = clause(alternatives[0], null, REQUIRED);
      c.usePipeline = false;
      c.titled = true;
      if (alternatives.length > 1) { c.expansion = alternatives.slice(); c.any = true; }
      return c;
    }).concat(not.map(function (t) { var c = clause(t, null, PROHIBITED); c.usePipeline = false; return c; }));
  }

  // ---- dates (search/y/, the twin of searchdata.date_block): a document's date as a span of days ----
  var dateLo = new Float64Array(N).fill(NaN), dateHi = new Float64Array(N).fill(NaN), dateKey = new Float64Array(N).fill(NaN), dated = [];

  function day(y, m, d) {  // days since 1970-01-01 of y-m-d (m from 1; overflowing months and days roll over)
    var t = new Date(0);
    t.setUTCFullYear(y, m - 1, d);
    return Math.round(t.getTime() / 864e5);
  }

  /* The days a date written with `month` and `day` (0: not given) can be: the year, the month or the
     day; an uncertain or approximate (`qualified`) one widened by one of its units each way. */
  function span(year, month, dayOf, qualified) {
    var w = qualified ? 1 : 0;
    if (!month) return [day(year - w, 1, 1), day(year + 1 + w, 1, 0)];
    if (!dayOf) return [day(year, month - w, 1), day(year, month + 1 + w, 0)];
    return [day(year, month, dayOf) - w, day(year, month, dayOf) + w];
  }

  function loadDates(docs) {
    return Promise.all(blockList(docs, S.block).map(function (b) {
      return load('y/' + b).then(function (data) {
        if (dated[b]) return;
        dated[b] = true;
        var codes = unpack(data[1]), n = b * S.block;
        for (var j = 0; j < codes.length; j++, n++) {
          if (!codes[j]) continue;
          var c = codes[j] - 1, qualified = c & 1;
          c = (c - qualified) / 2;
          var d = c % 32, m = (c - d) / 32 % 13, y = data[0] + ((c - d) / 32 - m) / 13, s = span(y, m, d, qualified);
          dateLo[n] = s[0];
          dateHi[n] = s[1];
          dateKey[n] = day(y, m || 1, d || 1) * 4 + (!m ? 0 : !d ? 1 : 2);  // as dates.ArchivalDate.sort_key
        }
      });
    }));
  }

  /* The dates of `hits`' documents, loaded: a promise of a function giving document n's {lo, hi, key}
     (days; key orders as the site's chronology does), or null for an undated one. */
  function dates(hits) {
    return loadDates(hits.map(function (h) { return h.n; })).then(function () {
      return function (n) { return isNaN(dateKey[n]) ? null : { lo: dateLo[n], hi: dateHi[n], key: dateKey[n] }; };
    });
  }

  // ---- phrases (search/p/, beside each term chunk: the twin of searchindex.encode_positions) ----
  var positionFiles = [], ownFiles = Object.create(null);

  /* Whether `term`'s positions are a file of their own (S.alone body positions or more), its chunk loaded. */
  function alone(term) {
    var tfs = posting(term).fields[F - 1].tfs, count = 0;
    for (var j = 0; j < tfs.length; j++) count += tfs[j];
    return count >= S.alone;
  }

  /* The position files of `terms` (those the index has), loaded: a term's own, or its chunk's. */
  function loadPlaces(terms) {
    return Promise.all(terms.filter(posting).map(function (term) {
      var i = chunkAt(term);
      if (alone(term)) return load('p/' + names[i] + '-' + fnv(term)).then(function (text) { ownFiles[term] = text; });
      return load('p/' + names[i]).then(function (data) { positionFiles[i] = positionFiles[i] || data; });
    }));
  }

  function chunkList(terms) {
    var list = [];
    terms.forEach(function (t) { var i = chunkAt(t); if (i >= 0 && list.indexOf(i) < 0) list.push(i); });
    return list;
  }

  /* Where `term` is in each document's title and body, decoded on first use: per field {docs, starts,
     at} (document docs[j] has positions at[starts[j]] .. at[starts[j + 1] - 1], in order); null when
     the index lacks the term. Its chunk and position file are loaded. */
  function placesOf(term) {
    var p = posting(term);
    if (!p) return null;
    if (p.places) return p.places;
    var i = chunkAt(term), text = term in ownFiles ? ownFiles[term] : positionFiles[i][find(chunks[i].terms, term)], at = 0;
    p.places = [p.fields[TITLE], p.fields[F - 1]].map(function (field) {
      var docs = field.docs, starts = new Int32Array(docs.length + 1), count = 0, j;
      for (j = 0; j < docs.length; j++) { starts[j] = count; count += field.tfs[j]; }
      starts[docs.length] = count;
      if (!count) return { docs: docs, starts: starts, at: new Int32Array(0) };
      var h = head(text.slice(at), 1), places = rice(text, at + h[1], count, h[0]);
      at = rAt;
      for (j = 0; j < docs.length; j++) for (var m = starts[j] + 1; m < starts[j + 1]; m++) places[m] += places[m - 1] + 1;
      return { docs: docs, starts: starts, at: places };
    });
    return p.places;
  }

  /* Whether document n holds `phrase` ({terms, at}: its terms and their places in it, a stop word
     keeping its place) in its title or its body: the first term at some position i, each other one at
     i plus its place less the first's. */
  function phraseIn(phrase, n) {
    var terms = phrase.terms, places = terms.map(placesOf);
    if (places.indexOf(null) >= 0) return false;
    for (var f = 0; f < 2; f++) {
      var lists = [];
      for (var t = 0; t < terms.length; t++) {
        var field = places[t][f], j = find(field.docs, n);
        if (j < 0) break;
        lists.push(field.at.subarray(field.starts[j], field.starts[j + 1]));
      }
      if (lists.length < terms.length) continue;
      next: for (var a = 0; a < lists[0].length; a++) {
        var start = lists[0][a] - phrase.at[0];
        for (t = 1; t < terms.length; t++) if (find(lists[t], start + phrase.at[t]) < 0) continue next;
        return true;
      }
    }
    return false;
  }

  function wordIn(term, n) {  // document n has `term` in some field
    var p = posting(term);
    return !!p && p.fields.some(function (field) { return find(field.docs, n) >= 0; });
  }

  /* The `hits` holding, for every group of `checks`, one of its alternatives (a phrase: see phraseIn;
     a single term: in any field), and none of the phrases `without`: a promise. Loads the position
     files of the phrases' words only. */
  function phrases(hits, checks, without) {
    var words = [], placed = [];
    checks.concat([without]).forEach(function (group) {
      group.forEach(function (a) { words = words.concat(a.terms); if (a.terms.length > 1) placed = placed.concat(a.terms); });
    });
    return loadChunks(chunkList(words)).then(function () { return loadPlaces(placed); }).then(function () {
      function holds(a, n) { return a.terms.length > 1 ? phraseIn(a, n) : wordIn(a.terms[0], n); }
      return hits.filter(function (h) {
        return checks.every(function (group) { return group.some(function (a) { return holds(a, h.n); }); })
          && !without.some(function (a) { return phraseIn(a, h.n); });
      });
    });
  }

  function label(f, id) {
    return load('l/' + f + '-' + Math.floor(id / S.labels)).then(function (labels) { return labels[id % S.labels]; });
  }

  window.sitegenIndex = {
    specs: S.facets, sample: S.sample, titleBonus: TITLE_BONUS, parse: parse, words: words, operators: operators, dates: dates, span: span, phrases: phrases, recount: recount, run: run, forgive: forgive, nearest: nearest, refine: refine, label: label, facets: facets,
    record: function (n) { return load(perDocument('r', n)); },
    originals: function (n) { return load(perDocument('o', n)); },  // [file name, path, page, text] per page of its attachments
    open: function (root) { base = root + S.folder + '/'; },
    scores: function (term) {  // for tests: every non-zero score of `term`, as lunr.py stores them
      return prepare([clause(term, null, OPTIONAL)]).then(function () {
        var p = posting(term), docs = [];
        if (!p) return {};
        p.fields.forEach(function (field) { docs = docs.concat(Array.from(field.docs)); });
        return loadBlocks(docs).then(function () {
          var out = {};
          p.fields.forEach(function (field, f) { field.docs.forEach(function (n, j) { out[S.fields[f] + '/' + n] = scoreAt(p, f, j); }); });
          return out;
        });
      });
    }
  };
})();
