"""Interface words in the languages sitegen ships (English, Arabic), and language names.

An Arabic document page is Arabic from its header to its footer; a document in a language without a
table here is an English page whose own text carries its language. A site edition in a third language
(`languages: [en, ar, fr]`) needs one more table in STRINGS with the same keys (and its labels in
`schema.DOCUMENT_FIELDS`), nothing else: counts
are tables of CLDR plural categories (zero, one, two, few, many, other; "other" required) and dates
come from CLDR through `l10n`, so a language's grammar of numbers and its month names need no code.
"""

from __future__ import annotations

import unicodedata

from sitegen.schema import DOCUMENT_FIELDS


STRINGS = {
    "en": {
        "language_names": {"en": "English", "ar": "Arabic", "fr": "French", "ru": "Russian", "zh": "Chinese",
                           "ur": "Urdu", "fa": "Persian", "es": "Spanish", "de": "German"},
        "site_nav": "Site",
        "home": "Home", "chronology": "Chronology", "sources": "Sources", "search": "Search",
        "documents": "Documents", "document": "Document",
        "provenance": "Provenance", "translations": "Translations", "translation_of": "Translation of",
        "related": "Related documents", "names": "Names and aliases",
        "kind": "Kind", "appears_with": "Appears with", "latest": "Latest documents",
        "most_cited": "Most cited", "page": "Page", "previous": "Previous", "next": "Next",
        "contents": "Contents", "search_placeholder": "Search the archive", "skip": "Skip to content",
        "all": "All", "count_documents": {"one": "{n} document", "other": "{n} documents"},
        "other": "Other", "built": "Built", "external": "external link", "extra": "Details",
        "no_documents": "No documents yet.", "wikidata": "Wikidata", "website": "Website",
        "by_year": "Documents by year",
        "shared_terms": {"one": "{n} actor or topic in common", "other": "{n} actors and topics in common"},
        "more_terms": {"other": "and {n} more"},
        "results": {"one": "{n} result", "other": "{n} results"},
        "date_approximate": "c. {date}", "date_uncertain": "{date}?", "date_both": "c. {date}?",
        "note_approximate": "approximate: the source gives the date roughly",
        "note_uncertain": "uncertain: the archivist could not confirm this date",
        "order_newest": "newest first", "order_oldest": "oldest first", "loading": "(loading more of the index…)",
        "load_error": "Part of the search index could not be loaded.", "facet_language": "Language",
        "facet_year": "Year", "facet_source": "Source", "filters": "Filters", "show_more": "Show more results",
        "estimated": "≈ estimated from a sample of {n} documents",
        "showing_for": "Showing results for {q}.", "search_instead": "Search instead for {q}",
        "did_you_mean": "Did you mean {q}?",
        "search_label": "Search titles, actors, topics, sources and full texts",
        "search_when": "Order and dates", "order": "Order", "order_relevance": "most relevant first",
        "date_from": "From", "date_to": "To", "date_within": "Only documents wholly within these dates",
        "date_hint": "A year (2019), a month (2019-05) or a day (2019-05-06). A document dated only 2019 overlaps "
                     "May 2019; an uncertain or approximate date counts a year, month or day more each way.",
        "noscript": "Search needs JavaScript. Without it, browse the archive by date, actor, topic or source:",
        "kinds": {"person": ("Person", "People"), "state": ("State", "States"),
                  "organisation": ("Organisation", "Organisations"), "group": ("Group", "Groups"),
                  "institution": ("Institution", "Institutions"), "media": ("Media outlet", "Media")},
        "attachments": "Files",
        "originals_text": "Text of the original", "text_extracted": "text layer of the file",
        "text_ocr": "read by OCR", "ocr_confidence": "confidence {n} %, may contain errors",
        "in_original": "in {file}, p. {page}:",
        "held_draft": "Draft: not published", "held_embargo": "Embargoed until {date}: not published before then",
        "held_future": "Dated in the future: not published before {date}",
        "held_expired": "Expired on {date}: no longer published",
        "redirect_moved": "This page has moved to", "redirect_title": "Moved",
        "cite": "Cite this", "copy_citation": "Copy", "copied": "Copied", "download_citation": "Download the citation",
        "about": "About",
        "about_data": "About the data",
        "data_intro": "Everything in this archive can be downloaded as data: one row per document, every metadata "
                      "field, actors and topics as ids and names. The files are rebuilt with the site, so they "
                      "always match it.",
        "data_files": "Files", "data_columns": "Columns of documents.csv",
        "data_citing": "Each document page also offers its citation as BibTeX, RIS and CSL-JSON.",
        "data_documents_csv": "one row per document, every metadata field; lists separated by semicolons",
        "data_documents_json": "the same metadata, with lists and terms kept structured",
        "data_taxonomy": "every {name} entry with all its registry fields and its number of documents",
        "data_package": "describes the files above (Frictionless Data), with the type and meaning of every column",
        "column": "Column", "type": "Type", "description": "Description", "format": "Format",
        "search_tips": "Tips: all words must match; the last word matches as you type. Arabic spellings with or "
                       "without hamza, diacritics or the article all match. \"exact phrase\", either OR other, "
                       "-without. Lunr syntax works too: title:xinjiang, +china -russia, terror*.",
    },
    "ar": {
        "language_names": {"en": "الإنجليزية", "ar": "العربية", "fr": "الفرنسية", "ru": "الروسية", "zh": "الصينية",
                           "ur": "الأردية", "fa": "الفارسية", "es": "الإسبانية", "de": "الألمانية"},
        "site_nav": "الموقع",
        "home": "الرئيسية", "chronology": "التسلسل الزمني", "sources": "المصادر", "search": "بحث",
        "documents": "الوثائق", "document": "وثيقة",
        "provenance": "المصدر والأصل", "translations": "الترجمات", "translation_of": "ترجمة لـ",
        "related": "وثائق ذات صلة", "names": "الأسماء والأسماء البديلة",
        "kind": "النوع", "appears_with": "يظهر مع", "latest": "أحدث الوثائق",
        "most_cited": "الأكثر ذكرًا", "page": "صفحة", "previous": "السابق", "next": "التالي",
        "contents": "المحتويات", "search_placeholder": "ابحث في الأرشيف", "skip": "انتقل إلى المحتوى",
        "all": "الكل", "count_documents": {"zero": "لا وثائق", "one": "وثيقة واحدة", "two": "وثيقتان",
                                           "few": "{n} وثائق", "many": "{n} وثيقة", "other": "{n} وثيقة"},
        "other": "أخرى", "built": "تاريخ البناء", "external": "رابط خارجي", "extra": "تفاصيل",
        "no_documents": "لا توجد وثائق بعد.", "wikidata": "ويكي بيانات", "website": "الموقع",
        "by_year": "الوثائق حسب السنة",
        "shared_terms": {"zero": "لا فاعلين ولا مواضيع مشتركة", "one": "فاعل أو موضوع مشترك واحد",
                         "two": "فاعلان أو موضوعان مشتركان", "few": "{n} فاعلين ومواضيع مشتركة",
                         "many": "{n} فاعلًا وموضوعًا مشتركًا", "other": "{n} فاعل وموضوع مشترك"},
        "more_terms": {"zero": "ولا غيرها", "one": "وواحد آخر", "two": "واثنان آخران", "few": "و{n} آخرين",
                       "many": "و{n} آخرين", "other": "و{n} آخر"},
        "results": {"zero": "لا نتائج", "one": "نتيجة واحدة", "two": "نتيجتان", "few": "{n} نتائج", "many": "{n} نتيجة",
                    "other": "{n} نتيجة"},
        "date_approximate": "نحو {date}", "date_uncertain": "{date}؟", "date_both": "نحو {date}؟",
        "note_approximate": "تاريخ تقريبي: يذكر المصدر التاريخ على وجه التقريب",
        "note_uncertain": "تاريخ غير مؤكد: لم يتمكن الأرشيف من التحقق من هذا التاريخ",
        "order_newest": "الأحدث أولًا", "order_oldest": "الأقدم أولًا", "loading": "(جارٍ تحميل بقية الفهرس…)",
        "load_error": "تعذر تحميل جزء من فهرس البحث.", "facet_language": "اللغة", "facet_year": "السنة",
        "facet_source": "المصدر", "filters": "تصفية", "show_more": "عرض المزيد من النتائج",
        "estimated": "≈ تقدير من عينة من {n} وثيقة",
        "showing_for": "نعرض نتائج {q}.", "search_instead": "ابحث بدلًا من ذلك عن {q}",
        "did_you_mean": "هل تقصد {q}؟",
        "search_label": "ابحث في العناوين والفاعلين والمواضيع والمصادر والنصوص الكاملة",
        "search_when": "الترتيب والتواريخ", "order": "الترتيب", "order_relevance": "الأكثر صلة أولًا",
        "date_from": "من", "date_to": "إلى", "date_within": "الوثائق الواقعة كلها ضمن هذه التواريخ فقط",
        "date_hint": "سنة (2019) أو شهر (2019-05) أو يوم (2019-05-06). الوثيقة المؤرخة بسنة 2019 وحدها تتداخل مع "
                     "أيار/مايو 2019؛ ويُوسَّع التاريخ غير المؤكد أو التقريبي سنةً أو شهرًا أو يومًا من كل جانب.",
        "noscript": "يحتاج البحث إلى جافاسكربت. يمكنك تصفح الأرشيف حسب التاريخ أو الفاعل أو الموضوع أو المصدر:",
        "kinds": {"person": ("شخص", "أشخاص"), "state": ("دولة", "دول"), "organisation": ("منظمة", "منظمات"),
                  "group": ("جماعة", "جماعات"), "institution": ("مؤسسة", "مؤسسات"),
                  "media": ("وسيلة إعلام", "وسائل إعلام")},
        "attachments": "الملفات",
        "originals_text": "نص الأصل", "text_extracted": "النص المضمّن في الملف",
        "text_ocr": "مقروء بالتعرّف الضوئي على الحروف", "ocr_confidence": "درجة الثقة {n}٪، قد يحتوي على أخطاء",
        "in_original": "في {file}، ص {page}:",
        "held_draft": "مسودة: غير منشورة", "held_embargo": "محظور النشر حتى {date}: لا يُنشر قبل ذلك",
        "held_future": "مؤرخة في المستقبل: لا تُنشر قبل {date}",
        "held_expired": "انتهت صلاحيتها في {date}: لم تعد منشورة",
        "redirect_moved": "نُقلت هذه الصفحة إلى", "redirect_title": "نُقلت",
        "cite": "الاستشهاد بهذه الوثيقة", "copy_citation": "نسخ", "copied": "تم النسخ",
        "download_citation": "تنزيل الاستشهاد",
        "about": "عن الأرشيف",
        "about_data": "عن البيانات",
        "data_intro": "يمكن تنزيل كل ما في هذا الأرشيف بيانات: صف لكل وثيقة، وكل حقول البيانات الوصفية، والفاعلون "
                      "والمواضيع بمعرفاتهم وأسمائهم. تُبنى الملفات مع الموقع فتطابقه دائمًا.",
        "data_files": "الملفات", "data_columns": "أعمدة documents.csv",
        "data_citing": "تتيح كل صفحة وثيقة أيضًا الاستشهاد بها بصيغ BibTeX وRIS وCSL-JSON.",
        "data_documents_csv": "صف لكل وثيقة بكل حقول بياناتها الوصفية؛ القوائم مفصولة بفواصل منقوطة",
        "data_documents_json": "البيانات الوصفية نفسها مع الحفاظ على بنية القوائم والمصطلحات",
        "data_taxonomy": "كل مدخل من {name} بكل حقول السجل وعدد وثائقه",
        "data_package": "وصف للملفات أعلاه (Frictionless Data) مع نوع كل عمود ومعناه",
        "column": "العمود", "type": "النوع", "description": "الوصف", "format": "الصيغة",
        "search_tips": "يجب أن تتطابق كل الكلمات، وتُطابَق الكلمة الأخيرة أثناء الكتابة. تتطابق الكتابات العربية مع "
                       "الهمزة أو بدونها ومع التشكيل أو بدونه ومع أداة التعريف أو بدونها. \"عبارة مطابقة\"، هذه OR "
                       "تلك، -بدون.",
    },
}
# The documents' field labels are declared with the fields (`schema.Field.label`), each under the field's name
for _name, _spec in DOCUMENT_FIELDS.items():
    for _lang, _label in _spec.label.items():
        STRINGS[_lang].setdefault(_name, _label)
        if _name == "url":  # its name before the labels moved there: a project's own document.html may use it
            STRINGS[_lang].setdefault("original", _label)


