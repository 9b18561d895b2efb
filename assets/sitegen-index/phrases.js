/* The search client's room for what the page checks beyond matching: phrases, on the word positions
   kept beside each term chunk (search/p/, the twin of searchindex.encode_positions), and dates
   (search/y/, the twin of searchdata.date_block) for a date range or an order by date. Owns the loaded
   position files and every document's date once its block is loaded. */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, codes = rooms.codes, loading = rooms.load, postings = rooms.postings;
  if (!core || !codes || !loading || !postings) return;
  var DOCUMENT_COUNT = core.documents, BODY = core.fields.length - 1, TITLE = Math.max(0, core.fields.indexOf('title'));
  var DAY_MS = 864e5;

  // ---- dates: a document's date as a span of days ----
  var dateFrom = new Float64Array(DOCUMENT_COUNT).fill(NaN), dateTo = new Float64Array(DOCUMENT_COUNT).fill(NaN);
  var dateKey = new Float64Array(DOCUMENT_COUNT).fill(NaN), datesLoaded = [];

  function day(year, month, dayOfMonth) {  // days since 1970-01-01 (month from 1; overflowing months and days roll over)
    var time = new Date(0);
    time.setUTCFullYear(year, month - 1, dayOfMonth);
    return Math.round(time.getTime() / DAY_MS);
  }

  /* The days a date written with `month` and `dayOfMonth` (0: not given) can be: the year, the month or
     the day; an uncertain or approximate (`qualified`) one widened by one of its units each way. */
  function span(year, month, dayOfMonth, qualified) {
    var wider = qualified ? 1 : 0;
    if (!month) return [day(year - wider, 1, 1), day(year + 1 + wider, 1, 0)];
    if (!dayOfMonth) return [day(year, month - wider, 1), day(year, month + 1 + wider, 0)];
    return [day(year, month, dayOfMonth) - wider, day(year, month, dayOfMonth) + wider];
  }

  function loadDates(docs) {
    return Promise.all(loading.blocksOf(docs, 'dates').map(function (block) {
      return loading.load('dates', block).then(function (data) {
        if (datesLoaded[block]) return;
        datesLoaded[block] = true;
        var dateCodes = codes.unpack(data[1]), doc = block * loading.KINDS.dates.block;
        for (var j = 0; j < dateCodes.length; j++, doc++) {
          if (!dateCodes[j]) continue;
          var code = dateCodes[j] - 1, qualified = code & 1;
          code = (code - qualified) / 2;
          var dayOfMonth = code % 32, month = (code - dayOfMonth) / 32 % 13, year = data[0] + ((code - dayOfMonth) / 32 - month) / 13;
          var days = span(year, month, dayOfMonth, qualified);
          dateFrom[doc] = days[0];
          dateTo[doc] = days[1];
          dateKey[doc] = day(year, month || 1, dayOfMonth || 1) * 4 + (!month ? 0 : !dayOfMonth ? 1 : 2);  // as dates.ArchivalDate.sort_key
        }
      });
    }));
  }

  /* The dates of `hits`' documents, loaded: a promise of a function giving document doc's {lo, hi, key}
     (days; key orders as the site's chronology does), or null for an undated one. */
  function dates(hits) {
    return loadDates(hits.map(function (hit) { return hit.n; })).then(function () {
      return function (doc) { return isNaN(dateKey[doc]) ? null : { lo: dateFrom[doc], hi: dateTo[doc], key: dateKey[doc] }; };
    });
  }

  // ---- phrases ----
  var positionFiles = [], ownFiles = Object.create(null);  // per chunk, its position file; term -> its own
  var own = core.own, ownHashes = null;  // the core's set of the terms with a position file of their own (searchindex.own_set)

  /* Whether `term` has its positions in a file of their own: the core says (its hash is in the set),
     so a phrase's position files are asked for beside its chunks, in the same round. Exact for the
     index's terms; a word the index lacks may be taken for one (its file is then missing). */
  function hasOwn(term) {
    if (!own.n) return false;
    if (!ownHashes) {
      ownHashes = codes.rice(own.codes, 0, own.n, own.k);
      for (var j = 1; j < ownHashes.length; j++) ownHashes[j] += ownHashes[j - 1];
    }
    return codes.find(ownHashes, codes.crc32(term) & (own.m - 1)) >= 0;
  }

  /* The position files of `terms`, loaded: a term's own, or its chunk's. The own file of a word the
     index lacks is missing: no error once its chunk says so. */
  function loadPlaces(terms) {
    return Promise.all(terms.map(function (term) {
      var at = postings.chunkAt(term);
      if (at < 0) return null;
      var name = postings.chunkName(at);
      if (hasOwn(term)) {
        return loading.load('positions', name + '-' + codes.fnv(term)).then(function (text) { ownFiles[term] = text; }, function (error) {
          return postings.loadChunks([at]).then(function () { if (postings.has(term)) throw error; });
        });
      }
      return loading.load('positions', name).then(function (data) { positionFiles[at] = positionFiles[at] || data; });
    }));
  }

  /* Where `term` is in each document's title and body, decoded on first use: per field {docs, starts,
     at} (document docs[j] has positions at[starts[j]] .. at[starts[j + 1] - 1], in order); null when
     the index lacks the term. Its chunk and position file are loaded. */
  function placesOf(term) {
    var posting = postings.posting(term);
    if (!posting) return null;
    if (posting.places) return posting.places;
    var text = term in ownFiles ? ownFiles[term] : postings.entryIn(positionFiles[postings.chunkAt(term)], term), from = 0;
    posting.places = [posting.fields[TITLE], posting.fields[BODY]].map(function (field) {
      var docs = field.docs, starts = new Int32Array(docs.length + 1), count = 0, j;
      for (j = 0; j < docs.length; j++) { starts[j] = count; count += field.tfs[j]; }
      starts[docs.length] = count;
      if (!count) return { docs: docs, starts: starts, at: new Int32Array(0) };
      var numbers = codes.head(text.slice(from), 1), places = codes.rice(text, from + numbers[1], count, numbers[0]);
      from = codes.bitsEnd();
      for (j = 0; j < docs.length; j++) for (var m = starts[j] + 1; m < starts[j + 1]; m++) places[m] += places[m - 1] + 1;
      return { docs: docs, starts: starts, at: places };
    });
    return posting.places;
  }

  /* Marks in `mask` every document holding `alternative` ({terms, at}): a single term in any field;
     a phrase (its terms and their places in it, a stop word keeping its place) in its title or its
     body, the first term at some position i, each other one at i plus its place less the first's.
     Walks the documents of the term with fewest in the field, each other term's documents read
     onwards from where the last document was found (all ascending), and checks the places of the
     documents holding every term only, in place (each term's positions of a document are
     at[starts[j]] .. at[starts[j + 1] - 1]). */
  function mark(alternative, mask) {
    var terms = alternative.terms, t, j;
    if (terms.length === 1) {
      var posting = postings.posting(terms[0]);
      if (posting) posting.fields.forEach(function (field) { for (j = 0; j < field.docs.length; j++) mask[field.docs[j]] = 1; });
      return;
    }
    var places = terms.map(placesOf);
    if (places.indexOf(null) >= 0) return;
    var count = terms.length, shift = alternative.at, cursor = new Int32Array(count), from = new Int32Array(count);
    for (var field = 0; field < 2; field++) {
      var lists = places.map(function (one) { return one[field]; }), fewest = 0;
      for (t = 1; t < count; t++) if (lists[t].docs.length < lists[fewest].docs.length) fewest = t;
      cursor.fill(0);
      var walked = lists[fewest].docs;
      next: for (j = 0; j < walked.length; j++) {
        var doc = walked[j];
        if (mask[doc]) continue;
        for (t = 0; t < count; t++) {
          var docs = lists[t].docs, k = t === fewest ? j : onwards(docs, doc, cursor[t]);
          cursor[t] = k;
          if (k >= docs.length || docs[k] !== doc) continue next;
          from[t] = k;
        }
        var first = lists[0], end = first.starts[from[0] + 1];
        starts: for (var a = first.starts[from[0]]; a < end; a++) {
          var start = first.at[a] - shift[0];
          for (t = 1; t < count; t++) {
            var one = lists[t];
            if (codes.find(one.at, start + shift[t], one.starts[from[t]], one.starts[from[t] + 1]) < 0) continue starts;
          }
          mask[doc] = 1;
          break;
        }
      }
    }
  }

  /* The first index from `at` on where the ascending `sorted` holds `value` or more (its length if none). */
  function onwards(sorted, value, at) {
    var lo = at, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < value) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /* The documents holding, for every group of `checks`, one of its alternatives (see mark), and none
     of the phrases `without`: a promise of a mask over every document (1: held). Loads the words'
     chunks and the position files of the phrases' words only; the query then matches and ranks the
     documents it marks only (rank.run's `keep`). */
  function holders(checks, without) {
    return loadPhrases(checks, without).then(function () {
      var mask = checks.length ? null : new Uint8Array(DOCUMENT_COUNT).fill(1), doc;
      checks.forEach(function (group) {
        var any = new Uint8Array(DOCUMENT_COUNT);
        group.forEach(function (alternative) { mark(alternative, any); });
        if (mask) for (doc = 0; doc < DOCUMENT_COUNT; doc++) mask[doc] &= any[doc];
        else mask = any;
      });
      without.forEach(function (phrase) {
        var held = new Uint8Array(DOCUMENT_COUNT);
        mark(phrase, held);
        for (doc = 0; doc < DOCUMENT_COUNT; doc++) if (held[doc]) mask[doc] = 0;
      });
      return mask;
    });
  }

  /* The chunks of the words of `checks` and `without` and the position files of their phrases, loaded
     in one round (once: `holders` asks again). The page asks before the query runs, so the position
     files are on their way while the query's results are matched and ranked. */
  function loadPhrases(checks, without) {
    var words = [], placed = [];
    checks.concat([without]).forEach(function (group) {
      group.forEach(function (alternative) {
        words = words.concat(alternative.terms);
        if (alternative.terms.length > 1) placed = placed.concat(alternative.terms);
      });
    });
    return Promise.all([postings.loadChunks(postings.chunkList(words)), loadPlaces(placed)]);
  }

  rooms.phrases = { dates: dates, span: span, holders: holders, loadPhrases: loadPhrases };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
