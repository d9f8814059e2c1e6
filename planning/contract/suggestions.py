""""Did you mean …" for unknown references and values not allowed, kept fast at scale.
"""
from __future__ import annotations






#: Distinct unknown or not-allowed values per column that get a "did you mean" suggestion.
SUGGEST_LIMIT = 200


#: Up to this many ids and names, an unknown reference is compared with every one of them.
SUGGEST_ALL = 5_000


#: Beyond that, with this many alphabetical neighbours on either side.
SUGGEST_NEAR = 40


class Suggestions:
    """The closest existing ids and names for an unknown reference ("H-SCH01 疏勒县第一中学").

    Only the first ``limit`` distinct unknown values get suggestions, so that a file
    of garbage stays fast to report. Beyond :data:`SUGGEST_ALL` ids and names, a value is
    compared with its :data:`SUGGEST_NEAR` alphabetical neighbours on either side (where a
    slip in an id or a name lands) instead of with every one: at 50,000 people a whole
    comparison costs about a second per value.
    """

    def __init__(self, frames, targets, limit: int = SUGGEST_LIMIT):
        import difflib

        self._match = difflib.get_close_matches
        self.label: dict[str, str] = {}
        for x in targets:
            df = frames.get(x)
            if df is None or "id" not in df.columns:
                continue
            ids = df["id"].tolist()
            nm = df["name"].tolist() if "name" in df.columns else [""] * len(ids)
            for i, n in zip(ids, nm):
                if not isinstance(i, str) or not i:
                    continue
                n = n if isinstance(n, str) else ""
                both = f"{i} {n}".strip()
                self.label.setdefault(i, both)
                if n:
                    self.label.setdefault(n, both)
        self.keys = list(self.label)
        self.sorted = sorted(self.keys) if len(self.keys) > SUGGEST_ALL else None
        self.left = limit

    def __call__(self, value) -> str:
        if self.left <= 0 or not self.keys:
            return ""
        self.left -= 1
        text = str(value)
        keys = self.keys
        if self.sorted is not None:
            import bisect

            at = bisect.bisect_left(self.sorted, text)
            keys = self.sorted[max(0, at - SUGGEST_NEAR):at + SUGGEST_NEAR]
        found = self._match(text, keys, n=4, cutoff=0.5)
        out = list(dict.fromkeys(self.label[k] for k in found))[:2]
        return "|".join(out)
