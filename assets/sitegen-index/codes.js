/* The search client's room for codes: the numbers and bit strings the index files are written in (the
   twins of sitegen/searchcodes.py) and the names files get from a hash. Owns the bit reader's state;
   holds no index data. Rooms are classic scripts (they work from file://), each adding its part to
   window.sitegenIndexRooms, loaded in the order the search page lists them (sitegen/pages.py). */
(function (rooms) {
  'use strict';

  /* Packed numbers are written in 90 characters, JSON- and HTML-safe (searchcodes.ALPHABET: 0x23 to 0x7e
     but the backslash and `<`); a digit below HALF ends a number, one from HALF continues it. */
  var HALF = 45;
  var DIGIT_OF = new Int8Array(128).fill(-1);
  for (var code = 0x23, digit = 0; code < 0x7f; code++) { if (code !== 0x5c && code !== 0x3c) DIGIT_OF[code] = digit++; }

  /* Every packed number of `text` (searchcodes.pack), into a typed array: a posting of 10,000
     documents is 20,000 numbers. */
  function unpack(text) {
    var out = new Int32Array(text.length), count = 0, value = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT_OF[text.charCodeAt(i)];
      if (digit >= HALF) { value += (digit - HALF) * scale; scale *= HALF; } else { out[count++] = value + digit * scale; value = 0; scale = 1; }
    }
    return out.subarray(0, count);
  }

  /* The first `count` packed numbers of `text`, then where they end (searchcodes.head). */
  function head(text, count) {
    var out = [], value = 0, scale = 1, i = 0;
    while (out.length < count) {
      var digit = DIGIT_OF[text.charCodeAt(i++)];
      if (digit >= HALF) { value += (digit - HALF) * scale; scale *= HALF; } else { out.push(value + digit * scale); value = 0; scale = 1; }
    }
    out.push(i);
    return out;
  }

  /* The bit reader over six-bit characters (most significant bit first), the twin of
     searchcodes.chars: `ones` and `zeros` count a run of equal bits with Math.clz32 and consume the
     bit that ends it, `take` reads some bits, `bitsEnd` says where the reader is in its text. Room
     variables, not a closure per call: a common word decodes 10,000 codes. */
  var bitText = '', bitAt = 0, bitBuffer = 0, bitsLeft = 0;

  function readBits(text, at) { bitText = text; bitAt = at; bitBuffer = 0; bitsLeft = 0; }

  function bitsEnd() { return bitAt; }

  function ones() {
    for (var run = 0; ;) {
      if (!bitsLeft) { bitBuffer = DIGIT_OF[bitText.charCodeAt(bitAt++)]; bitsLeft = 6; }
      var rest = ~bitBuffer & ((1 << bitsLeft) - 1);
      if (!rest) { run += bitsLeft; bitsLeft = 0; continue; }
      var counted = bitsLeft - (32 - Math.clz32(rest));
      bitsLeft -= counted + 1;
      return run + counted;
    }
  }

  function zeros() {
    for (var run = 0; ;) {
      if (!bitsLeft) { bitBuffer = DIGIT_OF[bitText.charCodeAt(bitAt++)]; bitsLeft = 6; }
      var rest = bitBuffer & ((1 << bitsLeft) - 1);
      if (!rest) { run += bitsLeft; bitsLeft = 0; continue; }
      var counted = bitsLeft - (32 - Math.clz32(rest));
      bitsLeft -= counted + 1;
      return run + counted;
    }
  }

  function take(bits) {
    var value = 0;
    while (bits > bitsLeft) {
      value = value << bitsLeft | bitBuffer & ((1 << bitsLeft) - 1);
      bits -= bitsLeft;
      bitBuffer = DIGIT_OF[bitText.charCodeAt(bitAt++)];
      bitsLeft = 6;
    }
    bitsLeft -= bits;
    return value << bits | bitBuffer >> bitsLeft & ((1 << bits) - 1);
  }

  /* `count` Rice codes (value >> riceBits in unary, ones ended by a zero, then its riceBits low bits)
     from text[at]: the twin of searchcodes.rice. What `ones` and `take` do, in one loop with the
     reader's state in locals (a phrase's words decode tens of thousands of positions as the page
     opens, before calls are optimised); the reader is left where the codes end. */
  function rice(text, at, count, riceBits) {
    var out = new Int32Array(count), scale = Math.pow(2, riceBits), i = at, buffer = 0, left = 0;
    for (var j = 0; j < count; j++) {
      var run = 0, rest;
      for (;;) {
        if (!left) { buffer = DIGIT_OF[text.charCodeAt(i++)]; left = 6; }
        rest = ~buffer & ((1 << left) - 1);
        if (rest) break;
        run += left;
        left = 0;
      }
      var counted = left - (32 - Math.clz32(rest)), bits = riceBits, value = 0;
      left -= counted + 1;
      while (bits > left) {
        value = value << left | buffer & ((1 << left) - 1);
        bits -= left;
        buffer = DIGIT_OF[text.charCodeAt(i++)];
        left = 6;
      }
      left -= bits;
      out[j] = (run + counted) * scale + (value << bits | buffer >> left & ((1 << bits) - 1));
    }
    bitText = text;
    bitAt = i;
    bitBuffer = buffer;
    bitsLeft = left;
    return out;
  }

  /* A posting field's `count` documents from text[at], into `docs`, `tfs` and (unless null) `lens`:
     per document its gap less one as a Rice code of `gapBits`, its term frequency as an Elias gamma
     code (zeros, then as many bits after the leading one) and the field's length as a Rice code of
     `lengthBits` (the twins of searchindex.encode_field and encode_body). In one loop with the
     reader's state in locals, as `rice` (a common word has 10,000 documents a field); the reader is
     left where they end. */
  function postingRun(text, at, count, gapBits, lengthBits, docs, tfs, lens) {
    var i = at, buffer = 0, left = 0, doc = -1, gapScale = Math.pow(2, gapBits), lengthScale = Math.pow(2, lengthBits);
    var run, rest, counted, bits, value;
    for (var j = 0; j < count; j++) {
      for (run = 0; ;) {  // the gap: ones, then gapBits bits
        if (!left) { buffer = DIGIT_OF[text.charCodeAt(i++)]; left = 6; }
        rest = ~buffer & ((1 << left) - 1);
        if (rest) break;
        run += left;
        left = 0;
      }
      counted = left - (32 - Math.clz32(rest));
      left -= counted + 1;
      for (bits = gapBits, value = 0; bits > left; left = 6) {
        value = value << left | buffer & ((1 << left) - 1);
        bits -= left;
        buffer = DIGIT_OF[text.charCodeAt(i++)];
      }
      left -= bits;
      docs[j] = doc += 1 + (run + counted) * gapScale + (value << bits | buffer >> left & ((1 << bits) - 1));
      for (run = 0; ;) {  // the term frequency: zeros, then as many bits after a one
        if (!left) { buffer = DIGIT_OF[text.charCodeAt(i++)]; left = 6; }
        rest = buffer & ((1 << left) - 1);
        if (rest) break;
        run += left;
        left = 0;
      }
      counted = left - (32 - Math.clz32(rest));
      left -= counted + 1;
      var zeros = run + counted;
      for (bits = zeros, value = 0; bits > left; left = 6) {
        value = value << left | buffer & ((1 << left) - 1);
        bits -= left;
        buffer = DIGIT_OF[text.charCodeAt(i++)];
      }
      left -= bits;
      tfs[j] = Math.pow(2, zeros) + (value << bits | buffer >> left & ((1 << bits) - 1));
      if (!lens) continue;
      for (run = 0; ;) {  // the length: ones, then lengthBits bits
        if (!left) { buffer = DIGIT_OF[text.charCodeAt(i++)]; left = 6; }
        rest = ~buffer & ((1 << left) - 1);
        if (rest) break;
        run += left;
        left = 0;
      }
      counted = left - (32 - Math.clz32(rest));
      left -= counted + 1;
      for (bits = lengthBits, value = 0; bits > left; left = 6) {
        value = value << left | buffer & ((1 << left) - 1);
        bits -= left;
        buffer = DIGIT_OF[text.charCodeAt(i++)];
      }
      left -= bits;
      lens[j] = (run + counted) * lengthScale + (value << bits | buffer >> left & ((1 << bits) - 1));
    }
    bitText = text;
    bitAt = i;
    bitBuffer = buffer;
    bitsLeft = left;
  }

  /* FNV-1a (32 bits) of a string's UTF-16 code units, as 8 hex digits: the twin of
     searchindex.chunk_name, which names chunks and places files in sub-folders. */
  function fnv(text) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return ('0000000' + hash.toString(16)).slice(-8);
  }

  /* CRC-32 of a string's UTF-8, as a number: the twin of searchindex.term_hash (which terms have a
     position file of their own). */
  var crcTable = null;
  function crc32(text) {
    if (!crcTable) {
      crcTable = new Int32Array(256);
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        crcTable[n] = c;
      }
    }
    var bytes = new TextEncoder().encode(text), crc = -1;
    for (var i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ -1) >>> 0;
  }

  /* Where `value` is in the ascending array `sorted` (in sorted[from .. to - 1] when given), or -1. */
  function find(sorted, value, from, to) {
    var lo = from || 0, hi = (to === undefined ? sorted.length : to) - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] === value) return mid;
      if (sorted[mid] < value) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  rooms.codes = { DIGIT_OF: DIGIT_OF, unpack: unpack, head: head, readBits: readBits, bitsEnd: bitsEnd, ones: ones,
    zeros: zeros, take: take, rice: rice, postingRun: postingRun, fnv: fnv, crc32: crc32, find: find };
})(window.sitegenIndexRooms = window.sitegenIndexRooms || {});
