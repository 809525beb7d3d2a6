"""The house as the packages' docstrings draw it, held against the code:

- imports run one way: each room imports only the rooms below it (FLOORS), so there is no cycle and
  nothing reaches up (renderers never compute, the form reads no other package);
- no line code of the form lives in Python or a template outside form/ (a revision overlay must reach
  every fact of the form);
- no function of src/ is over 80 lines without a reason in its docstring ("Long: ...");
- every package says in its docstring what it holds, what it may import and how to add the thing it is for.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src" / "focusgen"

# room -> the rooms it may import (besides itself). A room is a package folder or a top-level module.
BASE = {"problems", "money", "settings", "resources", "__init__", "calendar"}
FLOORS = {
    "problems": set(), "money": {"problems"}, "settings": set(), "resources": set(), "__init__": set(),
    "calendar": set(),
    "form": {"money", "calendar", "resources"},
    "inputs": {"form", "problems", "money", "calendar"},
    "report": {"form", "inputs", "problems", "money", "__init__", "calendar"},
    "extract": {"form", "report", "inputs", "problems", "money"},
    "compare": {"report", "extract", "inputs", "form", "problems", "money", "settings"},
    "render": {"report", "form", "problems", "money", "resources", "settings", "__init__", "calendar"},
    "outputs": {"problems"},
    "manifest": {"outputs", "inputs", "problems", "__init__"},
    "build": {"compare", "inputs", "manifest", "outputs", "render", "report", "problems", "settings"},
    "batch": {"build", "outputs", "render", "problems", "settings"},
    "disclose": {"form", "inputs", "manifest", "outputs", "render", "report", "problems", "calendar"},
    "cli": {"build", "batch", "compare", "disclose", "extract", "inputs", "manifest", "render", "report",
            "problems", "settings", "money", "resources", "__init__", "calendar", "form"},
}


def _room(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path):
    """The focusgen rooms a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text())
    package = path.relative_to(SRC).parent.parts
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package)[: len(package) - (node.level - 1)] if node.level > 1 else list(package)
            parts = base + (node.module.split(".") if node.module else [])
            if not parts:      # `from . import x` at the top: x is a room, or a name of __init__
                for alias in node.names:
                    room = (SRC / alias.name).is_dir() or (SRC / f"{alias.name}.py").exists()
                    yield alias.name if room else "__init__"
            else:
                yield parts[0] if parts[0] else "__init__"
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("focusgen"):
            parts = node.module.split(".")
            yield parts[1] if len(parts) > 1 else "__init__"


def test_imports_run_one_way():
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        room = _room(path)
        assert room in FLOORS, f"{path}: a room the house does not know; add it to FLOORS with its floor"
        for target in _imports(path):
            if target != room and target not in FLOORS[room]:
                wrong.append(f"{path.relative_to(ROOT)} ({room}) imports {target}")
    assert wrong == []


# What a renderer may take of the rooms below it: the model it formats and the JSON's schema (report/),
# the vocabulary of claims (report/how.py), the form's wording (form/formdef.py, never the formula
# table's evaluation) and money's formatting (fmt_*, never its arithmetic).
RENDER_MAY_TAKE = {"report": {"model", "jsonio", "how"}, "form": {"formdef"}}


def _from_imports(path: Path):
    """(room, module or None, names) of every `from focusgen.X[.Y] import ...` a module makes, relative or
    absolute, at the top or inside a function."""
    package = path.relative_to(SRC).parent.parts
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package)[: len(package) - (node.level - 1)]
            parts = base + (node.module.split(".") if node.module else [])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("focusgen"):
            parts = node.module.split(".")[1:]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("focusgen."):
                    bits = alias.name.split(".")[1:]
                    yield bits[0], bits[1] if len(bits) > 1 else None, []
            continue
        else:
            continue
        names = [a.name for a in node.names]
        if not parts:                       # `from .. import report`
            for name in names:
                yield name, None, []
        else:
            yield parts[0], parts[1] if len(parts) > 1 else None, names


def test_renderers_import_nothing_that_computes():
    """render/ reads the model (report.model), hands the JSON to its schema (report.jsonio), names claims
    (report.how), takes wording from the form definition (form.formdef) and formats amounts (money.fmt_*);
    it never imports the computation, the alerts, the per-currency statements, the formula table,
    money's arithmetic, compare/ or extract/ (in any spelling: relative, absolute, lazily)."""
    found = []
    for path in sorted((SRC / "render").glob("*.py")):
        for room, module, names in _from_imports(path):
            if room in RENDER_MAY_TAKE:
                taken = [module] if module else names
                found += [f"{path.name}: {room}.{n}" for n in taken if n not in RENDER_MAY_TAKE[room]]
            elif room == "money":
                found += [f"{path.name}: money.{n}" for n in (names or ["*"]) if not n.startswith("fmt_")]
            elif room in ("compare", "extract", "inputs", "build", "batch", "cli"):
                found.append(f"{path.name}: {room}")
    assert found == []


