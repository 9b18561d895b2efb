/* The search client's room for ranking, exactly as lunr.js 2.3.9 ranks over an index built by
   lunr.py: BM25 field vectors (k1 1.2, b 0.75, scores rounded to 3 decimals as lunr.py rounds them),
   computed here from the term frequencies and field lengths the index ships, then the cosine of query
   and field vectors summed over fields, ties kept in lunr's order. With every body length at hand
   (`upfront`) the results are ranked once; otherwise by bounds, made exact for those shown (`refine`).
   Owns no state between queries but each ranking's own (`rankBounded`). */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, postings = rooms.postings, lengths = rooms.lengths, query = rooms.query;
  var loading = rooms.load, facets = rooms.facets, codes = rooms.codes;
  if (!core || !postings || !lengths || !query || !loading || !facets || !codes) return;
  var BM25_K1 = 1.2, BM25_B = 0.75;
  var FIELD_COUNT = core.fields.length, DOCUMENT_COUNT = core.documents, BODY = FIELD_COUNT - 1;
  var SHOWN_FIRST = 10;  // results ranked exactly when `run` is not told how many are shown
  var LOOKUP = 16;  // a binary search costs about as much as reading this many of a posting's documents

  /* Python's round(x, 3), which rounds the exact binary value: x * 1000 rounds the same way unless it
     lies within a hair of a half, where toFixed (exact, but 10x slower) decides. */
  function round3(value) {
    var scaled = value * 1000, down = Math.floor(scaled);
    return Math.abs(scaled - down - 0.5) > 1e-6 ? Math.round(scaled) / 1000 : +value.toFixed(3);
  }

  /* Per document, its dot product in `field` with the query `vector`, summed in the vector's term
     order as lunr sums it (a term the document lacks adds 0), each term's score as lunr.py stores it
     (BM25, rounded); the body's lengths from `given` when given (bounds), else as known (the mean
     before a document's block is loaded). A common word has 10,000 documents. `only`: the documents wanted, when they are few (a phrase's), looked up in a posting
     much longer than they are rather than read through. */
  function dots(vector, field, given, only) {
    var out = new Float64Array(DOCUMENT_COUNT), average = core.averages[field], boost = core.boosts[field], isBody = field === BODY;
    vector.forEach(function (weight, term) {
      var posting = postings.posting(term), one = posting.fields[field], docs = one.docs, tfs = one.tfs, lens = one.lens, idf = posting.idf;
      var wanted = only && only.length * LOOKUP < docs.length ? only : null, count = wanted ? wanted.length : docs.length;
      for (var i = 0; i < count; i++) {
        var j = wanted ? codes.find(docs, wanted[i]) : i;
        if (j < 0) continue;
        var doc = docs[j], tf = tfs[j];
        var length = !isBody ? lens[j] : given ? given[doc] : lengths.bodyLength(doc, average);
        var score = idf * ((BM25_K1 + 1) * tf) / (BM25_K1 * (1 - BM25_B + BM25_B * (length / average)) + tf);
        score *= boost;
        out[doc] += weight * round3(score);
      }
    });
    return out;
  }

  function magnitudesOf(vectors) {  // each query vector's Euclidean length
    return vectors.map(function (vector) {
      var sum = 0;
      vector.forEach(function (weight) { sum += weight * weight; });
      return Math.sqrt(sum);
    });
  }

  /* Every result with its score ({n, score}), in lunr's match order (sort them with byScoreOnly). */
  function score(found) {
    var magnitudes = magnitudesOf(found.vectors);
    var byField = found.vectors.map(function (vector, field) { return vector.size ? dots(vector, field, null, found.kept) : null; });
    var slot = new Int32Array(DOCUMENT_COUNT), results = [], refs = found.refs;
    for (var i = 0; i < refs.length; i++) {
      var ref = refs[i], field = ref % FIELD_COUNT, doc = (ref - field) / FIELD_COUNT;
      var part = (byField[field] ? byField[field][doc] : 0) / magnitudes[field] || 0;
      if (slot[doc]) results[slot[doc] - 1].score += part;
      else { results.push({ n: doc, score: part + found.extra(doc) }); slot[doc] = results.length; }
    }
    return results;
  }

  function byScoreOnly(a, b) { return b.score - a.score; }  // a stable sort keeps lunr's order among ties

  /* The first `count` of `results` as sorting them all would give (the sort is stable): those scoring
     at least the count-th best score, sorted, without sorting the rest (a common word's thousands). */
  function firstOf(results, count) {
    if (results.length <= count) return results.slice().sort(byScoreOnly);
    var scores = new Float64Array(results.length);
    for (var i = 0; i < results.length; i++) scores[i] = results[i].score;
    scores.sort();
    var least = scores[results.length - count];
    return results.filter(function (hit) { return hit.score >= least; }).sort(byScoreOnly).slice(0, count);
  }

  /* The results with bounds: per result its fields in lunr's order (to sum its score as lunr does),
     and `lo` and `hi`, its score's bounds (`score`: `lo`; `exact` once they meet). */
  function rankBounded(found) {
    var ranking = { found: found, magnitudes: magnitudesOf(found.vectors), version: -1, low: null, high: null, results: [] };
    ranking.byField = found.vectors.map(function (vector, field) { return vector.size && field < BODY ? dots(vector, field, null, found.kept) : null; });
    var slot = new Int32Array(DOCUMENT_COUNT), results = ranking.results, refs = found.refs;
    for (var i = 0; i < refs.length; i++) {
      var ref = refs[i], field = ref % FIELD_COUNT, doc = (ref - field) / FIELD_COUNT;
      if (slot[doc]) results[slot[doc] - 1].parts.push(field);
      else {  // scores start as doubles (NaN): from 0, each result's object changed shape at its first score (50 ms for 59,000)
        results.push({ n: doc, i: results.length, parts: [field], score: NaN, lo: NaN, hi: NaN, exact: false, v: -1, ctx: ranking });
        slot[doc] = results.length;
      }
    }
    bound(ranking, results);
    return ranking;
  }

  /* The bounds of each result of `list` for the body lengths known now (`lengths.version`): the body's
     dot products once a version, a result's sums only when asked for (refining looks again only at
     the results that can still be shown). */
  function bound(ranking, list) {
    if (ranking.version !== lengths.version()) {
      var body = ranking.found.vectors[BODY];
      ranking.version = lengths.version();
      ranking.low = body.size ? dots(body, BODY, lengths.longest, ranking.found.kept) : null;
      ranking.high = body.size ? dots(body, BODY, lengths.shortest, ranking.found.kept) : null;
    }
    var low = ranking.low, high = ranking.high, magnitudes = ranking.magnitudes, byField = ranking.byField, version = ranking.version;
    for (var i = 0; i < list.length; i++) {
      var hit = list[i];
      if (hit.v === version) continue;
      var least = 0, most = 0, doc = hit.n, parts = hit.parts, sure = true;
      for (var j = 0; j < parts.length; j++) {
        var field = parts[j];
        if (field === BODY) {
          least += (low ? low[doc] : 0) / magnitudes[field] || 0;
          most += (high ? high[doc] : 0) / magnitudes[field] || 0;
          sure = sure && lengths.known[doc] === 1;
        } else {
          var score = (byField[field] ? byField[field][doc] : 0) / magnitudes[field] || 0;
          least += score;
          most += score;
        }
      }
      var extra = ranking.found.extra(doc);
      hit.lo = hit.score = least + extra;
      hit.hi = most + extra;
      hit.exact = sure;
      hit.v = version;
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
    var ranking = list[0].ctx, top = list;
    function step() {
      bound(ranking, top);
      var lows = new Float64Array(top.length);
      for (var i = 0; i < top.length; i++) lows[i] = top[i].lo;
      lows.sort();
      var threshold = lows[top.length - count], open = [];
      top = top.filter(function (hit) {
        if (hit.hi < threshold) return false;
        if (!hit.exact) open.push(hit.n);
        return true;
      });
      if (open.length) {
        var unbucketed = open.filter(function (doc) { return lengths.bucketOf[doc] < 0; });
        return (unbucketed.length ? lengths.loadBuckets(unbucketed) : lengths.loadExact(open)).then(step);
      }
      var first = new Set(top);
      return top.sort(byScore).concat(list.filter(function (hit) { return !first.has(hit); }));  // the rest in the order given: made exact when asked for
    }
    return Promise.resolve(step());  // the first step now: its files asked for at once
  }

  /* Every matching document, ranked: a promise of [{n, score}] (counted by `facets`), the first
     `shown` (SHOWN_FIRST if not given) in lunr's exact order, with their records asked for. `later`:
     the page keeps only some of them (a phrase, a date range) or orders them otherwise, so neither
     records nor facet files are asked for yet (see recount). `keep`: those the page keeps, when it
     can say before they are matched (a phrase's: a function giving a promise of a mask over every
     document, see phrases.holders), so only they are matched and ranked; their order is the one
     they have among all results. */
  function run(clauses, shown, later, keep) {
    shown = shown || SHOWN_FIRST;
    var all = lengths.UPFRONT ? lengths.loadAllLengths() : null;
    function records(list) { if (!later) list.forEach(function (hit) { loading.perDocument('records', hit.n); }); }
    return Promise.all([query.prepare(clauses), all, keep ? keep() : null]).then(function (loaded) {
      var found = query.match(clauses, loaded[2]);
      if (keep) found.kept = matched(found).map(function (hit) { return hit.n; });
      return found;
    }).then(function (found) {
      if (lengths.UPFRONT) {  // the facets' files first (planned on the documents found), then the records, then the sort
        var how = counting(later ? null : matched(found), found, later, shown);
        var hits = score(found);
        records(firstOf(hits, shown));
        return Object.assign(hits.sort(byScoreOnly), how);
      }
      var bounded = rankBounded(found).results.slice();  // in lunr's match order until refined (sorting 50,000 took 30-60 ms)
      var refined = refine(bounded, shown);  // its first lengths asked for before the facets' files
      var how = counting(bounded, found, later, shown);
      return refined.then(function (sorted) {
        records(sorted.slice(0, shown));
        return Object.assign(sorted, how);
      });
    });
  }

  /* The documents of `found` (query.match), once each, in its order: [{n}]. */
  function matched(found) {
    var refs = found.refs, seen = new Uint8Array(DOCUMENT_COUNT), docs = [];
    for (var i = 0; i < refs.length; i++) {
      var doc = (refs[i] - refs[i] % FIELD_COUNT) / FIELD_COUNT;
      if (!seen[doc]) { seen[doc] = 1; docs.push({ n: doc }); }
    }
    return docs;
  }

  /* How the facets of `hits` will be counted ({facetMode, sampled, bounds}: see facets.recount), with
     the files that needs asked for; `later`: the query's groups, for `bounds` to bound them when the
     page counts (recount: not needed when the results it keeps fit in a page). */
  function counting(hits, found, later, shown) {
    return later ? { bounds: null, groups: found.groups } : facets.recount(hits, boundsOf(found.groups), shown);
  }

  function boundsOf(groups) { return core.facets.map(function (_, facet) { return facets.valueBounds(facet, groups); }); }

  /* The bounds of the facet counts of `hits` (a run's results: see facets.valueBounds), worked out
     once when it was run `later`. */
  function bounds(hits) {
    if (!hits.bounds && hits.groups) hits.bounds = boundsOf(hits.groups);
    return hits.bounds;
  }

  rooms.rank = { dots: dots, refine: refine, run: run, bounds: bounds };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
