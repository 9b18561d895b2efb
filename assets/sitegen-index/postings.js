/* The search client's room for postings: the term chunks (search/t/), each a run of terms in
   JavaScript order with, per term and field, its documents and term frequencies, decoded on first use;
   and the term lists of groups of chunks (search/k/) for the clauses that need every term. Owns the
   loaded chunks and their decoded postings. */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, codes = rooms.codes, loading = rooms.load;
  if (!core || !codes || !loading) return;
  var FIELD_COUNT = core.fields.length, DOCUMENT_COUNT = core.documents, BODY = FIELD_COUNT - 1;
  /* Per chunk, a prefix that sorts between it and the chunk before (searchindex.separator); its
     file's name is the prefix's hash. */
  var separators = core.chunks, chunkNames = [];  // worked out when asked for (a thousand hashes at every page load otherwise)
  var chunks = [];  // per chunk, its data once loaded: {terms, postings, counts, decoded: term -> posting}
  var allTerms = null;  // every term but the form terms, once a clause needed them (loadAllTerms)

  function chunkAt(term) {  // the chunk whose range holds `term` (JS string order), or -1
    var lo = 0, hi = separators.length - 1, at = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (separators[mid] <= term) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return at;
  }

  /* The chunk of `term`, and with `prefix` every later chunk that may hold a term beginning with it. */
  function chunksFor(term, prefix) {
    var at = chunkAt(term), out = at >= 0 ? [at] : [];
    for (var j = at + 1; prefix && j < separators.length && separators[j].startsWith(term); j++) out.push(j);
    return out;
  }

  function chunkName(at) { return chunkNames[at] || (chunkNames[at] = codes.fnv(separators[at])); }

  function chunkList(terms) {  // the chunks of `terms`, once each
    var list = [];
    terms.forEach(function (term) { var at = chunkAt(term); if (at >= 0 && list.indexOf(at) < 0) list.push(at); });
    return list;
  }

  function loadChunks(list) {
    return Promise.all(list.map(function (at) {
      return loading.load('chunks', chunkName(at)).then(function (data) { chunks[at] = chunks[at] || data; });
    }));
  }

  /* One field of a posting, from text[at]: the count (0: nothing else), a Rice parameter, for a field
     but the body a second one, then per document its gap as a Rice code, its tf as an Elias gamma
     code and, but for the body, the field's length as a Rice code (the twins of searchindex.encode_field
     and encode_body; the body's lengths are in the lengths room). `end`: where the next field starts. */
  function decodeField(text, at, isBody) {
    var numbers = codes.head(text.slice(at), 1), count = numbers[0];
    var docs = new Int32Array(count), tfs = new Int32Array(count), lens = isBody ? null : new Int32Array(count);
    if (!count) return { docs: docs, tfs: tfs, lens: lens, end: at + numbers[1] + (isBody ? 1 : 0) };  // (the body's Rice parameter: 0)
    numbers = codes.head(text.slice(at), isBody ? 2 : 3);
    codes.postingRun(text, at + numbers[numbers.length - 1], count, numbers[1], isBody ? 0 : numbers[2], docs, tfs, lens);
    return { docs: docs, tfs: tfs, lens: lens, end: codes.bitsEnd() };
  }

  /* A term's documents and term frequencies per field ({term, fields, idf, tops}), decoded on first
     use; null when its chunk is not loaded or lacks it. */
  function posting(term) {
    var chunk = chunks[chunkAt(term)];
    if (!chunk) return null;
    chunk.decoded = chunk.decoded || Object.create(null);
    if (term in chunk.decoded) return chunk.decoded[term];
    var at = codes.find(chunk.terms, term);
    if (at < 0) return (chunk.decoded[term] = null);
    var text = chunk.postings[at], from = 0, df = 0, fields = [];
    for (var field = 0; field < FIELD_COUNT; field++) {
      var one = decodeField(text, from, field === BODY);
      fields.push(one);
      df += one.docs.length;
      from = one.end;
    }
    var idf = Math.log(1 + Math.abs((DOCUMENT_COUNT - df + 0.5) / (df + 0.5)));
    if (chunk.counts && !chunk.countsAt) {
      chunk.countsAt = Object.create(null);
      chunk.counts.forEach(function (pair) { chunk.countsAt[pair[0]] = pair[1]; });
    }
    var tops = chunk.countsAt && chunk.countsAt[at] ? decodeTops(chunk.countsAt[at]) : null;
    return (chunk.decoded[term] = { term: term, fields: fields, idf: idf, tops: tops });
  }

  /* A common term's chunk carries, per facet, its core.tops values with most of its documents (most
     first; the twin of searchdata.top_counts): [{ids, counts, full}], full when every value it has is
     listed. */
  function decodeTops(text) {
    var numbers = codes.unpack(text), at = 0;
    return core.facets.map(function () {
      var listed = numbers[at++], ids = new Int32Array(listed), counts = new Int32Array(listed), last = 0;
      for (var j = 0; j < listed; j++, at += 2) { ids[j] = numbers[at]; counts[j] = last = j ? last - numbers[at + 1] : numbers[at + 1]; }
      return { ids: ids, counts: counts, full: listed < core.tops };
    });
  }

  /* Whether `term` is in its chunk, loaded (its posting not decoded). */
  function has(term) { var chunk = chunks[chunkAt(term)]; return !!chunk && codes.find(chunk.terms, term) >= 0; }

  /* The terms a loaded chunk holds. */
  function chunkTerms(at) { return chunks[at].terms; }

  /* The position-file entry of `term` in its loaded chunk's position file `data` (see the phrases room). */
  function entryIn(data, term) { var at = chunkAt(term); return data[codes.find(chunks[at].terms, term)]; }

  /* Every term list of the groups of chunks (each named by its last chunk: searchindex.ends_group). */
  function loadAllTerms() {
    var ends = separators.map(function (_, at) { return chunkName(at); }).filter(function (name, at) {
      return parseInt(name, 16) % core.group === 0 || at === separators.length - 1;
    });
    return Promise.all(ends.map(function (name) { return loading.load('groups', name); })).then(function (lists) {
      allTerms = [].concat.apply([], lists);
    });
  }

  rooms.postings = { chunkAt: chunkAt, chunksFor: chunksFor, chunkList: chunkList, loadChunks: loadChunks, posting: posting, has: has,
    chunkTerms: chunkTerms, chunkName: chunkName, entryIn: entryIn,
    loadAllTerms: loadAllTerms, allTerms: function () { return allTerms; } };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
