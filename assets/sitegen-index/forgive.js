/* The search client's room for forgiving: a word the index lacks (a typo, a word cut short) is matched
   to its nearest terms from the vocabulary files (search/w/: the terms beginning with one character,
   searchvocab), and the clause is searched for them instead. Owns the loaded vocabulary files. */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, analysis = window.sitegenAnalysis, codes = rooms.codes, loading = rooms.load;
  var postings = rooms.postings, query = rooms.query;
  if (!core || !analysis || !codes || !loading || !postings || !query) return;
  var DOCUMENT_COUNT = core.documents;
  var FORGIVE_MOST = 3;  // terms a word is forgiven into: each may cost a chunk
  var FORGIVE_WIDER = 12;  // nearest terms looked at when the nearest FORGIVE_MOST find nothing with the other words
  var EDIT_FILES = 3;  // more vocabulary files a word's edits may load
  var EDITED_LONGEST = 24;  // characters: a longer word's one-edit spellings are not tried
  var HAS_FILE = Object.create(null), vocabularies = Object.create(null);
  (core.vocab || []).forEach(function (name) { HAS_FILE[name] = true; });

  function firstChar(text) { return String.fromCodePoint(text.codePointAt(0)); }

  /* The terms (with size classes) whose first character is `character`: the twin of searchvocab.encode. */
  function vocabOf(character) { return vocabAt(character.codePointAt(0).toString(16)); }

  /* The Arabic terms whose second character is `character` (searchvocab.keys_of). */
  function vocabSecond(character) { return vocabAt('2-' + character.codePointAt(0).toString(16)); }

  function vocabAt(name) {
    if (!HAS_FILE[name]) return Promise.resolve([]);
    return loading.load('vocabulary', name).then(function (text) {
      if (vocabularies[name]) return vocabularies[name];
      var out = [], previous = '';
      text.split(' ').forEach(function (entry) {
        previous = previous.slice(0, codes.DIGIT_OF[entry.charCodeAt(1)]) + entry.slice(2);
        out.push({ term: previous, size: codes.DIGIT_OF[entry.charCodeAt(0)] });
      });
      return (vocabularies[name] = out);
    });
  }

  function distance(word, other, max) {  // edit distance with adjacent transpositions, or max + 1 past max
    if (Math.abs(word.length - other.length) > max) return max + 1;
    var beforeLast = null, last = [], i, j;
    for (j = 0; j <= other.length; j++) last.push(j);
    for (i = 1; i <= word.length; i++) {
      var row = [i], least = i;
      for (j = 1; j <= other.length; j++) {
        var best = Math.min(last[j] + 1, row[j - 1] + 1, last[j - 1] + (word[i - 1] === other[j - 1] ? 0 : 1));
        if (beforeLast && i > 1 && j > 1 && word[i - 1] === other[j - 2] && word[i - 2] === other[j - 1]) best = Math.min(best, beforeLast[j - 2] + 1);
        row.push(best);
        least = Math.min(least, best);
      }
      if (least > max) return max + 1;
      beforeLast = last;
      last = row;
    }
    return last[other.length];
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

  /* The vocabulary terms nearest the reader's `token` (whose term `term` the index lacks), best first:
     [{term, distance, size, word}] (word: a spelling of it), the first letter kept. Near is one edit
     from the token whose term is in the vocabulary ("introducign" → "introducing" → introduc), or the
     term within one edit (two from 7 letters), or (from 4 letters) a term it begins: a word cut
     short. Ties go to the commoner term. */
  function nearest(token, term, most) {
    if (!term) return Promise.resolve([]);
    var own = firstChar(term);
    return Promise.all([vocabOf(own), afterArticle(token, term)]).then(function (found) {
      var vocab = found[1].length ? found[0].concat(found[1]) : found[0], letters = Object.create(null);
      var spelt = Object.create(null), others = Object.create(null);
      vocab.forEach(function (entry) { for (var i = 0; i < entry.term.length; i++) letters[entry.term[i]] = true; });
      if (token.length <= EDITED_LONGEST) {
        edits(token, Object.keys(letters).join('')).forEach(function (edit) {
          var edited = analysis.termFor(edit);
          if (!edited || edited in spelt) return;
          spelt[edited] = edit;
          var first = firstChar(edited);
          if (first !== own) others[first] = (others[first] || 0) + 1;
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

  /* An Arabic word with an article or و (`الوتوغرافي` for `الفوتوغرافي`): a wrong letter right after
     it is its term's first, which `nearest` keeps; so the terms filed by their second letter under
     the term's first or second (w/2-, see searchvocab) and those beginning with its second letter
     are near too: its first letter replaced, left out, added or swapped with the next. */
  function afterArticle(token, term) {
    if (!analysis.prefixed(token) || term.length < 2) return Promise.resolve([]);
    var first = firstChar(term), second = firstChar(term.slice(first.length));
    return Promise.all([vocabOf(second), vocabSecond(first), vocabSecond(second)]).then(function (lists) { return [].concat.apply([], lists); });
  }

  /* The nearest of `vocab` (the words beginning as `term` does) and `extra` (other words), best first. */
  function closest(term, vocab, extra, spelt, most) {
    var size = Object.create(null), found = Object.create(null), via = Object.create(null);
    vocab.forEach(function (entry) { size[entry.term] = entry.size; });
    extra.forEach(function (entry) { size[entry.term] = entry.size; });
    function offer(near, away, word) {
      if (size[near] === undefined || near === term || found[near] <= away) return;
      found[near] = away;
      via[near] = word || near;
    }
    Object.keys(spelt).forEach(function (near) { offer(near, 1, spelt[near]); });
    var max = term.length >= 7 ? 2 : 1;
    vocab.forEach(function (entry) {
      if (entry.term.length < core.vocabLeast) return;  // near only as the term of a word one edit away (spelt)
      var away = distance(term, entry.term, max);
      if (away <= max) offer(entry.term, away);
      else if (term.length >= 4 && entry.term.startsWith(term)) offer(entry.term, 1);
    });
    var out = Object.keys(found).map(function (near) { return { term: near, distance: found[near], size: size[near], word: via[near] }; })
      .sort(function (a, b) { return (a.distance - b.distance) || (b.size - a.size) || (a.term < b.term ? -1 : 1); })
      .slice(0, most || FORGIVE_MOST);
    out.own = size[term];  // the word's own size class, when the vocabulary has it
    return out;
  }

  /* The clauses with each plain word the index lacks replaced by its nearest terms (a nearer term
     weighs more; a clause keeps its presence), and what was replaced: a promise of
     {clauses, changes: [{from: token, to: [terms], word, k}]}. `tokens[k]`: the reader's word of clause k. */
  function forgive(clauses, tokens) {
    return query.prepare(clauses).then(function () {
      var changes = [];
      return Promise.all(clauses.map(function (clause, at) {
        if (clause.expansion || clause.editDistance || !tokens[at] || clause.term.indexOf('*') >= 0 || clause.presence === query.PROHIBITED) return clause;
        var terms = query.patterns(clause);
        if (terms.length !== 1 || postings.posting(terms[0])) return clause;
        return nearest(tokens[at], terms[0], FORGIVE_WIDER).then(function (near) {
          if (!near.length) return clause;
          var copy = Object.assign({}, clause, { wider: near });
          forgiveInto(copy, near.slice(0, FORGIVE_MOST));
          return copy;
        });
      })).then(function (out) {
        return query.prepare(out).then(function () { return widen(out); }).then(function () {
          out.forEach(function (clause, at) {
            if (clause.near) changes.push({ from: tokens[at], to: clause.expansion.slice(), word: clause.near[0].word, k: at });
          });
          return { clauses: out, changes: changes };
        });
      });
    });
  }

  function forgiveInto(clause, near) {  // a nearer term weighs more
    clause.near = near;
    clause.expansion = near.map(function (one) { return one.term; });
    clause.weights = Object.create(null);
    near.forEach(function (one) { clause.weights[one.term] = 1 / (1 + one.distance); });
  }

  /* When the forgiven words' nearest terms find no document with the query's other words, each such
     word is forgiven into its next nearest (up to FORGIVE_WIDER) that do: a word with many neighbours
     (`الأفلاض`: افلاس, افلام, افل before افلاج) is not left finding nothing. Only such a query loads
     the chunks this needs. A promise. */
  function widen(clauses) {
    var wide = clauses.filter(function (clause) { return clause.wider && clause.wider.length > FORGIVE_MOST; });
    if (!wide.length || inOthers(clauses, null).indexOf(1) >= 0) return Promise.resolve();
    var more = wide.map(function (clause) { return Object.assign({}, clause, { expansion: clause.wider.map(function (one) { return one.term; }) }); });
    return query.prepare(more).then(function () {
      wide.forEach(function (clause) {
        var others = inOthers(clauses, clause), keep = clause.wider.filter(function (one) {
          var posting = postings.posting(one.term);
          return posting && clause.fields.some(function (field) {
            return Array.prototype.some.call(posting.fields[field].docs, function (doc) { return others[doc]; });
          });
        });
        if (keep.length) forgiveInto(clause, keep.slice(0, FORGIVE_MOST));
      });
      return query.prepare(clauses);
    });
  }

  /* Per document, 1 when it is in every required clause but `skip` (their chunks loaded). */
  function inOthers(clauses, skip) {
    var count = new Int32Array(DOCUMENT_COUNT), need = 0, out = new Uint8Array(DOCUMENT_COUNT);
    clauses.forEach(function (clause) {
      if (clause === skip || clause.presence !== query.REQUIRED) return;
      var seen = new Uint8Array(DOCUMENT_COUNT);
      need++;
      query.patterns(clause).forEach(function (pattern) {
        query.expand(clause, pattern).forEach(function (term) {
          var posting = postings.posting(term);
          clause.fields.forEach(function (field) {
            posting.fields[field].docs.forEach(function (doc) { if (!seen[doc]) { seen[doc] = 1; count[doc]++; } });
          });
        });
      });
    });
    for (var doc = 0; doc < DOCUMENT_COUNT; doc++) out[doc] = count[doc] === need ? 1 : 0;
    return out;
  }

  rooms.forgive = { forgive: forgive, nearest: nearest };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