def ui_language(lang: str) -> str:
    """The language of the interface words on a page in `lang`."""
    primary = lang.split("-")[0]
    return primary if primary in STRINGS else "en"


def language_name(code: str, ui_lang: str) -> str:
    """The name of language `code` in the words of `ui_lang`, else the code as written."""
    return STRINGS.get(ui_lang, STRINGS["en"])["language_names"].get(code.split("-")[0], code)


def kind_label(kind: str, ui_lang: str, plural: bool = False) -> tuple[str, str]:
    """A registry `kind` in the interface language, and that language ("" when shown as written)."""
    labels = STRINGS[ui_lang]["kinds"].get(kind)
    return (labels[plural], ui_lang) if labels else (kind, "")


# Languages written in a script other than Latin; any other language is taken to be written in Latin.
SCRIPTS = {"ARABIC": {"ar", "fa", "ur", "ps", "sd", "ug", "ckb"}, "HEBREW": {"he", "yi"}, "THAANA": {"dv"},
           "CYRILLIC": {"ru", "uk", "bg", "sr", "be", "kk", "mk"}, "GREEK": {"el"}, "CJK": {"zh", "ja"},
           "HIRAGANA": {"ja"}, "KATAKANA": {"ja"}, "HANGUL": {"ko"}, "DEVANAGARI": {"hi", "mr", "ne"}}
_NON_LATIN = set().union(*SCRIPTS.values())


def text_language(text: str, candidates: tuple[str, ...]) -> str:
    """The first of `candidates` written in the script of the first letter of `text` ("" if none is):
    how text of undeclared language (source names, authors, notes) gets its `lang`, so an English note
    on an Arabic page is marked English and laid out left to right, and a Chinese name is marked
    with no language rather than a wrong one."""
    for char in text:
        if unicodedata.bidirectional(char) in ("L", "R", "AL"):
            script = unicodedata.name(char, "").split(" ")[0]
            return next((c for c in candidates if _writes(c.split("-")[0].lower(), script)), "")
    return ""


def _writes(lang: str, script: str) -> bool:
    return lang in SCRIPTS.get(script, ()) if lang in _NON_LATIN else script == "LATIN"