def _module(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def _module_imports(path: Path, modules: set[str]):
    """The focusgen modules a module imports by name (at the top or lazily inside a function): `from .x
    import y` imports x.y when that is a module, else x."""
    package = _module(path).split(".") if path.name == "__init__.py" else _module(path).split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + (node.module.split(".") if node.module else []))
            elif (node.module or "").startswith("focusgen"):
                target = ".".join(node.module.split(".")[1:])
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                yield sub if sub in modules else target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("focusgen."):
                    yield ".".join(alias.name.split(".")[1:])


def test_no_module_imports_itself_round_a_cycle():
    """No module imports, by name, one that imports it back, however far round (lazy imports inside
    functions included: a lazy import hides a cycle from the interpreter, not from the reader). A
    package's own __init__ running before its modules is Python's, not a cycle of ours."""
    modules = {_module(p) for p in SRC.rglob("*.py")}
    graph = {_module(p): {m for m in _module_imports(p, modules) if m in modules and m != _module(p)}
             for p in SRC.rglob("*.py")}
    state: dict[str, int] = {}
    cycles = []

    def visit(m, path):
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append(" -> ".join(path[path.index(n):] + [n]))
            elif n not in state:
                visit(n, path + [n])
        state[m] = 2
    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_the_floors_have_no_cycle():
    seen: dict[str, int] = {}

    def visit(room, path):
        assert seen.get(room) != 1, "cycle: " + " -> ".join(path + [room])
        if seen.get(room) == 2:
            return
        seen[room] = 1
        for target in FLOORS[room]:
            visit(target, path + [room])
        seen[room] = 2
    for room in FLOORS:
        visit(room, [])


def _codes() -> set[str]:
    from focusgen.form import formdef
    return {c for rev in formdef.revisions() for rep in rev.values() for c in rep.lines}


def _code_literals(path: Path):
    """(line number, literal) of every string or number literal that is not a docstring or comment."""
    source = path.read_text()
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(getattr(node.body[0], "value", None), ast.Constant):
            docstrings.add(node.body[0].lineno)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.STRING, tokenize.NUMBER) and tok.start[0] not in docstrings:
            yield tok.start[0], tok.string
        if hasattr(tokenize, "FSTRING_MIDDLE") and tok.type == tokenize.FSTRING_MIDDLE:
            yield tok.start[0], tok.string


def test_no_line_code_outside_the_form_definition():
    codes = _codes()
    pattern = re.compile(r"(?<![\d.])(\d{4}[A-C]?)(?![\d])")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if _room(path) == "form":
            continue
        for line, literal in _code_literals(path):
            hits = [c for c in pattern.findall(literal) if c in codes]
            if hits:
                found.append(f"{path.relative_to(ROOT)}:{line}: {', '.join(hits)}")
    for path in sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in (".j2", ".css", ".html", ".conf")):
        # template and stylesheet comments aside
        text = re.sub(r"\{#.*?#\}|/\*.*?\*/|<!--.*?-->", "", path.read_text(), flags=re.S)
        for n, line in enumerate(text.splitlines(), 1):
            hits = [c for c in pattern.findall(line) if c in codes]
            if hits:
                found.append(f"{path.relative_to(ROOT)}:{n}: {', '.join(hits)}")
    assert found == []


# Being split on their own branches (the workbook reader's own streaming reader; the extraction
# rework): removed from here when they land.
PENDING: set[str] = set()


def test_no_long_function_without_a_reason():
    long = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 80:
                if "Long:" not in (ast.get_docstring(node) or "") and f"{path.name} {node.name}" not in PENDING:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} "
                                f"({node.end_lineno - node.lineno + 1} lines)")
    assert long == []


@pytest.mark.parametrize("package", sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists()))
def test_every_package_says_what_it_holds_what_it_may_import_and_how_to_add(package):
    doc = ast.get_docstring(ast.parse((SRC / package / "__init__.py").read_text())) or ""
    assert "Holds:" in doc and "May import:" in doc and "To add" in doc, package


# Every module that parses JSON, and what it reads: a filing's JSON is read by report/jsonio.py alone
# (every reader of a filing JSON calls jsonio.read or jsonio.parse), through the one bounded parser.
JSON_READERS = {
    "inputs/jsonsafe.py": "the bounded parser every JSON read from disk goes through",
    "report/jsonio.py": "a filing's JSON: the one schema",
    "manifest.py": "the manifest of an output set",
    "render/layout_cache.py": "the layout plans the cache keeps",
    "calendar.py": "the holiday table (package data)",
    "form/formdef.py": "a definition file's parsed copy (package data, used only when it names the YAML's bytes)",
    "extract/__init__.py": "whether a prior that starts with a brace is JSON at all (then read by jsonio)",
}


