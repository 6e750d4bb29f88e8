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
from collections.abc import Callable, Sequence
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
        the dicts or lists they encode, or their JSON) to the KEYS it passes. Each line is
        made into a function once (the worker pays for it on every job); the repeated
        lines name their keys a column at a time (a submission may carry thousands)."""
        once = [_compile(line, keys.base) for line in self.once]
        columns = [_compile_column(line, keys.base) for line in self.each]
        fixed = [name for name in once if isinstance(name, str)]
        if len(fixed) == len(once) and not columns:
            return lambda argv: list(fixed)
        items = _items(next(r for r in self.each[0].refs if r.repeats)) if columns else None

        def bind(argv: Sequence[Any]) -> list[str]:
            memo: dict[int, Any] = {}
            out = [n if isinstance(n, str) else n(argv, memo) for n in once]
            if items is not None:
                n = items(argv, memo)
                names = [column(argv, memo, n) for column in columns]
                out += (
                    names[0]
                    if len(names) == 1
                    else [x for row in zip(*names, strict=True) for x in row]
                )
            return out

        return bind


Named = Callable[[Sequence[Any], dict[int, Any]], str]
"""The name of one key in a call (memo: the packed arguments read so far)."""
Column = Callable[[Sequence[Any], dict[int, Any], int], list[str]]
"""The names of a repeated key for items 0..n-1 of a call."""


def _compile(line: KeyLine, base: str) -> str | Named:
    """A fixed key's name, or the function that names the key of ``line`` in a call."""
    if line.fixed:
        return base + TEMPLATES[line.template]
    head, tail = TEMPLATES[line.template].split("{}", 1)
    head = base + head
    getters = [_getter(r) for r in line.refs]
    if len(getters) == 1:
        (get,) = getters
        return lambda argv, memo: head + _text(get(argv, memo)) + tail
    return lambda argv, memo: head + "|".join(_text(g(argv, memo)) for g in getters) + tail


def _compile_column(line: KeyLine, base: str) -> Column:
    head, tail = TEMPLATES[line.template].split("{}", 1)
    head = base + head
    values = [_values(r) for r in line.refs]

    def column(argv: Sequence[Any], memo: dict[int, Any], n: int) -> list[str]:
        ids = [[_text(v) for v in get(argv, memo, n)] for get in values]
        joined = ids[0] if len(ids) == 1 else ["|".join(parts) for parts in zip(*ids, strict=True)]
        return [head + i + tail for i in joined]

    return column


def _text(value: Any) -> str:
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


def _walk(value: Any, steps: Sequence[Step]) -> Any:
    """The field or list item ``steps`` name in ``value`` (None when it has none)."""
    for step in steps:
        if step.field:
            value = value.get(step.field) if isinstance(value, dict) else None
        else:
            i = step.index - 1
            value = value[i] if isinstance(value, list) and i < len(value) else None
    return value


def _getter(ref: Ref) -> Callable[[Sequence[Any], dict[int, Any]], Any]:
    """The value a reference without a repeated step names in a call."""
    at, path = ref.steps[0].index - 1, ref.steps[1:]
    if not path:
        return lambda argv, memo: argv[at] if at < len(argv) else None
    if len(path) == 1 and path[0].field:
        field = path[0].field

        def get(argv: Sequence[Any], memo: dict[int, Any]) -> Any:
            # the usual case, a field of options passed as a dict: read it straight away
            value = argv[at] if at < len(argv) else None
            if value.__class__ is dict:
                return value.get(field)
            return _walk(_packed(argv, at, memo), path)

        return get
    return lambda argv, memo: _walk(_packed(argv, at, memo), path)


def _values(ref: Ref) -> Callable[[Sequence[Any], dict[int, Any], int], list[Any]]:
    """The values a reference names for items 0..n-1 (its repeated step taken n times)."""
    if not ref.repeats:
        get = _getter(ref)
        return lambda argv, memo, n: [get(argv, memo)] * n
    r = next(i for i, s in enumerate(ref.steps) if s.stride)
    step, rest = ref.steps[r], ref.steps[r + 1 :]
    outer = _getter(Ref(ref.steps[:r])) if r else None

    def values(argv: Sequence[Any], memo: dict[int, Any], n: int) -> list[Any]:
        if outer is None:  # repeated arguments: ARGV[a+bk]
            found = list(argv[step.index - 1 :: step.stride][:n])
            if rest:
                found = [_walk(_decoded(v), rest) for v in found]
        else:  # items of a packed argument: ARGV[i][a+bk]...
            items = outer(argv, memo) if r > 1 else _packed(argv, ref.steps[0].index - 1, memo)
            found = items[step.index - 1 :: step.stride][:n] if isinstance(items, list) else []
            if rest:
                found = [_walk(v, rest) for v in found]
        return found + [None] * (n - len(found))

    return values


def _decoded(value: Any) -> Any:
    """A packed argument as data: the caller may pass its JSON text."""
    if isinstance(value, str | bytes):
        try:
            return orjson.loads(value) if value else None
        except orjson.JSONDecodeError:
            return None
    return value


def _packed(argv: Sequence[Any], i: int, memo: dict[int, Any]) -> Any:
    """Argument ``i`` (0-based) as data, decoded once per call."""
    if i not in memo:
        memo[i] = _decoded(argv[i] if i < len(argv) else None)
    return memo[i]


def _items(ref: Ref) -> Callable[[Sequence[Any], dict[int, Any]], int]:
    """How many items the repeated step of ``ref`` has in a call."""
    r = next(i for i, s in enumerate(ref.steps) if s.stride)
    step = ref.steps[r]
    if r == 0:
        return lambda argv, memo: _count(len(argv), step)
    outer = _getter(Ref(ref.steps[:r]))
    at = ref.steps[0].index - 1

    def count(argv: Sequence[Any], memo: dict[int, Any]) -> int:
        items = outer(argv, memo) if r > 1 else _packed(argv, at, memo)
        return _count(len(items), step) if isinstance(items, list) else 0

    return count


def _count(n: int, step: Step) -> int:
    """Items k = 0, 1, ... with ``index + stride * k`` (1-based) within ``n``."""
    return max(0, (n - step.index) // step.stride + 1) if n >= step.index else 0
