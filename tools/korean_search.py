"""Sphinx extension: search for the Korean book. Sphinx has no Korean search language and
indexes 게이트를, 상태는 as whole words, so a search for 상태 misses most pages.

Korean attaches particles and endings to words (상태를, 게이트는, LSTM과). The index therefore
also holds every prefix of a word that ends in or before Hangul: 상태를 is indexed as 상,
상태 and 상태를; LSTM과 as lstm and lstm과. A query word is looked up as typed, so 상태 and
게이트 find every page that uses them in any form; the browser-side stemmer strips one
particle from a query word of three or more characters (상태를 -> 상태), which only widens
the search, since every prefix is in the index.
"""

import re

from sphinx.search import SearchLanguage

HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
PARTICLES = (
    "으로",
    "에서",
    "에게",
    "까지",
    "부터",
    "처럼",
    "보다",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "와",
    "과",
    "도",
    "로",
    "만",
)


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = """
/** Korean: strips one particle from a word of three or more characters (tools/korean_search.py). */
var Stemmer = function() {
  const particle = /(%s)$/u;
  this.stemWord = function(word) {
    return word.length >= 3 ? word.replace(particle, "") : word;
  };
};
""" % "|".join(PARTICLES)  # noqa: UP031 (braces of the JavaScript)

    def split(self, text):
        words = []
        for word in super().split(text):
            words.append(word)
            words += [
                word[:end]
                for end in range(1, len(word))
                if HANGUL.match(word[end - 1]) or HANGUL.match(word[end])
            ]
        return words


def setup(app):
    app.add_search_language(SearchKorean)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
