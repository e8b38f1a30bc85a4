"""Korean pages follow TERMINOLOGY.md: no rejected variant, and the writing rules it marks as tested.

Every failure names the page, the cell (or the line of intro.md), the offending text and the fix.
"""

import re

import pytest
from notebooks import ROOT, notebooks, read

GLOSSARY = ROOT / "TERMINOLOGY.md"
HANGUL = "\uac00-\ud7a3"
CODE = "\u25a1"  # what a code span or a math span leaves behind in the checked text


# --- TERMINOLOGY.md ---------------------------------------------------------------------------


def glossary(path=GLOSSARY):
    """Rows of the terms table: (english, [accepted terms], [rejected variants])."""
    rows, in_table = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = (
            [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("|")
            else None
        )
        if cells is None:
            in_table = False
        elif not in_table:
            in_table = len(cells) >= 3 and "rejected" in cells[2].lower()
        elif not set(cells[0]) <= set("-: "):
            rows.append((cells[0], split(cells[1], " / "), split(cells[2], ",")))
    return rows


def split(cell, sep):
    return [t.strip() for t in cell.split(sep) if t.strip()]


def accepted_terms(rows):
    return sorted({term for _, accepted, _ in rows for term in accepted}, key=len, reverse=True)


def gate_glosses(rows):
    """(Korean gate name, English gloss) for the rows that name gates."""
    pairs = []
    for english, accepted, _ in rows:
        names = [e.strip() for e in english.split(" / ")]
        if all(n.endswith(" gate") for n in names) and len(names) == len(accepted):
            pairs += list(zip(accepted, names, strict=True))
    return pairs


# --- the Korean text of a page ----------------------------------------------------------------


def _blank(match):
    """A removed span leaves one placeholder and its line breaks, so line numbers stay right."""
    return CODE + "\n" * match.group().count("\n")


FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.S | re.M)
INLINE_CODE = re.compile(r"``.+?``|`[^`\n]+`")
MATH = re.compile(r"\$\$.+?\$\$|\\begin\{(\w+\*?)\}.+?\\end\{\1\}|\$[^$\n]+\$", re.S)
LINK_TARGET = re.compile(r"\]\([^)\s]*\)|<[^>\n]+>")


def prose(text, keep_code_text=False, keep_math=False):
    """Markdown without code blocks, code spans, math and link targets (or with some of them kept)."""
    text = FENCE.sub(_blank, text)
    if keep_code_text:
        text = INLINE_CODE.sub(lambda m: m.group().strip("`"), text)
    else:
        text = INLINE_CODE.sub(_blank, text)
    if not keep_math:
        text = MATH.sub(_blank, text)
    return LINK_TARGET.sub(_blank, text)


def units(path):
    """(where, markdown) for every piece of Korean text of a page: markdown cells, or intro.md's lines."""
    if path.suffix == ".ipynb":
        return [
            (f"cell {i}", c.source)
            for i, c in enumerate(read(path).cells)
            if c.cell_type == "markdown"
        ]
    return [("", path.read_text(encoding="utf-8"))]


def located(where, text, position):
    """'cell 3' for a notebook, 'line 12' for intro.md; with the text around the position."""
    if not where:
        where = f"line {text.count(chr(10), 0, position) + 1}"
    start, end = max(0, position - 25), position + 35
    return where, text[start:end].replace("\n", " ")


# --- the checks: each returns a list of problems for one page ---------------------------------

ROWS = glossary()
ACCEPTED = accepted_terms(ROWS)


def rejected_variants(path, rows=ROWS):
    accepted = accepted_terms(rows)
    problems = []
    for where, markdown in units(path):
        text = prose(markdown)
        covered = set()  # positions inside an accepted term
        for term in accepted:
            for m in re.finditer(re.escape(term), text):
                covered.update(range(m.start(), m.end()))
        for english, terms, variants in rows:
            for variant in variants:
                for m in re.finditer(rf"(?<![{HANGUL}]){re.escape(variant)}", text):
                    if set(range(m.start(), m.end())) <= covered:
                        continue
                    place, context = located(where, text, m.start())
                    problems.append(
                        f"{place}: '{variant}' (use '{' / '.join(terms)}' for {english}): …{context}…"
                    )
    return problems


