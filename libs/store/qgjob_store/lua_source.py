"""The Lua text each script ships as, assembled the way BullMQ's script loader does.

``lua/<name>.lua`` opens with a header (what it does, its KEYS, ARGV and reply) and names
the helpers it uses with ``--- @include "includes/<helper>"`` lines; each include names its
own the same way (paths relative to the including file). Each include line is replaced by
that file, its own includes first, every file once per script. After the header come the
generated definitions the code uses, and only those: ``K``, the key names (a fixed key is
its ``KEYS[i]``, a key of an id is built from ``B``, the key base ``ARGV[1]``), the
retention settings, the models' value sets and the consumer-group names.

The text starts with ``-- qgjob script: <name>``, and each of its lines remembers the file
and line it came from: an error's ``@user_script:N`` is reported as that file's line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from qgjob_store.keys import LUA_NAMES, TEMPLATES, lua_key_names
from qgjob_store.script_keys import ScriptKeys, parse_keys

_INCLUDE = re.compile(r'^---[ \t]*@include[ \t]+"([^"]+)"[ \t]*$')
_IDENT = re.compile(r"(?<![.:\w])([A-Za-z_]\w*)")
_FIELD_OF_K = re.compile(r"(?<![.:\w])K\.([A-Za-z_]\w*)")
_LOCALS = re.compile(
    r"\blocal\s+(?:function\s+([A-Za-z_]\w*)|([A-Za-z_][\w \t,]*?)\s*(?:=|$))", re.M
)
_LINE_OF_ERROR = re.compile(r'(?:user_script|\[string "[^"]*"\]):(\d+)')
GENERATED = "(generated)"


class ScriptSourceError(ValueError):
    """A script cannot be assembled: an include is missing, a helper used is not included,
    a key used is not declared in the header."""


def read_lua(path: str) -> str:
    """The text of ``lua/<path>.lua`` (``path`` like ``renew`` or ``includes/emit``)."""
    return resources.files("qgjob_store").joinpath("lua", f"{path}.lua").read_text("utf-8")


def code_only(text: str) -> str:
    """Lua ``text`` without its comments and with every string literal emptied (lines kept):
    what the checks look for names in."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("--", i):
            long = re.match(r"--\[(=*)\[", text[i : i + 16])
            if long:
                end = text.find("]" + long[1] + "]", i)
                end = n if end < 0 else end + len(long[1]) + 2
            else:
                end = text.find("\n", i)
                end = n if end < 0 else end
            out.append("\n" * text.count("\n", i, end))
            i = end
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append("''")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def names_used(code: str) -> set[str]:
    """Names ``code`` refers to (not fields: ``x.name`` is not ``name``)."""
    return set(_IDENT.findall(code))


def names_declared(code: str) -> set[str]:
    """Names ``code`` declares with ``local``."""
    out: set[str] = set()
    for fn, names in _LOCALS.findall(code):
        out |= {fn} if fn else {x.strip() for x in names.split(",") if x.strip()}
    return out


@dataclass(frozen=True)
class _File:
    path: str
    lines: tuple[str, ...]
    includes: tuple[tuple[int, str], ...]
    """(line number, path) of each include line."""
    defines: frozenset[str]
    """Names the file declares at its top level (an include's helpers and constants)."""
    declares: frozenset[str]
    """Every name it declares with ``local``, inside functions too."""
    uses: frozenset[str]


def _parse(path: str, text: str) -> _File:
    lines = tuple(text.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    includes: list[tuple[int, str]] = []
    for no, line in enumerate(lines, 1):
        m = _INCLUDE.match(line.strip())
        if m:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), m[1]))
            if any(t == target for _, t in includes):
                raise ScriptSourceError(f"lua/{path}.lua:{no}: {m[1]} is included twice")
            includes.append((no, target))
    code = code_only(text)
    top = "\n".join(line for line in code.split("\n") if line.startswith("local"))
    return _File(
        path,
        lines,
        tuple(includes),
        frozenset(names_declared(top)),
        frozenset(names_declared(code)),
        frozenset(names_used(code)),
    )


@dataclass(frozen=True)
class Source:
    """One script as shipped."""

    name: str
    text: str
    keys: ScriptKeys
    origins: tuple[tuple[str, int], ...]
    """Per line of :attr:`text`: the file it came from (``lua/...``, or ``(generated)``)
    and its line there."""
    includes: tuple[str, ...]
    """The include files emitted, in order (each once, after those it includes)."""

    def origin(self, line: int) -> str:
        if not 0 < line <= len(self.origins):
            return f"line {line}"
        path, no = self.origins[line - 1]
        return path if path == GENERATED else f"{path}:{no}"

    def explain(self, message: str) -> str:
        """``message`` (a script error) with the script's name and the source line its
        ``@user_script:N`` points at."""
        m = _LINE_OF_ERROR.search(message)
        where = f", {self.origin(int(m[1]))}" if m else ""
        return f"{message} [qgjob script {self.name}{where}]"


