/* The search index reader: loads only the parts of search/ a query needs, as classic <script>
   elements (so it works from file://, a zip or any host), and ranks exactly as lunr.js 2.3.9 does over
   an index built by lunr.py (lunr's query syntax: required, prohibited, field-restricted, wildcard,
   fuzzy and boosted clauses), plus the reader's words, operators, phrases, dates and forgiven typos.
   This file only gathers the rooms, each a classic script loaded before it in the order the search
   page lists them (sitegen/pages.py, SEARCH_SCRIPTS), into window.sitegenIndex, the API the search
   page (sitegen-search.js) and the tests use: codes (packed numbers, bit codes), load (the file
   kinds of searchdata.KINDS, read from search/core.js, and where each file is), postings (term
   chunks), lengths (body lengths and their bounds), facets, query (clauses and matching), rank
   (BM25 and refining), forgive (the vocabulary) and phrases (positions and dates). The file layout
   is described in sitegen/search.py. */
(function () {
  'use strict';

  var core = window.SITEGEN_SEARCH, rooms = window.sitegenIndexRooms || {};
  var ROOMS = ['codes', 'load', 'postings', 'lengths', 'facets', 'query', 'rank', 'forgive', 'phrases'];
  if (!core || !window.sitegenAnalysis || ROOMS.some(function (name) { return !rooms[name]; })) return;
  var loading = rooms.load, query = rooms.query;

  /* What every query will need, asked for before the query's own files: every body length when
     they load with each query (lengths.UPFRONT), beside the chunks the words' forgiving loads first. */
  function warm() { if (rooms.lengths.UPFRONT) rooms.lengths.loadAllLengths(); }

  window.sitegenIndex = {
    specs: core.facets, sample: core.sample, titleBonus: query.TITLE_BONUS,
    parse: query.parse, words: query.words, operators: query.operators,
    run: rooms.rank.run, refine: rooms.rank.refine, bounds: rooms.rank.bounds, recount: rooms.facets.recount, facets: rooms.facets.facets,
    label: rooms.facets.label, forgive: rooms.forgive.forgive, nearest: rooms.forgive.nearest,
    dates: rooms.phrases.dates, span: rooms.phrases.span, holders: rooms.phrases.holders, loadPhrases: rooms.phrases.loadPhrases,
    record: function (doc) { return loading.perDocument('records', doc); },
    originals: function (doc) { return loading.perDocument('originals', doc); },  // [file name, path, page, text] per page of its attachments
    open: loading.open,
    warm: warm
  };
})();