def gate_names_glossed(path, rows=ROWS):
    """The first time a page names a gate, its English name follows in parentheses."""
    problems = []
    cells = [(where, prose(markdown, keep_math=True)) for where, markdown in units(path)]
    for korean, english in gate_glosses(rows):
        for where, text in cells:
            m = re.search(re.escape(korean), text)
            if m:
                if not re.match(rf"\**\s*\(\s*{re.escape(english)}\b", text[m.end() :], re.I):
                    place, context = located(where, text, m.start())
                    problems.append(f"{place}: first '{korean}' without '({english})': …{context}…")
                break
    return problems


CAPTION = re.compile(r"^[*_]*\s*그림\s*[:.]", re.M)
SENTENCE_END = re.compile(r"다[)\"'”’]*[.!?][)\"'”’]*$")


def captions(path):
    """Captions are plain paragraphs starting with '그림: ', in full sentences ending in 합니다체."""
    problems = []
    for where, markdown in units(path):
        text = prose(markdown)
        for m in CAPTION.finditer(text):
            paragraph = text[m.start() :].split("\n\n")[0].strip()
            place, context = located(where, text, m.start())
            if not paragraph.startswith("그림: "):
                problems.append(f"{place}: a caption starts with '그림: ', not italic: …{context}…")
            body = paragraph.strip("*_ ")[len("그림:") :].strip()
            for sentence in re.split(r"(?<=[.!?])\s+", body):
                if sentence and not SENTENCE_END.search(sentence):
                    problems.append(f"{place}: caption sentence not in 합니다체: '{sentence[:60]}'")
    return problems


UNITS = "에포크|타임스텝|스텝|토큰|유닛|코어|차원"
COUNTERS = "개|번|초|분|배"
PARTICLE_AFTER = "[^가-힣]|이|가|을|를|은|는|의|와|과|로|으로|에|만|도|씩|짜리|째|입니다|이고|인|보다|까지|부터|마다|동안"
SPACED_UNIT = re.compile(
    rf"(?<![\w.,])\d[\d,]*(?:\.\d+)? +(?:(?:{UNITS})|(?:{COUNTERS})(?={PARTICLE_AFTER}|$))"
)


def number_unit_spacing(path):
    """A numeral is written attached to its unit: 2에포크, 40타임스텝, 10개."""
    problems = []
    for where, markdown in units(path):
        text = prose(markdown)
        for m in SPACED_UNIT.finditer(text):
            place, context = located(where, text, m.start())
            fixed = re.sub(r" +(?:타임)?스텝$", "타임스텝", m.group()).replace(
                " ", ""
            )  # bare 스텝 is 타임스텝
            problems.append(f"{place}: '{m.group()}' (write '{fixed}'): …{context}…")
    return problems


LAYER_AFTER_NAME = re.compile(rf"[A-Za-z)\]{CODE}]층")


def layer_spacing(path):
    """After an English name or code, 층 is a word of its own: `Dense` 층, LSTM 층."""
    problems = []
    for where, markdown in units(path):
        text = prose(markdown)
        for m in LAYER_AFTER_NAME.finditer(text):
            place, context = located(where, text, m.start())
            problems.append(f"{place}: no space before 층 after a name: …{context}…")
    return problems


DIGIT_FINAL = {
    "0": True,
    "1": True,
    "2": False,
    "3": True,
    "4": False,  # 영 일 이 삼 사
    "5": False,
    "6": True,
    "7": True,
    "8": True,
    "9": False,
}  # 오 육 칠 팔 구
RIEUL = {"1", "7", "8"}  # 일, 칠, 팔 end in ㄹ: 로, not 으로
PAIRS = {"이": "가", "을": "를", "은": "는", "과": "와", "으로": "로"}
NUMBER_PARTICLE = re.compile(
    r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)(\)?)(으로|이|가|을|를|은|는|과|와|로)(?![가-힣])"
)


