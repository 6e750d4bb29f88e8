"""The KEYS a script declares in its header, and the names a call passes for them.

A script's header names each of its keys on a line of its own::

    -- KEYS[1] stats                    the global counters
    -- KEYS[2] group(ARGV[2])           the group record (ARGV[2] is the group's id)
    -- KEYS[3] app_build(ARGV[2]|ARGV[3])   one id made of two arguments, joined by '|'
    -- KEYS[4] job(ARGV[2].job)         a field of a packed (JSON) argument
    -- KEYS[5+2k] job(ARGV[4+2k])       one key per repeated argument, k = 0, 1, ...
    -- KEYS[6+2k] job_log(ARGV[4+2k])   (the repeated keys come last, one block per item)
    -- KEYS[5+k] job(ARGV[2][1+k].id)   the ``id`` of each item of a JSON list

The word before the brackets is a template of :data:`qgjob_store.keys.TEMPLATES`; a missing
argument (or field) names the key with an empty id, so each key keeps its position. The
header is the one declaration: :class:`qgjob_store.scripts.Scripts` computes the KEYS of
every call from it, and the loader checks it against the keys the script's code uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from qgjob_store.keys import TEMPLATES, Keys


class KeysHeaderError(ValueError):
    """A script's KEYS lines do not say what they must."""


_LINE = re.compile(r"^--\s*KEYS\[(\d+)(?:\+(\d*)k)?\]\s+([a-z_]+)(?:\(([^)\s]*)\))?\s*(.*)$")
_ARGV = re.compile(r"^ARGV\[(\d+)(?:\+(\d*)k)?\]")
_STEP = re.compile(r"^(?:\.([A-Za-z_]\w*)|\[(\d+)(?:\+(\d*)k)?\])")


@dataclass(frozen=True)
class Step:
    """One step of a reference: a 1-based index (``k`` times ``stride`` on top when
    ``stride``) or a field name."""

    index: int = 0
    stride: int = 0
    field: str = ""


@dataclass(frozen=True)
class Ref:
    """Where an id is found: ``ARGV[i]``, then fields and list items of its JSON."""

    steps: tuple[Step, ...]

    @property
    def repeats(self) -> bool:
        return any(s.stride for s in self.steps)


@dataclass(frozen=True)
class KeyLine:
    index: int
    stride: int
    template: str
    refs: tuple[Ref, ...]
    what: str

    @property
    def fixed(self) -> bool:
        """A key of the deployment (no id): its name is known without any argument."""
        return not self.refs


def _parse_ref(text: str, where: str) -> Ref:
    m = _ARGV.match(text)
    if not m:
        raise KeysHeaderError(f"{where}: {text!r} is not ARGV[i]...")
    steps = [Step(index=int(m[1]), stride=_stride(m[2]))]
    rest = text[m.end() :]
    while rest:
        s = _STEP.match(rest)
        if not s:
            raise KeysHeaderError(f"{where}: cannot read {rest!r} of {text!r}")
        if s[1]:
            steps.append(Step(field=s[1]))
        else:
            steps.append(Step(index=int(s[2]), stride=_stride(s[3])))
        rest = rest[s.end() :]
    if sum(1 for s in steps if s.stride) > 1:
        raise KeysHeaderError(f"{where}: {text!r} repeats over more than one step")
    return Ref(tuple(steps))


def _stride(text: str | None) -> int:
    if text is None:
        return 0
    return int(text) if text else 1


def parse_keys(name: str, header: Sequence[str]) -> ScriptKeys:
    """The KEYS lines of a script's header (its leading comment lines)."""
    lines: list[KeyLine] = []
    for text in header:
        m = _LINE.match(text.strip())
        if not m:
            if "KEYS[" in text and text.lstrip("- ").startswith("KEYS["):
                raise KeysHeaderError(f"{name}: cannot read {text.strip()!r}")
            continue
        where = f"{name}: KEYS[{m[1]}]"
        template = m[3]
        if template not in TEMPLATES:
            raise KeysHeaderError(f"{where}: no key template {template!r} in keys.py")
        has_id = "{}" in TEMPLATES[template]
        refs = tuple(_parse_ref(r, where) for r in m[4].split("|")) if m[4] else ()
        if has_id != bool(refs):
            need = "names its id" if has_id else "takes no id"
            raise KeysHeaderError(f"{where}: {template} {need}")
        line = KeyLine(int(m[1]), _stride(m[2]), template, refs, m[5].strip())
        if bool(line.stride) != any(r.repeats for r in refs):
            raise KeysHeaderError(f"{where}: a repeated key needs a repeated argument, and back")
        lines.append(line)
    return ScriptKeys(name, tuple(lines))


