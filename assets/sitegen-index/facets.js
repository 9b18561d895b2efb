/* The search client's room for facets, counted over every result: from the results' records when
   every result is shown (each record holds its document's value ids and the labels the core lacks:
   no file more) or when they are few enough that their records cost less than the alternatives, else
   from rows (each document's value ids, search/f/, a block of documents a file)
   or from value lists (each value's documents, search/v/, most documents first; search/s/ over a
   sample in a large archive), whichever the core's sizes say is fewer bytes: rows for a query
   matching few documents, lists for many. Owns the decoded rows and lists, the values and labels
   read from records, and the facets' tables. */
(function (rooms) {
  'use strict';

  var core = window.SITEGEN_SEARCH, codes = rooms.codes, loading = rooms.load, postings = rooms.postings;
  if (!core || !codes || !loading || !postings) return;
  var DOCUMENT_COUNT = core.documents, FACET_COUNT = core.facets.length, SHOWN = core.shown;
  var RECORD_BYTES = 1500;  // a record past those shown, counted from: its JSON (about 1 KB: a 60-word snippet, title, summary, date, values) and its request
  var ROW_BLOCK = loading.KINDS.rows.block, LABELS_PER_FILE = loading.KINDS.labels.block;
  var rowsLoaded = [], rowStart = new Int32Array(DOCUMENT_COUNT * FACET_COUNT), rowNumbers = [];
  var ONE_VALUE = core.facets.map(function () { return []; }), NO_VALUE = [];  // shared arrays: do not change them
  var recordRows = Object.create(null);  // document -> per facet its value ids, from its record
  var recordLabels = core.facets.map(function () { return Object.create(null); });  // per facet, value id -> label, from records

  /* A facet's value lists as the page loads them: over every document ('lists'), or in an archive past
     searchdata.SAMPLE_FROM documents also over the sample, every core.sample.stride-th ('sample').
     `totals`: per value, at most how many documents it has there (the most of any value of its file). */
  function table(spec, facet, kind) {
    var files = kind === 'lists' ? spec.files : spec.sample, totals = new Int32Array(spec.values);
    files.forEach(function (file, at) { totals.fill(file[1], file[0], at + 1 < files.length ? files[at + 1][0] : spec.values); });
    return { facet: facet, kind: kind, files: files, values: spec.values, single: spec.single, lists: [], totals: totals };
  }
  var exact = core.facets.map(function (spec, facet) { return table(spec, facet, 'lists'); });
  var sample = core.sample ? core.facets.map(function (spec, facet) { return table(spec, facet, 'sample'); }) : null;

  function loadRows(block) {
    return loading.load('rows', block).then(function (packed) { if (!rowsLoaded[block]) decodeRows(block, packed); });
  }

  function decodeRows(block, packed) {  // where each document's ids are; a multi-valued facet's gaps become ids
    var numbers = rowNumbers[block] = codes.unpack(packed), at = 0;
    rowsLoaded[block] = true;
    for (var doc = block * ROW_BLOCK; at < numbers.length; doc++) {
      for (var facet = 0; facet < FACET_COUNT; facet++) {
        rowStart[doc * FACET_COUNT + facet] = at;
        if (core.facets[facet].single) { at++; continue; }
        var count = numbers[at++];
        for (var j = 1; j < count; j++) numbers[at + j] += numbers[at + j - 1];
        at += count;
      }
    }
  }

  /* The records of `docs`, their facet values and labels read (searchdata.record_values: an id, or
     [id, label] for a value whose label is not in the core). */
  function loadRecords(docs) {
    return Promise.all(docs.map(function (doc) {
      return loading.perDocument('records', doc).then(function (record) {
        if (recordRows[doc]) return;
        recordRows[doc] = record.values.map(function (values, facet) {
          return values.map(function (value) {
            if (typeof value === 'number') return value;
            recordLabels[facet][value[0]] = value[1];
            return value[0];
          });
        });
      });
    }));
  }

  /* Document doc's value ids in a facet, read where they are (its record or its rows are loaded): shared
     arrays and views, not copies, since facets are counted over every result (do not change them). */
  function rowValues(doc, facet) {
    if (recordRows[doc]) return recordRows[doc][facet];
    var numbers = rowNumbers[Math.floor(doc / ROW_BLOCK)], at = rowStart[doc * FACET_COUNT + facet], first = numbers[at];
    if (core.facets[facet].single) return first ? ONE_VALUE[facet][first - 1] || (ONE_VALUE[facet][first - 1] = [first - 1]) : NO_VALUE;
    return numbers.subarray(at + 1, at + 1 + first);
  }

  function fileOf(tab, value) {
    var files = tab.files, at = 0;
    while (at + 1 < files.length && files[at + 1][0] <= value) at++;
    return at;
  }

  function fileEnd(tab, file) { return file + 1 < tab.files.length ? tab.files[file + 1][0] : tab.values; }

  function loadList(tab, file) {
    return loading.load(tab.kind, tab.facet + '-' + file).then(function (packed) {
      var start = tab.files[file][0];
      packed.forEach(function (text, i) { if (!tab.lists[start + i]) tab.lists[start + i] = decodeList(text); });
    });
  }

  /* The twin of searchdata.value_lists: Rice-coded gaps (its documents, an Int32Array), or (gap, run
     length - 1) pairs, kept as runs ({runs: [first, one past last, ...]}): a single-valued facet's
     values are a few runs each, counted by runs without visiting their documents. */
  function decodeList(text) {
    var doc = -1, i;
    if (codes.DIGIT_OF[text.charCodeAt(0)] === 0) {
      var numbers = codes.head(text, 3);
      var docs = codes.rice(text, numbers[3], numbers[2], numbers[1]);
      for (i = 0; i < docs.length; i++) docs[i] = doc += docs[i] + 1;
      return docs;
    }
    var pairs = codes.unpack(text), runs = new Int32Array(pairs.length - 1);
    doc = 0;
    for (i = 1; i < pairs.length; i += 2) {
      runs[i - 1] = doc + pairs[i];
      runs[i] = doc = doc + pairs[i] + pairs[i + 1] + 1;
    }
    return { runs: runs };
  }

  function eachDoc(list, visit) {
    if (!list.runs) return list.forEach(visit);
    for (var i = 0; i < list.runs.length; i += 2) for (var doc = list.runs[i]; doc < list.runs[i + 1]; doc++) visit(doc);
  }

  /* A facet's counts over a query's results, bounded from above per value (`ub`) by what its terms
     carry: a term's listed count, or its last listed count for a value not listed (none if every value is
     listed), or for a term carrying nothing, its documents or the value's total. A clause's terms add
     up (prefix expansions, several fields), required clauses take the least, optional ones add up;
     prohibited ones only remove results. `tops`: the counts themselves when the query is one term in
     every field, so its results are that term's documents and those counts are exact. */
  function valueBounds(facet, query) {
    var totals = exact[facet].totals, values = totals.length;
    function termBound(term) {
      var found = postings.posting(term), out = new Int32Array(values), value;
      if (!found) return out;
      if (!found.tops) {
        var df = 0;
        found.fields.forEach(function (field) { df += field.docs.length; });
        for (value = 0; value < values; value++) out[value] = Math.min(totals[value], df);
        return out;
      }
      var tops = found.tops[facet], rest = tops.full ? 0 : tops.counts[tops.counts.length - 1];
      for (value = 0; value < values; value++) out[value] = Math.min(totals[value], rest);
      for (var j = 0; j < tops.ids.length; j++) out[tops.ids[j]] = tops.counts[j];
      return out;
    }
    function add(list) {
      var out = new Int32Array(values);
      list.forEach(function (bound) { for (var value = 0; value < values; value++) out[value] = Math.min(totals[value], out[value] + bound[value]); });
      return out;
    }
    var groups = query ? query.filter(function (group) { return !group.prohibited; }) : [];
    var required = groups.filter(function (group) { return group.required; });
    if (!groups.length) return { ub: totals, tops: null };  // every document but the prohibited: bounded by totals
    var perGroup = (required.length ? required : groups).map(function (group) { return add(group.terms.map(termBound)); }), most;
    if (required.length) {
      most = perGroup[0];
      perGroup.forEach(function (bound) { for (var value = 0; value < values; value++) most[value] = Math.min(most[value], bound[value]); });
    } else most = add(perGroup);
    var one = query.length === 1 && groups.length === 1 && groups[0].all && groups[0].terms.length === 1 ? postings.posting(groups[0].terms[0]) : null;
    return { ub: most, tops: one && one.tops ? one.tops[facet] : null };
  }

  function ranked(counts) {
    return Array.from(counts.keys()).sort(function (a, b) { return (counts.get(b) - counts.get(a)) || a - b; });
  }

  /* The files to load next from table `tab`: those holding values not yet counted (`done`) that could be
     among the SHOWN of most results, given the exact `counts` so far and each value's bound (at most
     `cap`). Until SHOWN values have counts, the first such values in file order (most documents
     first) to make up SHOWN; then those whose bound times `reach` (the most any counted value reached
     of its bound) still beats the SHOWN-th count, likely to raise it; then every other such value. */
  function pick(tab, bounds, counts, done, cap, reach) {
    var top = ranked(counts), full = top.length >= SHOWN, last = full ? counts.get(top[SHOWN - 1]) : 0;
    var edge = full ? top[SHOWN - 1] : -1, open = [], likely = [];
    for (var value = 0; value < bounds.length; value++) {
      var bound = Math.min(bounds[value], cap);
      if (!done[value] && bound > 0 && (!full || bound > last || (bound === last && value < edge))) {
        open.push(value);
        if (bound * reach > last) likely.push(value);
      }
    }
    if (!full) open = open.slice(0, SHOWN - top.length);
    else if (likely.length) open = likely;
    var out = [], seen = Object.create(null);
    open.forEach(function (value) { var file = fileOf(tab, value); if (!seen[file]) { seen[file] = true; out.push(file); } });
    return out;
  }

  /* The first files of table `tab` its counts need, before any is counted (its exact `tops`, if any, known). */
  function firstPick(tab, bounds, total) {
    var counts = new Map(), done = new Uint8Array(tab.values), tops = bounds.tops;
    for (var j = 0; tops && j < tops.ids.length; j++) { done[tops.ids[j]] = 1; if (tops.counts[j]) counts.set(tops.ids[j], tops.counts[j]); }
    return pick(tab, bounds.ub, counts, done, total, 1);
  }

  function bytesOf(tab, files) { return files.reduce(function (sum, file) { return sum + tab.files[file][2]; }, 0); }

  /* The sample's share of `docs`: a mask over the sample (its m-th document is the index's
     m * stride-th) and how many it marks. */
  function sampleMask(docs) {
    var every = core.sample.stride, mask = new Uint8Array(core.sample.size), count = 0;
    for (var j = 0; j < docs.length; j++) if (docs[j] % every === 0) { mask[docs[j] / every] = 1; count++; }
    return { mask: mask, count: count };
  }

  function sampleBounds(facet) { return { ub: sample[facet].totals, tops: null }; }

  /* How facets over `docs` are counted: from their records when the page shows every one (at most
     `shown`: it loads their records anyway) or when the records of the rest cost fewer bytes than rows
     and than every value list a count could need (a few results, such as a phrase's: their SHOWN-th
     count is small, bounds keep nearly every value open, and counting by lists loads nearly all of
     them); else by what costs fewest bytes before any is counted: from rows (each result's values), or
     per facet from value lists, over every document or, when that would cost core.sample.ratio times
     the sample's and core.sample.least results fall in the sample, from the sample's lists (estimated
     counts). {mode: 'records' | 'rows' | 'lists', sampled: per facet, whether estimated}. */
  function plan(docs, bounds, shown) {
    if (docs.length <= shown) return { mode: 'records', sampled: [] };
    var rowBytes = 0, listBytes = 0, inSample = sample ? sampleMask(docs).count : 0;
    var ratio = core.sample ? core.sample.ratio : 1, least = core.sample ? core.sample.least : Infinity;
    loading.blocksOf(docs, 'rows').forEach(function (block) { rowBytes += core.rows[block]; });
    var records = (docs.length - shown) * RECORD_BYTES;
    if (records <= rowBytes && records <= everyList(bounds)) return { mode: 'records', sampled: [] };
    var sampled = core.facets.map(function (_, facet) {
      var full = bytesOf(exact[facet], firstPick(exact[facet], bounds[facet], docs.length));
      var part = inSample >= least ? bytesOf(sample[facet], firstPick(sample[facet], sampleBounds(facet), inSample)) : Infinity;
      listBytes += full > part * ratio ? part : full;
      return full > part * ratio;
    });
    return rowBytes <= listBytes ? { mode: 'rows', sampled: [] } : { mode: 'lists', sampled: sampled };
  }

  /* The bytes of every value-list file holding a value `bounds` let count: the most counting by lists loads. */
  function everyList(bounds) {
    return exact.reduce(function (sum, tab, facet) {
      return sum + tab.files.reduce(function (bytes, file, at) {
        for (var value = file[0]; value < fileEnd(tab, at); value++) if (bounds[facet].ub[value]) return bytes + file[2];
        return bytes;
      }, 0);
    }, 0);
  }

  /* Start loading what counting facets over `docs` with nothing chosen needs. */
  function preload(docs, how, bounds) {
    if (how.mode === 'records') return loadRecords(docs);
    if (how.mode === 'rows') return loading.blocksOf(docs, 'rows').forEach(loadRows);
    var inSample = how.sampled.some(Boolean) ? sampleMask(docs).count : 0;
    core.facets.forEach(function (_, facet) {
      var tab = how.sampled[facet] ? sample[facet] : exact[facet];
      firstPick(tab, how.sampled[facet] ? sampleBounds(facet) : bounds[facet], how.sampled[facet] ? inSample : docs.length)
        .forEach(function (file) { loadList(tab, file); });
    });
  }

  /* How many of value's documents (in table `tab`) `mask` marks; `sums`: the mask's running sums, for runs. */
  function countList(tab, value, mask, sums) {
    var docs = tab.lists[value], count = 0, j;
    if (docs.runs) {
      for (j = 0; j < docs.runs.length; j += 2) count += sums[docs.runs[j + 1]] - sums[docs.runs[j]];
      return count;
    }
    for (j = 0; j < docs.length; j++) count += mask[docs[j]];
    return count;
  }

  function resultMask(hits) {  // 1 for each result's document
    var mask = new Uint8Array(DOCUMENT_COUNT);
    hits.forEach(function (hit) { mask[hit.n] = 1; });
    return mask;
  }

  function runningSums(mask) {
    var sums = new Int32Array(mask.length + 1);
    for (var doc = 0; doc < mask.length; doc++) sums[doc + 1] = sums[doc] + mask[doc];
    return sums;
  }

  /* A facet's counts over the documents marked in `mask` (`total` of them), from table `tab`: exact for
     every value that could be among the SHOWN of most results (ties go to the smaller id) and for
     the chosen ones. A value's count comes from the query's exact `tops` (`useTops`), or from its
     value list, loaded when its bound (`bounds`, see valueBounds; a single-valued facet's also the
     results not yet counted) could reach the SHOWN-th exact count, most promising first, until none
     can. */
  function listCounts(tab, mask, total, chosen, bounds, useTops) {
    var counts = new Map(), done = new Uint8Array(tab.values), sum = 0, tops = useTops ? bounds.tops : null;
    var sums = tab.single ? runningSums(mask) : null;
    for (var j = 0; tops && j < tops.ids.length; j++) {
      done[tops.ids[j]] = 1;
      if (tops.counts[j]) { counts.set(tops.ids[j], tops.counts[j]); sum += tops.counts[j]; }
    }
    var reach = 0;
    function step() {
      for (var file = 0; file < tab.files.length; file++) {  // count every value whose file is loaded: free
        if (!tab.lists[tab.files[file][0]]) continue;
        for (var value = tab.files[file][0]; value < fileEnd(tab, file); value++) {
          if (done[value]) continue;
          done[value] = 1;
          var count = countList(tab, value, mask, sums);
          if (count) { counts.set(value, count); sum += count; }
          if (bounds.ub[value]) reach = Math.max(reach, count / bounds.ub[value]);
        }
      }
      var next = pick(tab, bounds.ub, counts, done, tab.single ? total - sum : total, reach);
      if (next.length) return Promise.all(next.map(function (file) { return loadList(tab, file); })).then(step);
      chosen.forEach(function (value) {
        if (!counts.has(value) && tab.lists[value]) { var count = countList(tab, value, mask, sums); if (count) counts.set(value, count); }
      });
      return counts;
    }
    return total ? Promise.resolve().then(step) : Promise.resolve(counts);
  }

  function rowCounts(facet, hits) {
    var counts = new Map();
    hits.forEach(function (hit) { rowValues(hit.n, facet).forEach(function (value) { counts.set(value, (counts.get(value) || 0) + 1); }); });
    return counts;
  }

  /* A facet's counts over `counted` results (`part`: their share of the sample) estimated from the
     sample, when core.sample.least of them are in it (else null): its counts there, each scaled by how
     many results there are per result in the sample, and at most the most documents any value of its
     file has. The chosen values' counts are exact: their lists are loaded (who passes a choice). */
  function sampleCounts(facet, counted, part, chosen) {
    if (part.count < core.sample.least) return null;
    return listCounts(sample[facet], part.mask, part.count, [], sampleBounds(facet), false).then(function (counts) {
      var scale = counted.length / part.count, out = new Map(), most = exact[facet].totals;
      counts.forEach(function (count, value) { out.set(value, Math.min(Math.round(count * scale), most[value])); });
      if (chosen.length) {
        var mask = resultMask(counted), sums = exact[facet].single ? runningSums(mask) : null;
        chosen.forEach(function (value) {
          var count = countList(exact[facet], value, mask, sums);
          if (count) out.set(value, count); else out.delete(value);
        });
      }
      return out;
    });
  }

  /* The results passing the reader's choices (selected[facet]: {value id: true}) and, per facet, the
     counts of its values over the results passing the other facets' choices, with the SHOWN values
     of most results (then smallest id) and the chosen ones: exact over every result, or `estimated`
     from the sample where the query's plan says (hits.sampled), but for the chosen values (`exact`).
     Who passes a choice is always exact. */
  function facets(hits, selected) {
    var mode = hits.facetMode || 'rows', sampled = hits.sampled || [];
    var chosen = core.facets.map(function (_, facet) { return Object.keys(selected[facet] || {}).map(Number); });
    var docs = hits.map(function (hit) { return hit.n; }), byRow = mode === 'rows' || mode === 'records';
    var ready = mode === 'records' ? loadRecords(docs) : mode === 'rows' ? Promise.all(loading.blocksOf(docs, 'rows').map(loadRows))
      : Promise.all([].concat.apply([], chosen.map(function (values, facet) {
        return values.map(function (value) { return loadList(exact[facet], fileOf(exact[facet], value)); });
      })));
    return ready.then(function () {
      var member = chosen.map(function (values, facet) {
        if (!values.length) return null;
        if (byRow) {
          return function (doc) { return Array.prototype.some.call(rowValues(doc, facet), function (value) { return values.indexOf(value) >= 0; }); };
        }
        var mask = new Uint8Array(DOCUMENT_COUNT);
        values.forEach(function (value) { eachDoc(exact[facet].lists[value], function (doc) { mask[doc] = 1; }); });
        return function (doc) { return mask[doc] === 1; };
      });
      function passes(doc, except) {
        for (var facet = 0; facet < FACET_COUNT; facet++) if (facet !== except && member[facet] && !member[facet](doc)) return false;
        return true;
      }
      var free = chosen.every(function (values) { return !values.length; });  // nothing chosen: nothing to filter
      var everyInSample = null;  // the sample's share of every result, for the facets counted over all of them
      function part(counted) {
        if (counted === hits) return everyInSample || (everyInSample = sampleMask(hits.map(function (hit) { return hit.n; })));
        return sampleMask(counted.map(function (hit) { return hit.n; }));
      }
      return Promise.all(core.facets.map(function (_, facet) {
        var counted = free ? hits : hits.filter(function (hit) { return passes(hit.n, facet); }), counts;
        var estimated = mode === 'lists' && sampled[facet] ? sampleCounts(facet, counted, part(counted), chosen[facet]) : null;
        if (estimated) counts = estimated;
        else if (byRow) counts = Promise.resolve(rowCounts(facet, counted));
        else {
          var mask = resultMask(counted);
          var others = chosen.some(function (values, other) { return other !== facet && values.length; });
          counts = listCounts(exact[facet], mask, counted.length, chosen[facet],
            hits.bounds ? hits.bounds[facet] : { ub: exact[facet].totals, tops: null }, !others);
        }
        return counts.then(function (found) {
          var top = ranked(found).slice(0, SHOWN);
          chosen[facet].forEach(function (value) { if (top.indexOf(value) < 0) top.push(value); });
          return { f: facet, counts: found, top: top, estimated: !!estimated, exact: chosen[facet] };
        });
      })).then(function (counted) {
        return { visible: free ? hits.slice() : hits.filter(function (hit) { return passes(hit.n, -1); }), facets: counted };
      });
    });
  }

  /* How the facets of `hits` will be counted ({facetMode, sampled, bounds}: see plan, valueBounds),
     with the files that needs asked for. `bounds`: for these hits, or for more of them; `shown`: how
     many results the page shows. */
  function recount(hits, bounds, shown) {
    var docs = hits.map(function (hit) { return hit.n; }), how = plan(docs, bounds, shown || 0);
    preload(docs, how, bounds);
    return { facetMode: how.mode, sampled: how.sampled, bounds: bounds };
  }

  function label(facet, id) {
    if (id in recordLabels[facet]) return Promise.resolve(recordLabels[facet][id]);
    return loading.load('labels', facet + '-' + Math.floor(id / LABELS_PER_FILE)).then(function (labels) { return labels[id % LABELS_PER_FILE]; });
  }

  rooms.facets = { valueBounds: valueBounds, recount: recount, facets: facets, label: label };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