def final_consonant(number):
    """(has a final consonant, ends in ㄹ) of the number read in Sino-Korean; None if ambiguous."""
    if "." in number:
        last = number[-1]
        return None if last == "0" else (DIGIT_FINAL[last], last in RIEUL)  # 3.10: 삼 점 십 or 일영
    digits = number.replace(",", "")
    if digits.endswith("0"):
        return True, False  # 영, 십, 백, 천, 만, 억: a final consonant, not ㄹ
    return DIGIT_FINAL[digits[-1]], digits[-1] in RIEUL


def opening(text, end):
    """Where the parenthesis closing at `end` opens; None if it does not."""
    depth, start = 1, end
    while start > 0 and depth:
        start -= 1
        depth += {")": 1, "(": -1}.get(text[start], 0)
    return start if depth == 0 else None


def gloss_of_korean(text, end):
    """Whether the parenthesis closing at `end` opens right after a Korean syllable."""
    start = opening(text, end)
    return bool(start) and "가" <= text[start - 1] <= "힣"


def particles_after_numbers(path):
    """The particle after a number follows its Sino-Korean reading: LSTM(64)가, LSTM(128)은, Dense(1)로."""
    problems = []
    for where, markdown in units(path):
        text = prose(markdown, keep_code_text=True)
        for m in NUMBER_PARTICLE.finditer(text):
            reading = final_consonant(m.group(1))
            if reading is None or (m.group(2) and gloss_of_korean(text, m.end(2) - 1)):
                continue  # 논문(Cho 등, 2014)은: the particle goes with 논문 (the names check)
            batchim, rieul = reading
            particle = m.group(3)
            consonant_form = {v: k for k, v in PAIRS.items()}.get(particle, particle)
            if consonant_form == "으로":
                expected = "로" if (not batchim or rieul) else "으로"
            else:
                expected = consonant_form if batchim else PAIRS[consonant_form]
            if particle != expected:
                place, context = located(where, text, m.start())
                problems.append(
                    f"{place}: '{m.group()}' (write '{m.group(1)}{m.group(2)}{expected}'): …{context}…"
                )
    return problems


# --- particles after English names, code and math ------------------------------------------

# the letters' Korean names end in a consonant only for L (엘), M (엠), N (엔) and R (알)
LETTER_FINAL = {"l": (True, True), "m": (True, False), "n": (True, False), "r": (True, True)}
# names read as words, not letter by letter, and words the spelling rules below would misread:
# their last syllable's (final consonant, it is ㄹ)
READINGS = {
    "jax": (False, False),  # 잭스
    "flop": (True, False),  # 플롭
    "flops": (False, False),  # 플롭스
    "numpy": (False, False),  # 넘파이
    "colab": (True, False),  # 코랩
    "adam": (True, False),  # 아담
    "rmsprop": (True, False),  # 알엠에스프롭
    "jit": (True, False),  # 짓
    "shape": (False, False),  # 셰이프
    "tanh": None,  # 탠에이치 or 하이퍼볼릭 탄젠트: either reading
    "imdb": (False, False),  # 아이엠디비
    "home": (True, False),  # KERAS_HOME: 케라스 홈
    "gflop": (True, False),  # 기가플롭
    "true": (False, False),  # 트루
    "none": (True, False),  # 논
    "worker": (False, False),  # WORKER, the worker script: 워커
    "rng": (False, False),  # the random generator, letter by letter: 알엔지
}
NAME_PARTICLE = re.compile(
    r"(\$[^$\n]+\$|(?<![\w$])[A-Za-z][\w.]*(?:\(\))?)(으로|이|가|을|를|은|는|과|와|로)(?![가-힣])"
)