@dataclass(frozen=True)
class ScriptKeys:
    name: str
    lines: tuple[KeyLine, ...]

    def __post_init__(self) -> None:
        once = [k for k in self.lines if not k.stride]
        each = [k for k in self.lines if k.stride]
        if self.lines[: len(once)] != tuple(once):
            raise KeysHeaderError(f"{self.name}: repeated keys come after the others")
        if [k.index for k in once] != list(range(1, len(once) + 1)):
            raise KeysHeaderError(f"{self.name}: KEYS are numbered 1, 2, ... in order")
        first = len(once) + 1
        if [k.index for k in each] != list(range(first, first + len(each))):
            raise KeysHeaderError(f"{self.name}: repeated KEYS follow on, in order")
        if any(k.stride != len(each) for k in each):
            raise KeysHeaderError(f"{self.name}: repeated KEYS step by {len(each)} (one block)")

    @property
    def once(self) -> tuple[KeyLine, ...]:
        return tuple(k for k in self.lines if not k.stride)

    @property
    def each(self) -> tuple[KeyLine, ...]:
        return tuple(k for k in self.lines if k.stride)

    def fixed_slots(self) -> dict[str, int]:
        """KEYS index of each fixed key (``stats`` -> 3): the script's K.stats is KEYS[3]."""
        return {k.template: k.index for k in self.lines if k.fixed}

    def templates(self) -> set[str]:
        return {k.template for k in self.lines}

    def binder(self, keys: Keys) -> Callable[[Sequence[Any]], list[str]]:
        """A function of a call's ARGV (``ARGV[1]`` the key base first; packed arguments as
        the dicts or lists they encode, or their JSON) to the KEYS it passes."""
        base = keys.base
        parts = {t: TEMPLATES[t].split("{}", 1) for t in self.templates() if "{}" in TEMPLATES[t]}

        def name(line: KeyLine, argv: Sequence[Any], k: int, cache: dict[int, Any]) -> str:
            if line.fixed:
                return base + TEMPLATES[line.template]
            head, tail = parts[line.template]
            ids = "|".join(_value(r, argv, k, cache) for r in line.refs)
            return base + head + ids + tail

        once, each = self.once, self.each

        def bind(argv: Sequence[Any]) -> list[str]:
            cache: dict[int, Any] = {}
            out = [name(line, argv, 0, cache) for line in once]
            if each:
                for k in range(_repeats(each[0], argv, cache)):
                    out += [name(line, argv, k, cache) for line in each]
            return out

        return bind


def _decoded(value: Any, pos: int, cache: dict[int, Any]) -> Any:
    """A packed argument as data (the caller may pass its JSON text)."""
    if isinstance(value, str | bytes):
        if pos not in cache:
            try:
                cache[pos] = orjson.loads(value) if value else None
            except orjson.JSONDecodeError:
                cache[pos] = None
        return cache[pos]
    return value


def _walk(ref: Ref, argv: Sequence[Any], k: int, cache: dict[int, Any]) -> tuple[Any, int]:
    """The value ``ref`` names for item ``k``, and how many items its repeated step has."""
    first = ref.steps[0]
    count = _count(len(argv), first)
    i = first.index + first.stride * k
    value: Any = argv[i - 1] if 0 < i <= len(argv) else None
    if len(ref.steps) > 1:
        value = _decoded(value, i, cache)
    for step in ref.steps[1:]:
        if step.field:
            value = value.get(step.field) if isinstance(value, Mapping) else None
        else:
            items = value if isinstance(value, list) else []
            count = _count(len(items), step) if step.stride else count
            j = step.index + step.stride * k
            value = items[j - 1] if 0 < j <= len(items) else None
    return value, count


def _count(n: int, step: Step) -> int:
    if not step.stride:
        return 0
    return max(0, (n - step.index) // step.stride + 1) if n >= step.index else 0


def _value(ref: Ref, argv: Sequence[Any], k: int, cache: dict[int, Any]) -> str:
    value, _ = _walk(ref, argv, k, cache)
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode()
    return value if isinstance(value, str) else str(value)


def _repeats(line: KeyLine, argv: Sequence[Any], cache: dict[int, Any]) -> int:
    ref = next(r for r in line.refs if r.repeats)
    return _walk(ref, argv, 0, cache)[1]
