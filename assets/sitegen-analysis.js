/* How text becomes search terms in the reader's browser: the twin of sitegen/analysis.py and
   sitegen/arabic.py. The tables (stop words, Arabic letters, articles, suffixes) are not copied here:
   the build writes them into search/core.js from the Python modules. A browser test compares both
   sides word for word. Needs sitegen-stemmer.js (lunr.js 2.3.9's Porter stemmer). */
(function () {
  'use strict';

  var S = window.SITEGEN_SEARCH;
  if (!S) return;
  var A = S.analysis;
  var TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
  var ARABIC_SCRIPT = new RegExp(A.arabicScript);
  var DIACRITICS = new RegExp(A.diacritics, 'g');
  var LETTER = new RegExp('[' + Object.keys(A.letters).join('') + ']', 'g');
  var ASCII_WORD = /^[a-z]+$/;
  var STOP = { en: toSet(A.stopWords.en), ar: toSet(A.stopWords.ar) };

  function toSet(list) { var s = Object.create(null); list.forEach(function (w) { s[w] = true; }); return s; }

  function tokens(text) { return text.normalize('NFKC').toLowerCase().match(TOKEN) || []; }

  function arabicNormalise(token) {
    return token.replace(DIACRITICS, '').replace(LETTER, function (c) { return A.letters[c]; });
  }

  function arabicStem(word) {
    word = arabicPrefixes(word);
    A.suffixes.forEach(function (suffix) {
      if (word.endsWith(suffix) && word.length - suffix.length >= 2) word = word.slice(0, -suffix.length);
    });
    return word;
  }

  /* The twin of arabic.strip_prefixes: a leading و, then one article. */
  function arabicPrefixes(word) {
    if (word.startsWith(A.waw) && word.length >= 4) word = word.slice(1);
    for (var i = 0; i < A.articles.length; i++) {
      if (word.startsWith(A.articles[i]) && word.length - A.articles[i].length >= 2) return word.slice(A.articles[i].length);
    }
    return word;
  }

  /* The twin of analysis.english_stem: Porter's stem, again while it ends in a single s. */
  function englishStem(word) {
    var s = window.sitegenStem(word), again;
    while (/[^s]s$|^s$/.test(s) && (again = window.sitegenStem(s)) !== s) s = again;
    return s;
  }

  /* The twins of analysis.form_of, form_term and stop_term: the word as written (normalised, an
     Arabic word without its article), marked, where it is not the term; a stop word's, for titles. */
  function formOf(token) { return ARABIC_SCRIPT.test(token) ? arabicPrefixes(arabicNormalise(token)) : token; }

  function formFor(token) {
    var term = termFor(token), form = term ? formOf(token) : '';
    return form && form !== term ? A.form + form : '';
  }

  /* Whether an Arabic token begins with و or an article its term is without. */
  function prefixed(token) {
    if (!ARABIC_SCRIPT.test(token)) return false;
    var word = arabicNormalise(token);
    return arabicPrefixes(word) !== word;
  }

  function stopFor(token) { return !termFor(token) && formOf(token) ? A.form + formOf(token) : ''; }

  function termFor(token) {
    if (ARABIC_SCRIPT.test(token)) {
      var word = arabicNormalise(token);
      return STOP.ar[word] ? '' : arabicStem(word);
    }
    if (STOP.en[token]) return '';
    return ASCII_WORD.test(token) ? englishStem(token) : token;
  }

  function analyse(text) { return tokens(text).map(termFor).filter(Boolean); }

  /* While the reader types, the last word matches as a prefix: the part its stem shares with what was
     typed ("countries" → "countri", "happy" → "happ"), so a word being typed still finds its stem. */
  function prefixFor(token) {
    var term = termFor(token);
    if (!term || ARABIC_SCRIPT.test(token)) return term;
    var i = 0;
    while (i < term.length && i < token.length && term[i] === token[i]) i++;
    return token.slice(0, i);
  }

  window.sitegenAnalysis = { TOKEN: TOKEN, tokens: tokens, termFor: termFor, analyse: analyse, prefixFor: prefixFor,
    formFor: formFor, stopFor: stopFor, prefixed: prefixed };
})();
