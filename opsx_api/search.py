"""What a search term means, as SQL conditions.

Substring search (users): a literal, case-insensitive substring; `%`, `_` and
`\\` match themselves.

Prospect search (`q` on GET /prospects), over name, phone and email:
- 3 characters or more: a literal, case-insensitive substring of one of them.
- 1 or 2 characters: the start of a word. Words are separated by spaces and
  punctuation (`models.search_text.SEPARATORS`); the term's own separators are
  dropped, so `a` finds "Ada Lovelace", "Grace Adams" and "x@acme.test", `55`
  finds "+1 555 0100", `+4` is `4`, and a term of separators only (`@`, `%`)
  filters nothing, like an empty one. Substrings of one or two characters
  would match nearly everything and no index can serve them; word starts are
  what contact lists on phones match while a person is still typing.
Both read the folded `prospects.search_text` column, which a trigram index
serves on PostgreSQL. A term with separators whose joined form (separators
removed) has three characters or more is looked up in `search_joined` instead,
whose trigrams cross separators (see models/search_text.py and
docs/decisions/prospects.md), and rechecked literally.
"""

from dataclasses import dataclass

from sqlalchemy import func

from models.search_text import SEPARATORS, fold, fold_joined

SHORT_TERM = 2
# pg_trgm finds no trigram in a pattern shorter than this: the index would
# hand back every row.
TRIGRAM = 3


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text: str):
    """`column` contains `text`, ignoring case, with no wildcards."""
    return func.lower(column).like(f"%{escape_like(text.lower())}%", escape="\\")


@dataclass(frozen=True)
class ProspectSearch:
    """LIKE patterns for one term: `folded` on search_text, `literal` per column.

    `literal` is set only when the folded pattern alone could match more than
    the term: when the term has separators (folding makes them all spaces, and
    fields are joined by spaces). `joined`, on search_joined, is set with it
    when the term without its separators is long enough for a trigram: the
    index step then looks the term up there (a superset of the literal
    matches, since the literal term's joined form is in the row's).
    """

    folded: str
    literal: str | None = None
    joined: str | None = None

    @property
    def shape(self) -> str:
        if self.joined:
            return "joined"
        return "literal" if self.literal else "folded"


def prospect_search(term: str | None) -> ProspectSearch | None:
    """The search for `term`, or None when it filters nothing."""
    text = (term or "").strip()
    if not text:
        return None
    folded = fold(text)
    if len(text) <= SHORT_TERM:
        word = "".join(ch for ch in text.lower() if ch not in SEPARATORS)
        return ProspectSearch(f"% {escape_like(word)}%") if word else None
    pattern = f"%{escape_like(folded or '')}%"
    if not any(ch in SEPARATORS for ch in text):
        return ProspectSearch(pattern)
    literal = f"%{escape_like(text.lower())}%"
    joined = fold_joined(text)
    if len(joined) < TRIGRAM:
        return ProspectSearch(pattern, literal)
    return ProspectSearch(pattern, literal, f"%{escape_like(joined)}%")