def name_reading(token):
    """(final consonant, it is ㄹ) of the name, code or math read aloud; None where unsure."""
    if token.startswith("$"):
        tail = re.sub(r"[\s{}^_]+$", "", token.strip("$").rstrip("}) "))
        last = re.search(r"(?:\\[A-Za-z]+|[A-Za-z0-9])$", tail)
        if not last or last[0].startswith("\\") or last[0].isdigit():
            return None  # \rVert, digits: the number check reads those
        return LETTER_FINAL.get(last[0].lower(), (False, False))
    word = re.split(r"[_.]", token.removesuffix("()"))[-1]
    if not word or word[-1].isdigit():
        return None  # the number check reads model2, LSTM(64)
    if word.lower() in READINGS:
        return READINGS[word.lower()]
    if len(word) == 1 or (word.isupper() and word.isalpha()):  # read letter by letter: LSTM, h
        return LETTER_FINAL.get(word[-1].lower(), (False, False))
    lower = word.lower()
    if lower.endswith(("m", "n", "ng")):
        return True, False  # ㅁ, ㄴ, ㅇ: 시스템, 파이썬, 스트링
    if lower.endswith("l"):
        return True, True  # 모델, 커널
    if lower.endswith(("a", "i", "o", "u", "y", "s", "x", "z", "ce", "se", "sh", "ch", "f", "r")):
        return False, False  # 데이터, 케라스, 레이어
    return None  # -e, -p, -t, -k, -d, -g...: depends on the vowel before


def expected_particle(particle, batchim, rieul):
    """The form of `particle` (이 or 가, 으로 or 로, ...) after a syllable with or without a final
    consonant (ㄹ takes 로)."""
    consonant_form = {v: k for k, v in PAIRS.items()}.get(particle, particle)
    if consonant_form == "으로":
        return "로" if (not batchim or rieul) else "으로"
    return consonant_form if batchim else PAIRS[consonant_form]


AFTER_PARENTHESIS = re.compile(r"\)(으로|이|가|을|를|은|는|과|와|로)(?![가-힣])")


def reading_before_parenthesis(text, end):
    """The reading that decides the particle after a parenthesis closing at `end`: that of the
    word before a gloss (순전파(forward pass)를, LSTM(Long Short-Term Memory)은), that of the last
    argument of a call (LSTM(8, go_backwards=True)는); None for a number (LSTM(64)가: the
    number check's) or where unsure."""
    start = opening(text, end)
    if not start:
        return None
    before, inside = text[:start], text[start + 1 : end]
    if re.search(r"\d\s*$", inside):
        return None
    if "가" <= before[-1] <= "힣":  # a gloss: 순전파(forward pass)
        final = (ord(before[-1]) - ord("가")) % 28
        return final != 0, final == 8  # 8: ㄹ
    if re.search("[가-힣]", inside):  # a Korean gloss: keras_lstm(같은 가중치, ...)과
        word = re.search(r"[A-Za-z][\w.]*$", before)
    elif re.search(r"[=,]", inside):  # a call, read with its arguments: Embedding(mask_zero=True)가
        word = re.search(r"[A-Za-z][\w.]*$", inside)
    elif " " in inside:  # a gloss: LSTM(Long Short-Term Memory)은
        word = re.search(r"[A-Za-z][\w.]*$", before)
    else:  # tanh(activation): either
        return None
    return name_reading(word[0]) if word else None


