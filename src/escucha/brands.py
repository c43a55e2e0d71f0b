"""Find mentions of our brand and competitors: accent- and case-insensitive, on word boundaries.

A brand matches by its name or aliases as whole words (also inside a #hashtag of that word),
by its @handles (exact accounts) and by its #hashtags.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from escucha.config import Brand
from escucha.core.text import fold


def _word_pattern(term: str) -> str:
    words = fold(term).split()
    return r"\s+".join(re.escape(w) for w in words)


class BrandMatcher:
    def __init__(self, brands: Sequence[Brand]) -> None:
        self.brands = tuple(brands)
        parts = []
        self._group_brand: dict[str, str] = {}
        for i, brand in enumerate(self.brands):
            words = [_word_pattern(t) for t in (brand.name, *brand.aliases) if t.strip()]
            handles = [re.escape(fold(h.lstrip("@"))) for h in brand.handles]
            tags = [re.escape(fold(t.lstrip("#"))) for t in brand.hashtags]
            alternatives = []
            if words:
                alternatives.append(r"(?<![\w@])(?:" + "|".join(words) + r")(?!\w)")
            if handles:
                alternatives.append(r"@(?:" + "|".join(handles) + r")(?!\w)")
            if tags:
                alternatives.append(r"#(?:" + "|".join(tags) + r")(?!\w)")
            group = f"b{i}"
            self._group_brand[group] = brand.name
            parts.append(f"(?P<{group}>" + "|".join(alternatives) + ")")
        self._regex = re.compile("|".join(parts)) if parts else None
        spec = repr([(b.name, b.aliases, b.handles, b.hashtags) for b in self.brands])
        self.fingerprint = "brands-" + hashlib.sha1(spec.encode()).hexdigest()[:12]

    def match(self, text: str) -> list[str]:
        """Brand names mentioned in `text`, in the configured order, each once."""
        if self._regex is None:
            return []
        found = {
            self._group_brand[m.lastgroup] for m in self._regex.finditer(fold(text)) if m.lastgroup
        }
        return [b.name for b in self.brands if b.name in found]
