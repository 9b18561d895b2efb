/* The search client's room for body lengths, which BM25 needs per document: exact from the length
   blocks (search/d/), all loaded with a query's chunks in a small archive (`upfront`); otherwise
   bounds from the buckets (search/b/) and exact lengths per bucket (search/e/) for the results that
   could be shown (see `refine` in the ranking room). Owns every document's known length and bounds. */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, codes = rooms.codes, loading = rooms.load;
  if (!core || !codes || !loading) return;
  var DOCUMENT_COUNT = core.documents, KINDS = loading.KINDS;
  var BUCKETS = core.buckets, BUCKET_BLOCK = KINDS.buckets.block, LENGTH_BLOCK = KINDS.lengths.block;
  /* When every body-length file together is small (13 KB at 10,000 documents), they load beside the
     query's term chunks, so the results are ranked once, exactly. */
  var UPFRONT = core.lengths.reduce(function (sum, size) { return sum + size; }, 0) <= core.upfront;
  var blockLoaded = [], bodyLengths = new Int32Array(DOCUMENT_COUNT);

  function loadLengths(docs) { return loadLengthBlocks(loading.blocksOf(docs, 'lengths')); }

  function loadAllLengths() { return loadLengthBlocks(core.lengths.map(function (_, block) { return block; })); }

  function loadLengthBlocks(list) {
    return Promise.all(list.map(function (block) {
      return loading.load('lengths', block).then(function (packed) {
        if (blockLoaded[block]) return;
        blockLoaded[block] = true;  // the twin of searchindex.length_block: the median, then zigzag distances from it
        var numbers = codes.head(packed, 2), doc = block * LENGTH_BLOCK;
        var zigzag = codes.rice(packed, numbers[2], Math.min(LENGTH_BLOCK, DOCUMENT_COUNT - doc), numbers[1]);
        for (var j = 0; j < zigzag.length; j++, doc++) {
          var distance = zigzag[j];
          bodyLengths[doc] = numbers[0] + (distance & 1 ? -(distance + 1) / 2 : distance / 2);
        }
      });
    }));
  }

  /* Bounds, for an archive whose body lengths are too big to load with every query: each document's
     body length lies between shortest[n] and longest[n], the shortest and longest body of the archive
     until its bucket is known (core.buckets: two bits a document, in b/ files), then its bucket's, then
     its exact length (e/ files, per bucket and block of documents). BM25 falls as a body grows, and
     lunr's rounding and sums keep order, so scoring with `shortest` gives an upper bound, `longest` a
     lower. `version` counts the changes, so rankings know when to bound again. */
  var shortest = new Int32Array(DOCUMENT_COUNT), longest = new Int32Array(DOCUMENT_COUNT);
  var bucketOf = new Int8Array(DOCUMENT_COUNT).fill(-1), known = new Uint8Array(DOCUMENT_COUNT);
  var version = 0, exactLoaded = Object.create(null);
  (function () {
    var least = Infinity, most = 0;
    BUCKETS.ranges.forEach(function (range) {
      if (range[1] >= range[0] && (range[0] || range[1])) { least = Math.min(least, range[0]); most = Math.max(most, range[1]); }
    });
    shortest.fill(least === Infinity ? 0 : least);
    longest.fill(most);
  })();

  function loadBuckets(docs) {
    return Promise.all(loading.blocksOf(docs, 'buckets').map(function (block) {
      return loading.load('buckets', block).then(function (packed) {
        var doc = block * BUCKET_BLOCK, end = Math.min(DOCUMENT_COUNT, doc + BUCKET_BLOCK);
        if (bucketOf[doc] >= 0) return;
        for (var j = 0; doc < end; j++, doc++) {
          var bucket = codes.DIGIT_OF[packed.charCodeAt((j - j % 3) / 3)] >> 2 * (2 - j % 3) & 3;
          bucketOf[doc] = bucket;
          if (!known[doc]) { shortest[doc] = BUCKETS.ranges[bucket][0]; longest[doc] = BUCKETS.ranges[bucket][1]; }
        }
        version++;
      });
    }));
  }

  function loadExact(docs) {  // their buckets are known
    var wanted = Object.create(null);
    docs.forEach(function (doc) { wanted[bucketOf[doc] + '-' + (doc - doc % BUCKET_BLOCK) / BUCKET_BLOCK] = true; });
    return Promise.all(Object.keys(wanted).map(function (name) {
      return loading.load('exact', name).then(function (packed) {
        var bucket = +name.split('-')[0], block = +name.split('-')[1], first = block * BUCKET_BLOCK;
        var end = Math.min(DOCUMENT_COUNT, first + BUCKET_BLOCK), base = bucket ? BUCKETS.edges[bucket - 1] : 0, count = 0, doc;
        if (exactLoaded[name]) return;
        exactLoaded[name] = true;
        for (doc = first; doc < end; doc++) if (bucketOf[doc] === bucket) count++;
        var numbers = codes.head(packed, 1), lengths = codes.rice(packed, numbers[1], count, numbers[0]), j = 0;
        for (doc = first; doc < end; doc++) {
          if (bucketOf[doc] !== bucket) continue;
          shortest[doc] = longest[doc] = bodyLengths[doc] = base + lengths[j++];
          known[doc] = 1;
        }
        version++;
      });
    }));
  }

  /* Document `doc`'s body length: exact once its block is loaded, else `average`. */
  function bodyLength(doc, average) { return blockLoaded[(doc - doc % LENGTH_BLOCK) / LENGTH_BLOCK] ? bodyLengths[doc] : average; }

  rooms.lengths = { UPFRONT: UPFRONT, loadLengths: loadLengths, loadAllLengths: loadAllLengths, bodyLength: bodyLength,
    loadBuckets: loadBuckets, loadExact: loadExact, shortest: shortest, longest: longest, known: known, bucketOf: bucketOf,
    version: function () { return version; } };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
