/* The search client's room for queries: lunr 2.3.9's syntax and the reader's words into clauses, the
   clauses' terms expanded (exact, trailing wildcard from the chunks, anything else from every term)
   and their chunks loaded, and the matching (document, field) pairs with each field's query vector,
   as lunr's Index.prototype.query finds them. Two things lunr does not do, for the reader's words
   only: a document whose title holds every word ranks first (`words`, `match`), and the reader's very
   word forms and a title's stop words rank (`formBonus`). Owns no state between queries. */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, analysis = window.sitegenAnalysis, postings = rooms.postings;
  if (!core || !analysis || !postings) return;
  var FIELD_COUNT = core.fields.length, DOCUMENT_COUNT = core.documents;
  var OPTIONAL = 1, REQUIRED = 2, PROHIBITED = 3;
  var TITLE = Math.max(0, core.fields.indexOf('title'));
  var TITLE_BONUS = 1e6;  // above any lunr score: a title holding the whole query
  var STOP_BONUS = 1e5;  // per query stop word such a title holds
  var FORM_BONUS = 1e4;  // per exact word form (see formBonus)
  var ALL_FIELDS = core.fields.map(function (_, field) { return field; });

  function newClause(term, fields, presence) {
    return { term: term, fields: fields || ALL_FIELDS, presence: presence || OPTIONAL, boost: 1, editDistance: 0,
      usePipeline: term.indexOf('*') < 0 };
  }

  /* `+a -b title:x terr* term~1 term^10`, as lunr's QueryLexer reads them: a term ends at white space
     or a hyphen inside it; throws where lunr throws (unknown field, bad number, a required stop word). */
  function parse(query) {
    var clauses = [];
    query.trim().split(/\s+/).filter(Boolean).forEach(function (word) {
      var presence = OPTIONAL, fields = null, boost = 1, distance = 0, found;
      if (word[0] === '+') { presence = REQUIRED; word = word.slice(1); } else if (word[0] === '-') { presence = PROHIBITED; word = word.slice(1); }
      if ((found = /^([^:]*):(.*)$/.exec(word))) {
        var field = core.fields.indexOf(found[1]);
        if (field < 0) throw new Error('unknown field ' + found[1]);
        fields = [field];
        word = found[2];
      }
      while ((found = /([~^])([^~^]*)$/.exec(word))) {
        if (!/^\d+$/.test(found[2])) throw new Error('not a number: ' + found[2]);
        if (found[1] === '~') distance = +found[2]; else boost = +found[2];
        word = word.slice(0, found.index);
      }
      var parts = word.split('-').filter(Boolean);
      parts.forEach(function (part, i) {
        var made = newClause(part.toLowerCase(), i ? null : fields, i ? OPTIONAL : presence);
        if (i === parts.length - 1) { made.boost = boost; made.editDistance = distance; }
        if (made.usePipeline && !analysis.analyse(made.term).length && made.presence === REQUIRED) throw new Error('required stop word');
        clauses.push(made);
      });
    });
    return clauses;
  }

  // ---- term expansion: exact, trailing wildcard (from chunks), anything else (from every term) ----
  function patterns(clause) { return clause.expansion || (clause.usePipeline ? analysis.analyse(clause.term) : [clause.term]); }
  function isPrefix(pattern) { return pattern.indexOf('*') === pattern.length - 1; }
  function simple(clause, pattern) { return !clause.editDistance && (pattern.indexOf('*') < 0 || isPrefix(pattern)); }

  function expand(clause, pattern) {
    if (clause.editDistance) return postings.allTerms().filter(function (term) { return withinDistance(pattern, term, clause.editDistance); });
    if (pattern.indexOf('*') < 0) return postings.posting(pattern) ? [pattern] : [];
    if (isPrefix(pattern)) {
      var stem = pattern.slice(0, -1), out = [];
      postings.chunksFor(stem, true).forEach(function (at) {
        postings.chunkTerms(at).forEach(function (term) { if (term.startsWith(stem)) out.push(term); });
      });
      return out;
    }
    var re = new RegExp('^' + pattern.split('*').map(function (part) { return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }).join('.*') + '$');
    return postings.allTerms().filter(function (term) { return re.test(term); });
  }

  function withinDistance(word, other, max) {  // edit distance with adjacent transpositions, as lunr's fuzzy sets
    if (Math.abs(word.length - other.length) > max) return false;
    var table = [], i, j;
    for (i = 0; i <= word.length; i++) { table.push([i]); }
    for (j = 1; j <= other.length; j++) table[0][j] = j;
    for (i = 1; i <= word.length; i++) {
      for (j = 1; j <= other.length; j++) {
        var cost = word[i - 1] === other[j - 1] ? 0 : 1;
        var best = Math.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && word[i - 1] === other[j - 2] && word[i - 2] === other[j - 1]) best = Math.min(best, table[i - 2][j - 2] + 1);
        table[i][j] = best;
      }
    }
    return table[word.length][other.length] <= max;
  }

  /* Everything the clauses need, loaded: their chunks, and every term when a clause needs them all. */
  function prepare(clauses) {
    var list = [], needAll = false;
    clauses.forEach(function (clause) {
      if (clause.form) list = list.concat(postings.chunksFor(clause.form, false));
      patterns(clause).forEach(function (pattern) {
        if (simple(clause, pattern)) list = list.concat(postings.chunksFor(pattern.replace(/\*$/, ''), isPrefix(pattern))); else needAll = true;
      });
    });
    var first = needAll && !postings.allTerms() ? postings.loadAllTerms() : Promise.resolve();
    return Promise.all([postings.loadChunks(list), first]).then(function () {
      if (!needAll) return;
      var more = [];
      clauses.forEach(function (clause) {
        patterns(clause).forEach(function (pattern) {
          if (!simple(clause, pattern)) expand(clause, pattern).forEach(function (term) { more.push(postings.chunkAt(term)); });
        });
      });
      return postings.loadChunks(more);
    });
  }

  // ---- lunr's Index.prototype.query, over postings (typed arrays: a common word has 10,000 documents) ----

  /* The matching (document, field) pairs in lunr's order, as doc * FIELD_COUNT + field, and the query
     vector of each field. A document passes when it is in every required clause (in any of the clause's
     fields) and in no prohibited one, as lunr's per-field required and prohibited sets give. `only`
     (a mask over every document, or null): the documents looked at, the others left out (the pairs
     of those it marks as they would be without it). */
  function match(clauses, only) {
    var vectors = ALL_FIELDS.map(function () { return new Map(); });
    var need = 0, impossible = false, hits = new Int32Array(DOCUMENT_COUNT), stamp = new Int32Array(DOCUMENT_COUNT).fill(-1);
    var banned = new Uint8Array(DOCUMENT_COUNT), taken = new Uint8Array(DOCUMENT_COUNT * FIELD_COUNT), refs = [], seen = Object.create(null);
    var covered = new Int32Array(DOCUMENT_COUNT), coveredBy = new Int32Array(DOCUMENT_COUNT).fill(-1), titled = 0;
    var groups = [];  // per clause, its terms (for facet bounds)
    var forms = formBonus(clauses);
    clauses.forEach(function (clause, at) {
      if (clause.stop) return;  // counted by formBonus only
      var terms = patterns(clause), required = clause.presence === REQUIRED;
      var group = { required: required, prohibited: clause.presence === PROHIBITED, all: clause.fields.length === FIELD_COUNT, terms: [] };
      groups.push(group);
      if (required) need++;
      if (clause.titled) titled++;
      var found = clause.any ? terms.filter(function (term) { return expand(clause, term).length; }).length : 1;  // alternatives (OR): one is enough
      if (!found && required) impossible = true;
      for (var t = 0; t < terms.length; t++) {
        var expanded = expand(clause, terms[t]);
        if (!expanded.length && required && !clause.any) { impossible = true; break; }
        expanded.forEach(function (term) {
          var posting = postings.posting(term);
          if (group.terms.indexOf(term) < 0) group.terms.push(term);
          if (clause.titled) {
            var inTitle = posting.fields[TITLE].docs;
            for (var j = 0; j < inTitle.length; j++) if (coveredBy[inTitle[j]] !== at) { coveredBy[inTitle[j]] = at; covered[inTitle[j]]++; }
          }
          clause.fields.forEach(function (field) {
            var docs = posting.fields[field].docs, j, doc;
            if (required) {
              for (j = 0; j < docs.length; j++) { doc = docs[j]; if (stamp[doc] !== at && (!only || only[doc])) { stamp[doc] = at; hits[doc]++; } }
            }
            if (clause.presence === PROHIBITED) {
              for (j = 0; j < docs.length; j++) banned[docs[j]] = 1;
              return;
            }
            vectors[field].set(term, (vectors[field].get(term) || 0) + clause.boost * (clause.weights ? clause.weights[term] : 1));
            if (seen[term + '/' + field]) return;
            seen[term + '/' + field] = true;
            for (j = 0; j < docs.length; j++) {
              if (only && !only[docs[j]]) continue;
              var ref = docs[j] * FIELD_COUNT + field;
              if (!taken[ref]) { taken[ref] = 1; refs.push(ref); }
            }
          });
        });
      }
    });
    if (clauses.every(function (clause) { return clause.presence === PROHIBITED; })) {
      refs = [];
      for (var ref = 0; ref < DOCUMENT_COUNT * FIELD_COUNT; ref++) refs.push(ref);
    }
    var passed = [];
    for (var i = 0; i < refs.length; i++) {
      var doc = (refs[i] - refs[i] % FIELD_COUNT) / FIELD_COUNT;
      if ((!need || (!impossible && hits[doc] === need)) && !banned[doc] && (!only || only[doc])) passed.push(refs[i]);
    }
    var extra = titled ? function (doc) { return covered[doc] === titled ? TITLE_BONUS + forms.stops[doc] * STOP_BONUS : 0; } : function () { return 0; };
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
    var stops = new Int32Array(DOCUMENT_COUNT), forms = new Int32Array(DOCUMENT_COUNT), stamp = new Int32Array(DOCUMENT_COUNT).fill(-1), used = false;
    clauses.forEach(function (clause, at) {
      var posting = clause.stop ? postings.posting(clause.term) : clause.form && !clause.expansion ? postings.posting(clause.form) : null;
      if (!posting) return;
      (clause.stop ? [TITLE] : ALL_FIELDS).forEach(function (field) {
        var docs = posting.fields[field].docs;
        for (var j = 0; j < docs.length; j++) {
          var doc = docs[j];
          if (stamp[doc] === at) continue;
          stamp[doc] = at;
          if (clause.stop) stops[doc]++; else { forms[doc]++; used = true; }
        }
      });
    });
    return { stops: stops, used: used, add: function (extra) { return function (doc) { return extra(doc) + forms[doc] * FORM_BONUS; }; } };
  }

  /* The reader's `tokens` (one per clause, as `words` makes them) give their clauses their form terms;
     `stops`, the query's stop words, give a title-only clause each (see formBonus). */
  function withForms(clauses, tokens, stops) {
    clauses.forEach(function (clause, at) { if (tokens && tokens[at] && !clause.stop) clause.form = analysis.formFor(tokens[at]); });
    (clauses.length ? stops || [] : []).forEach(function (token) {
      var term = analysis.stopFor(token);
      if (!term) return;
      var stop = newClause(term, [TITLE], OPTIONAL);
      stop.usePipeline = false;
      stop.stop = true;
      clauses.push(stop);
    });
    return clauses;
  }

  /* The reader's words: every word required, the last one as a prefix while typing; a document whose
     title holds every one of them ranks above those whose title does not (`titled`, see match); with
     the reader's `tokens` and stop words, exact forms and stop words rank too (see formBonus). */
  function words(terms, prefix, tokens, stops) {
    return withForms(terms.map(function (term) { var clause = newClause(term, null, REQUIRED); clause.usePipeline = false; return clause; })
      .concat(prefix ? [newClause(prefix + '*', null, REQUIRED)] : []).map(function (clause) { clause.titled = true; return clause; }), tokens, stops);
  }

  /* The reader's operators: `groups`, each a list of alternatives (terms) of which a document must hold
     one (`a OR b`: one clause, its terms optional alternatives; a single word: a required word), and
     `not`, terms it must not hold. Every group counts toward a title holding the whole query. */
  function operators(groups, not) {
    return groups.map(function (alternatives) {
      var clause = newClause(alternatives[0], null, REQUIRED);
      clause.usePipeline = false;
      clause.titled = true;
      if (alternatives.length > 1) { clause.expansion = alternatives.slice(); clause.any = true; }
      return clause;
    }).concat(not.map(function (term) { var clause = newClause(term, null, PROHIBITED); clause.usePipeline = false; return clause; }));
  }

  rooms.query = { OPTIONAL: OPTIONAL, REQUIRED: REQUIRED, PROHIBITED: PROHIBITED, TITLE_BONUS: TITLE_BONUS, clause: newClause,
    parse: parse, patterns: patterns, expand: expand, prepare: prepare, match: match, words: words, operators: operators };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