def _json_parses(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            if f.attr.startswith("model_validate") and isinstance(f.value, ast.Name) and f.value.id == "FilingDoc":
                yield node.lineno, f"FilingDoc.{f.attr}"
            elif f.attr in ("loads", "load") and isinstance(f.value, ast.Name) and f.value.id in ("json", "jsonsafe"):
                yield node.lineno, f"{f.value.id}.{f.attr}"
        elif isinstance(node, ast.ImportFrom) and node.module in ("json", "orjson", "ujson", "simplejson") \
                and any(a.name in ("load", "loads") for a in node.names):
            yield node.lineno, f"from {node.module} import"


def test_one_reader_of_the_filing_json():
    """JSON is parsed only where JSON_READERS says, each module its own kind of document; the filing's
    schema (FilingDoc) is validated in report/jsonio.py alone."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for line, call in _json_parses(path):
            if rel not in JSON_READERS or (call.startswith("FilingDoc") and rel != "report/jsonio.py"):
                found.append(f"{rel}:{line}: {call}")
    assert found == []
    readers = {p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
               if re.search(r"jsonio\.(read|parse)\(", p.read_text())}
    assert readers and all(r.split("/")[0] in ("compare", "extract", "build.py", "disclose.py") for r in readers)


def test_one_comparison():
    """Two filings' lines are compared in one place, compare/rules.py (pair, compare): its statuses are
    named nowhere else, and every comparison of filings (check, amendments, variance) calls it."""
    statuses = ("same", "differs", "not-compared", "by-eye")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).as_posix() == "compare/rules.py":
            continue
        for line, literal in _code_literals(path):
            if literal.strip("\"'") in statuses:
                found.append(f"{path.relative_to(ROOT)}:{line}: {literal}")
    assert found == []
    for name in ("check.py", "amend.py", "variance.py"):
        assert "rules.compare(" in (SRC / "compare" / name).read_text(), name


def test_the_house_drawn_in_developers_names_every_room_and_module():
    """docs/DEVELOPERS.md, "The house": every room of FLOORS is drawn, and every module of a package is
    named in its package's row of the table (a new module is drawn when it is added)."""
    doc = (ROOT / "docs" / "DEVELOPERS.md").read_text()
    house = doc[doc.index("## The house"):doc.index("\n## ", doc.index("## The house") + 1)]
    rows = {m.group(1): line for line in house.splitlines() if (m := re.match(r"\| `src/focusgen/(\w+)/`", line))}
    missing = [room for room in FLOORS if room != "__init__" and f"{room}/" not in house and f"{room}.py" not in house]
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if path.name != "__init__.py" and len(rel.parts) > 1 and f"`{path.name}`" not in rows.get(rel.parts[0], ""):
            missing.append(rel.as_posix())
    assert missing == []


def test_one_finding_shape():
    """Problems, warnings, alerts, alerts not checked, extraction's findings and failed edit checks are
    all problems.Finding: no module of src/ keeps a finding as a dict with a "kind" (the shape extraction
    had) or as a bare message; the JSON's shapes are made at the edge (Finding.as_dict, as_alert, as_found)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "kind" for k in node.keys) \
                    and any(isinstance(k, ast.Constant) and k.value == "message" for k in node.keys) \
                    and path.relative_to(SRC).as_posix() != "problems.py":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_how_is_an_enumeration():
    """What a value claims is report/how.How, a closed enumeration: no module outside it compares a
    `how` with a claim spelt as a string, and extract/'s readers note what they saw (Obs) as How."""
    from focusgen.report.how import How
    claims = {h.value for h in How}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in ("report/how.py",):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and "how" in ast.unparse(node):
                for side in [node.left, *node.comparators]:
                    elts = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                    found += [f"{rel}:{node.lineno}: {e.value!r}" for e in elts
                              if isinstance(e, ast.Constant) and e.value in claims]
            elif isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in ("Obs", "_put"):
                # a reader's observation: Obs(value, how, ...), Reader._put(out, code, value, how, ...)
                found += [f"{rel}:{node.lineno}: {a.value!r}" for a in ast.walk(node)
                          if isinstance(a, ast.Constant) and a.value in claims]
    assert found == []


def test_one_formula_table():
    """A formula is interpreted by its operator in form/formula.py alone (evaluation, description,
    explanation, equations, edit check, reading backwards): no module outside form/ asks which operator
    a formula has (`.op == "max"`) to do the operator's work itself."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if _room(path) == "form":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and any(isinstance(side, ast.Attribute) and side.attr == "op"
                                                     for side in [node.left, *node.comparators]):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert found == []
