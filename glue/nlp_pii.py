"""PII redaction for the Glue job: a Python port of src/text/pii.ts (REDACT_PII). E-mail addresses,
URLs and phone numbers become [EMAIL], [URL] and [PHONE] before cleaning, exactly as the in-worker
stage does (test/fixtures/processed-record-vectors.json checks both).

JavaScript's \\p{L} and [\\p{L}\\p{N}] come from text_rules.json (generated from the JavaScript
engine), \\d and \\b are ASCII as in JavaScript, \\s is JavaScript's whitespace.

Pure standard library.
"""

from __future__ import annotations

import re
from typing import Callable, List, Sequence

from nlp_text import JS_WHITESPACE, TextRules, _class_body

PII_TOKENS = {"email": "[EMAIL]", "phone": "[PHONE]", "url": "[URL]"}
_URL_STOP = JS_WHITESPACE + "<>\"'`{}|\\\\^"
_CURRENCY_BEFORE = re.compile(
    r"[$€£¥₹][" + JS_WHITESPACE + r"]?\Z|\b(?:USD|EUR|GBP|JPY|INR|CHF|CAD|AUD|MXN|BRL|Rs\.?)[" + JS_WHITESPACE + r"]?\Z",
    re.IGNORECASE | re.ASCII,
)
_CURRENCY_AFTER = re.compile(
    r"^[" + JS_WHITESPACE + r"]?(?:[$€£¥₹%]|(?:USD|EUR|GBP|JPY|INR|CHF|CAD|AUD|MXN|BRL|dollars?|euros?|pounds?|yen|rupees?|percent)\b)",
    re.IGNORECASE | re.ASCII,
)


class PiiPatterns:
    def __init__(self, rules: TextRules, classes: dict):
        L = _class_body(classes["letter"])
        LN = _class_body(classes["letterOrNumber"])
        self.email = re.compile(
            r"(?:mailto:)?(?<![" + LN + r"._%+\-])[" + LN + r"_%+\-](?:[" + LN + r"._%+\-]*[" + LN + r"_%+\-])?@"
            r"(?:[" + LN + r"](?:[" + LN + r"\-]*[" + LN + r"])?\.)+[" + L + r"]{2,24}(?![" + LN + r"\-])"
        )
        self.scheme_url = re.compile(r"\b(?:(?:https?|ftp|sftp|ssh|file)://|www\.)[^" + _URL_STOP + r"]+", re.IGNORECASE | re.ASCII)
        self.bare_host = re.compile(
            r"(?<![" + LN + r"@.\-/])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+"
            r"(?:com|org|net|edu|gov|mil|int|io|co|info|biz|me|ly|gl|app|dev|ai|us|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|ie|ru|cn|jp|kr|in|br|mx|ar|ca|au|nz|za|eu)"
            r"(?::[0-9]{2,5})?(?:/[^" + _URL_STOP + r"]*)?(?![" + LN + r"\-])",
            re.IGNORECASE,
        )
        self.phone = re.compile(
            r"(?<![" + LN + r"_+.\-/,])(?:\+[0-9]{7,15}|(?:(?:\+|00)[0-9]{1,3}[ .\-]?)?(?:\([0-9]{1,4}\)[ .\-]?|[0-9]{1,4}[ .\-])"
            r"(?:[0-9]{1,4}[ .\-]){0,4}[0-9]{2,8})(?![" + LN + r"_]|[.,:\-/][0-9])"
        )


_patterns: dict = {}


def patterns_for(rules: TextRules, classes: dict) -> PiiPatterns:
    key = id(rules)
    compiled = _patterns.get(key)
    if compiled is None:
        compiled = _patterns[key] = PiiPatterns(rules, classes)
    return compiled


def _is_year(group: str) -> bool:
    return re.fullmatch(r"(?:19|20)[0-9][0-9]", group) is not None


def _looks_like_date(groups: List[str], seps: List[str]) -> bool:
    if len(groups) != 3 or any(s == " " for s in seps):
        return False
    a, b, c = groups

    def short(g: str) -> bool:
        return len(g) <= 2 and 1 <= int(g) <= 31

    return (len(a) == 4 and short(b) and short(c)) or (short(a) and short(b) and (len(c) == 4 or len(c) == 2))


def is_phone(candidate: str, before: str = "", after: str = "") -> bool:
    digits = re.sub(r"[^0-9]", "", candidate)
    if len(digits) < 7 or len(digits) > 15:
        return False
    if _CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(after):
        return False
    if re.fullmatch(r"\+[0-9]+", candidate):
        return True
    international = re.match(r"(?:\+|00)", candidate) is not None
    parenthesised = "(" in candidate
    body = re.sub(r"^(?:\+|00)[0-9]{1,3}[ .\-]?", "", candidate, count=1) if international else candidate
    groups = [g for g in re.split(r"[ .\-()]+", body) if g != ""]
    seps = re.findall(r"[ .\-]", body)
    if all(_is_year(g) for g in groups):
        return False
    if _looks_like_date(groups, seps):
        return False
    if not international and len(seps) > 0 and all(s == "." for s in seps) and len(groups) in (4, 2):
        return False
    if international or parenthesised:
        return len(groups) >= 2 or len(digits) >= 9
    if len(groups) >= 3:
        return sum(1 for g in groups if len(g) >= 2) >= len(groups) - 1 and len(groups[-1]) >= 2
    return len(groups) == 2 and len(groups[0]) == 3 and len(groups[1]) == 4 and seps[0] != " "


def _trim_url(url: str) -> str:
    end = len(url)
    while True:
        ch = url[end - 1] if end > 0 else ""
        if end > 0 and ch in ".,;:!?'\"*":
            end -= 1
            continue
        if ch in (")", "]"):
            opener = "(" if ch == ")" else "["
            body = url[:end]
            if body.count(opener) < body.count(ch):
                end -= 1
                continue
        return url[:end]


def redact_pii(text: str, patterns: PiiPatterns) -> str:
    if text == "":
        return text
    out = text
    if "@" in out:
        out = patterns.email.sub(PII_TOKENS["email"], out)

    def url(match: "re.Match[str]") -> str:
        whole = match.group(0)
        kept = _trim_url(whole)
        if len(kept) == 0:
            return whole
        return PII_TOKENS["url"] + whole[len(kept) :]

    out = patterns.scheme_url.sub(url, out)
    if "." in out:
        out = patterns.bare_host.sub(url, out)
    if re.search(r"[0-9]", out):

        def phone(match: "re.Match[str]") -> str:
            candidate, offset, whole = match.group(0), match.start(), match.string
            if not is_phone(candidate, whole[max(0, offset - 6) : offset], whole[offset + len(candidate) : offset + len(candidate) + 10]):
                return candidate
            return PII_TOKENS["phone"]

        out = patterns.phone.sub(phone, out)
    return out
