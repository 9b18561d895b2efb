/* The search client's room for loading: every index file is a classic script calling
   SITEGEN_DATA(key, data), injected as a <script> element (no fetch: it works from file://, a zip or
   any host). Owns the table of file kinds the core carries (searchdata.KINDS: each kind's prefix,
   block and sub-folders), where a key's file is (`located`), and what was asked for and arrived. */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, codes = rooms.codes;
  if (!core || !codes) return;
  var KINDS = core.kinds;
  var BY_PREFIX = Object.create(null);  // prefix -> its kind's row
  Object.keys(KINDS).forEach(function (kind) { BY_PREFIX[KINDS[kind].prefix] = KINDS[kind]; });
  var folder = core.folder + '/';
  var files = Object.create(null);  // key -> {promise, resolve, reject, requested}
  var waiting = Object.create(null);  // file -> the keys asked for that it brings (one file may hold several)
  window.SITEGEN_DATA = function (key, data) { entry(key).resolve(data); };

  function entry(key) {
    var found = files[key];
    if (!found) {
      found = files[key] = {};
      found.promise = new Promise(function (resolve, reject) { found.resolve = resolve; found.reject = reject; });
    }
    return found;
  }

  /* The first value-list file of every facet is in one file (searchdata.FIRST_LISTS) in an archive
     without a facet sample; the first label file of each facet is in the core. */
  var FIRST_LISTS = KINDS.lists.prefix + '/first';
  var IN_FIRST_LISTS = core.sample ? /^$/ : new RegExp('^' + KINDS.lists.prefix + '/\\d+-0$');
  core.facets.forEach(function (spec, facet) {
    var labels = entry(key('labels', facet + '-0'));
    labels.requested = true;
    labels.resolve(spec.labels);
  });

  function key(kind, name) { return KINDS[kind].prefix + '/' + name; }

  /* The file of `key` under search/: in its kind's sub-folders when it has some (`levels`), one hex
     digit a level, of its name (a hash already) or of the name's hash: the twin of searchdata.located. */
  function located(fileKey) {
    var cut = fileKey.indexOf('/'), kind = BY_PREFIX[fileKey.slice(0, cut)], name = fileKey.slice(cut + 1);
    if (!kind || !kind.levels || kind.split === 'number') return fileKey;
    var digits = kind.split === 'name' ? name : codes.fnv(name), out = fileKey.slice(0, cut);
    for (var level = 0; level < kind.levels; level++) out += '/' + digits[level];
    return out + '/' + name;
  }

  /* The data of file `name` of a kind (searchdata.KINDS), loaded once. */
  function load(kind, name) { return loadKey(key(kind, name)); }

  function loadKey(fileKey) {
    var wanted = entry(fileKey);
    if (!wanted.requested) {
      wanted.requested = true;
      var source = IN_FIRST_LISTS.test(fileKey) ? FIRST_LISTS : fileKey, asked = waiting[source];
      if (!asked) {
        asked = waiting[source] = [];
        var element = document.createElement('script');
        element.src = folder + located(source) + '.js';
        element.onerror = function () { asked.forEach(function (one) { one.reject(new Error('cannot load ' + element.src)); }); };
        document.head.appendChild(element);
      }
      asked.push(wanted);
    }
    return wanted.promise;
  }

  /* Document `number`'s file of a kind numbered by document (records, originals): in folders by
     number when the kind has levels (the twin of urls.numbered: r/1/1234 for 1000 a folder, one level). */
  function perDocument(kind, number) {
    var row = KINDS[kind], fileKey = row.prefix;
    for (var level = row.levels; level > 0; level--) fileKey += '/' + Math.floor(number / Math.pow(row.per, level));
    return loadKey(fileKey + '/' + number);
  }

  /* The blocks of a kind numbered by block of documents (its `block` documents a file) that hold `docs`. */
  function blocksOf(docs, kind) {
    var size = KINDS[kind].block, wanted = new Uint8Array(Math.ceil(core.documents / size)), out = [];
    for (var j = 0; j < docs.length; j++) wanted[(docs[j] - docs[j] % size) / size] = 1;
    for (var block = 0; block < wanted.length; block++) if (wanted[block]) out.push(block);
    return out;
  }

  rooms.load = { KINDS: KINDS, load: load, perDocument: perDocument, blocksOf: blocksOf,
    open: function (root) { folder = root + core.folder + '/'; } };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