def assemble(name: str, text: str, generated: Mapping[str, str], path: str = "") -> Source:
    """The shipped text of script ``name`` whose file ``lua/<path>.lua`` holds ``text``
    (``path`` defaults to ``name``). ``generated``: Lua definitions by the name they
    define (settings, value sets), emitted when the code uses that name."""
    path = path or name
    top = _parse(path, text)
    header_end = 0
    while header_end < len(top.lines) and _is_header(top.lines[header_end]):
        header_end += 1
    keys = parse_keys(name, top.lines[:header_end])

    body: list[tuple[str, str, int]] = []  # (text, file, line)
    emitted: list[str] = []
    files: dict[str, _File] = {path: top}

    def emit(f: _File, start: int, stack: tuple[str, ...]) -> None:
        where = dict(f.includes)
        for no in range(start + 1, len(f.lines) + 1):
            target = where.get(no)
            if target is None:
                body.append((f.lines[no - 1], f"lua/{f.path}.lua", no))
                continue
            if target in stack:
                raise ScriptSourceError(f"lua/{f.path}.lua:{no}: includes itself via {target}")
            if target in emitted:
                continue
            try:
                child = files.get(target) or _parse(target, read_lua(target))
            except FileNotFoundError:
                raise ScriptSourceError(
                    f"lua/{f.path}.lua:{no}: no include lua/{target}.lua"
                ) from None
            files[target] = child
            emit(child, 0, (*stack, target))
            emitted.append(target)

    emit(top, header_end, (path,))
    _check_helpers(files)
    code = code_only("\n".join(t for t, _, _ in body))
    prologue = _prologue(name, keys, code, generated)
    lines: list[tuple[str, str, int]] = [(f"-- qgjob script: {name}", GENERATED, 1)]
    lines += [(top.lines[i], f"lua/{path}.lua", i + 1) for i in range(header_end)]
    lines += [(t, GENERATED, i + 2) for i, t in enumerate(prologue)]
    lines += body
    return Source(
        name=name,
        text="\n".join(t for t, _, _ in lines) + "\n",
        keys=keys,
        origins=tuple((f, no) for _, f, no in lines),
        includes=tuple(emitted),
    )


def _is_header(line: str) -> bool:
    text = line.strip()
    return text.startswith("--") and not _INCLUDE.match(text)


@cache
def _library() -> frozenset[str]:
    """Every name an include file of ``lua/includes/`` defines."""
    out: set[str] = set()
    for entry in resources.files("qgjob_store").joinpath("lua", "includes").iterdir():
        if entry.name.endswith(".lua"):
            out |= _parse(f"includes/{entry.name[:-4]}", entry.read_text("utf-8")).defines
    return frozenset(out)


def _check_helpers(files: Mapping[str, _File]) -> None:
    """Each file includes the helpers it uses, and uses those it includes (leaning on an
    include of an include would break when that one changes)."""
    helpers = {p: f.defines for p, f in files.items() if p.startswith("includes/")}
    every = _library().union(*helpers.values())
    for f in files.values():
        wanted = (f.uses - f.declares) & every
        given = frozenset().union(*(helpers[t] for _, t in f.includes))
        if wanted - given:
            raise ScriptSourceError(
                f"lua/{f.path}.lua uses {', '.join(sorted(wanted - given))} without including it"
            )
        for _, target in f.includes:
            if not helpers[target] & f.uses:
                raise ScriptSourceError(f"lua/{f.path}.lua includes {target} and does not use it")


def _prologue(name: str, keys: ScriptKeys, code: str, generated: Mapping[str, str]) -> list[str]:
    used_k = set(_FIELD_OF_K.findall(code))
    unknown = used_k - TEMPLATES.keys()
    if unknown:
        raise ScriptSourceError(f"{name} uses K.{', K.'.join(sorted(unknown))}: not in keys.py")
    slots = keys.fixed_slots()
    fixed_used = {k for k in used_k if "{}" not in TEMPLATES[k]}
    if fixed_used - slots.keys():
        missing = ", ".join(sorted(fixed_used - slots.keys()))
        raise ScriptSourceError(f"{name} uses {missing} without naming it in its KEYS")
    if keys.templates() - used_k:
        unused = ", ".join(sorted(keys.templates() - used_k))
        raise ScriptSourceError(f"{name} declares KEYS {unused} its code does not use")
    names = names_used(code)
    out: list[str] = []
    if any("{}" in TEMPLATES[k] for k in used_k):
        out.append("local B = ARGV[1]")
    if used_k:
        out += lua_key_names(used_k, slots)
    out += [line for n, line in {**LUA_NAMES, **generated}.items() if n in names]
    return out