def particles_after_names(path):
    """The particle after an English name, code or math follows its English reading:
    `LSTM`은, `GRU`는, `Dense`를, `model`을, $h_t$가, 순전파(forward pass)를; c(t-1)이 is the
    number check's."""
    problems = []
    for where, markdown in units(path):
        text = prose(markdown, keep_code_text=True, keep_math=True)
        for m in NAME_PARTICLE.finditer(text):
            reading = name_reading(m.group(1))
            if reading is None:
                continue
            particle = m.group(2)
            expected = expected_particle(particle, *reading)
            if particle != expected:
                place, context = located(where, text, m.start())
                problems.append(
                    f"{place}: '{m.group()}' (write '{m.group(1)}{expected}'): …{context}…"
                )
        for m in AFTER_PARENTHESIS.finditer(text):
            reading = reading_before_parenthesis(text, m.start())
            if reading is None:
                continue
            particle, expected = m.group(1), expected_particle(m.group(1), *reading)
            if particle != expected:
                place, context = located(where, text, m.start())
                problems.append(f"{place}: '{m.group()}' (write '){expected}'): …{context}…")
    return problems


CHECKS = [
    rejected_variants,
    gate_names_glossed,
    captions,
    number_unit_spacing,
    layer_spacing,
    particles_after_numbers,
    particles_after_names,
]
KOREAN_PAGES = (
    [p for p in notebooks() if p.parent.name == "ko"]
    + [ROOT / "intro.md"]
    + sorted((ROOT / "about" / "ko").glob("*.md"))
)


def page_id(path):
    return path.relative_to(ROOT).as_posix()


# --- the tests --------------------------------------------------------------------------------


def test_glossary_is_readable():
    assert len(ROWS) >= 40, "the terms table of TERMINOLOGY.md was not found"
    for english, accepted, rejected in ROWS:
        assert accepted, f"{english}: no Korean term"
        clash = set(accepted) & set(rejected)
        assert not clash, f"{english}: {clash} is both accepted and rejected"
    assert len(gate_glosses(ROWS)) == 5, "the five gate names and their English glosses"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("path", KOREAN_PAGES, ids=page_id)
def test_korean_page(path, check):
    problems = check(path)
    assert not problems, (
        f"{page_id(path)} breaks TERMINOLOGY.md ({check.__name__}):\n  " + "\n  ".join(problems)
    )


def test_the_checks_can_fail(tmp_path):
    """Planted faults are found: the checks are not vacuous."""
    import nbformat

    planted = [
        "창 대신 윈도를 쓰고, 매 스텝마다 텐서플로를 부릅니다. 타임스텝과 `윈도` 코드는 괜찮습니다.",
        "여기서 처음 나오는 삭제 게이트는 영어 이름이 없습니다. $\\text{입력 게이트(input gate)}$",
        "*그림: 잡음 섞인 사인파.*",
        "모델마다 2 에포크, 창은 10 타임스텝이고 `Dense`층 위에 쌓습니다.",
        "위층 `LSTM(64)`이 `LSTM(32)`을 받고, Dense(1)으로 끝납니다. LSTM(128)은 괜찮습니다.",
        "`LSTM`를 쓰고 $h_t$이 나오며 `Dense`을 붙입니다. `GRU`는, $c_t$가, `model`을 괜찮습니다.",
        "순전파(forward pass)을 하고, LSTM(Long Short-Term Memory)은 괜찮습니다.",
        "`Embedding(mask_zero=True)`이 마스크를 만듭니다.",
    ]
    path = tmp_path / "planted.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) for s in planted]), path
    )
    found = {check.__name__: check(path) for check in CHECKS}
    assert {p.split("'")[1] for p in found["rejected_variants"]} == {"윈도", "스텝", "텐서플로"}
    assert any("'삭제 게이트'" in p for p in found["gate_names_glossed"])
    assert not any("first '입력 게이트'" in p for p in found["gate_names_glossed"])
    assert len(found["captions"]) == 2  # italic, and a noun phrase instead of a sentence
    assert len(found["number_unit_spacing"]) == 2 and len(found["layer_spacing"]) == 1
    assert sorted(p.split("'")[1] for p in found["particles_after_names"]) == [
        "$h_t$이",
        ")을",
        ")이",
        "Dense을",
        "LSTM를",
    ]
    assert sorted(p.split("'")[1] for p in found["particles_after_numbers"]) == [
        "1)으로",
        "32)을",
        "64)이",
    ]
