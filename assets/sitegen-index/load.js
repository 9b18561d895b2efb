/* The search client's room for loading: every index file is a classic script calling
   SITEGEN_DATA(key, data), injected as a <script> element from file:// (it works there, from a zip or
   any host), fetched and read as JSON over http (see `request`). Owns the table of file kinds the core
   carries (searchdata.KINDS: each kind's prefix, block and sub-folders), where a key's file is
   (`located`), and what was asked for and arrived. */
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
        request(folder + located(source) + '.js', asked);
      }
      asked.push(wanted);
    }
    return wanted.promise;
  }

  /* Over http(s) a file is fetched and its calls read as JSON (each line one `SITEGEN_DATA(key, data);`,
     searchdata.data): no script element to insert, compile and run, and no wait for a script's turn (a
     script a page inserts loads at low priority). From file:// (no fetch there), when fetch is refused, or
     for a file in any other form, a classic <script>: the same calls, the same data. */
  var FETCH = /^https?:$/.test(location.protocol) && typeof fetch === 'function';
  var CALL = 'SITEGEN_DATA(', END = ');';

  function request(src, asked) {
    function failed() { asked.forEach(function (one) { one.reject(new Error('cannot load ' + src)); }); }
    if (!FETCH) return inject(src, failed);
    fetch(src).then(function (response) {
      if (!response.ok) return failed();
      return response.text().then(function (text) {
        var calls = calledWith(text);
        if (!calls) return inject(src, failed);
        calls.forEach(function (call) { window.SITEGEN_DATA(call[0], call[1]); });
      }, failed);
    }, function () { inject(src, failed); });  // fetch refused (a policy, a scheme): as a script
  }

  function inject(src, failed) {
    var element = document.createElement('script');
    element.src = src;
    element.onerror = failed;
    document.head.appendChild(element);
  }

  /* [[key, data], ...] of a file's lines, or null when a line is not a call with JSON arguments. */
  function calledWith(text) {
    var lines = text.split('\n'), calls = [];
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (!line) continue;
      if (line.slice(0, CALL.length) !== CALL || line.slice(-END.length) !== END) return null;
      try {
        calls.push(JSON.parse('[' + line.slice(CALL.length, -END.length) + ']'));
      } catch (error) {
        return null;
      }
    }
    return calls;
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
