"""The cases of the hostile trial (:mod:`trial`), by family; each is built from a few lines of data.

Families: ``outputs`` (an output onto an input, two outputs on one file, devices, FIFOs, full disks, an
extractor's ``os.chdir``), ``inputs`` (devices, folders, FIFOs, ``<(…)``, missing files, a kb.jsonl folder,
a .json that is JSONL), ``surrogate`` (lone surrogates in every reader), ``bounds`` (resamples, shuffles,
timeouts), ``extractor`` (user code that misbehaves), ``api`` (Python options of the wrong type), ``terminal``
(control characters and Markdown cells), ``misc`` (the remaining items of issue 22: empty-text gold, the HTML
page above the inline size, Label Studio ``to_name``, ``--date-evidence ''``, co_claimers, signals).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from trial import GOLD, KB, PREDS, Case

EVAL = ["evaluate", "--gold", GOLD, "--bootstrap", "0", "-q", "--no-claims"]
OUTPUT_OPTIONS = ("--json", "--markdown", "--diff", "--html", "--per-document", "--outcomes", "--llm-raw")
FAST = {"json-onto-preds", "json-onto-gold", "two-outputs-json-markdown", "json-to-dev-full", "gold-dev-null",
        "preds-fifo", "surrogate-preds-label", "bootstrap-huge", "extractor-reuse-dict", "extractor-kbi",
        "api-view-none", "terminal-escape-label", "extractor-chdir", "empty-text-gold", "json-as-jsonl"}


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _raw(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _module(name: str, body: str):
    def setup(root: Path) -> None:
        (root / f"{name}.py").write_text(body, encoding="utf-8")
    return setup


def _exists(name: str):
    return lambda root, proc: (root / name).is_file() and (root / name).stat().st_size > 0


def _outputs() -> list[Case]:
    cases = []
    for option in OUTPUT_OPTIONS:
        o = option.strip("-")
        for target, what in ((PREDS, "preds"), (GOLD, "gold"), (KB, "kb")):
            cases.append(Case(f"{o}-onto-{what}", "outputs", [*EVAL, "-p", PREDS, option, target],
                              message="an input of this run"))
        cases.append(Case(f"{o}-onto-hardlink", "outputs", [*EVAL, "-p", PREDS, option, "hard.jsonl"],
                          setup=lambda r: os.link(r / PREDS, r / "hard.jsonl"), message="an input of this run",
                          protect=(GOLD, PREDS, KB, "hard.jsonl")))
        cases.append(Case(f"{o}-onto-symlink", "outputs", [*EVAL, "-p", PREDS, option, "soft.jsonl"],
                          setup=lambda r: (r / "soft.jsonl").symlink_to(r / GOLD), message="an input of this run",
                          protect=(GOLD, PREDS, KB, "soft.jsonl")))
        cases.append(Case(f"{o}-onto-dotted", "outputs", [*EVAL, "-p", PREDS, option, f"./sub/../{PREDS}"],
                          setup=lambda r: (r / "sub").mkdir(), message="an input of this run"))
        if option != "--llm-raw":
            cases.append(Case(f"{o}-to-dev-null", "outputs", [*EVAL, "-p", PREDS, option, "/dev/null"], expect="ok",
                              check=lambda r, p: os.path.exists("/dev/null") and not os.path.isfile("/dev/null")))
            cases.append(Case(f"{o}-to-dev-full", "outputs", [*EVAL, "-p", PREDS, option, "/dev/full"],
                              message="No space left on device"))
            cases.append(Case(f"{o}-to-fifo", "outputs", shell=(
                f"mkfifo out && (cat out > got &) && python -m rukp {' '.join(EVAL)} -p {PREDS} {option} out "
                "&& sleep 0.5 && test -s got && test -p out"), expect="ok"))
            cases.append(Case(f"{o}-into-missing-folder", "outputs", [*EVAL, "-p", PREDS, option, "new/dir/out"],
                              expect="ok", check=_exists("new/dir/out")))
            cases.append(Case(f"{o}-under-a-file", "outputs", [*EVAL, "-p", PREDS, option, f"{PREDS}/x"],
                              message="is a file, not a folder"))
            cases.append(Case(f"{o}-onto-folder", "outputs", [*EVAL, "-p", PREDS, option, "."],
                              message="directory"))
    opts = [o for o in OUTPUT_OPTIONS if o != "--llm-raw"]
    for i, a in enumerate(opts):
        for b in opts[i + 1:]:
            cases.append(Case(f"two-outputs-{a.strip('-')}-{b.strip('-')}", "outputs",
                              [*EVAL, "-p", PREDS, a, "same.out", b, "same.out"], message="both write"))
    cases.append(Case("compare-html-onto-a", "outputs",
                      ["evaluate", "--gold", GOLD, "--compare", PREDS, GOLD, "--bootstrap", "0", "--shuffles", "10",
                       "-q", "--no-claims", "--html", PREDS], message="system A of --compare"))
    cases.append(Case("compare-json-onto-b", "outputs",
                      ["evaluate", "--gold", GOLD, "--compare", GOLD, PREDS, "--bootstrap", "0", "--shuffles", "10",
                       "-q", "--no-claims", "--json", PREDS], message="system B of --compare"))
    cases.append(Case("label-map-onto", "outputs", [*EVAL, "-p", PREDS, "--label-map", "map.json", "--json",
                                                     "map.json"],
                      setup=lambda r: _raw(r / "map.json", '{"PER": "PER"}'), message="label map",
                      protect=(GOLD, PREDS, KB, "map.json")))
    cases.append(Case("json-onto-bundled-gold", "outputs", ["evaluate", "-p", PREDS, "--bootstrap", "0", "-q",
                                                            "--json", "BUNDLED"], setup=None,
                      message="an input of this run"))
    cases.append(Case("extractor-chdir", "outputs", [*EVAL, "-e", "wander:extract", "--json", "r.json"],
                      setup=_module("wander", "import os\nE = os.path.abspath('elsewhere')\n"
                                              "os.makedirs(E, exist_ok=True)\n"
                                              "def extract(text):\n    os.chdir(E)\n"
                                              "    return {'entities': []}\n"),
                      expect="ok", check=lambda r, p: (r / "r.json").is_file()
                      and not (r / "elsewhere" / "r.json").exists()))
    cases.append(Case("stdout-dev-full", "outputs", shell=f"python -m rukp {' '.join(EVAL[:-1])} -p {PREDS} "
                      "--no-claims > /dev/full", message="No space left on device"))
    cases.append(Case("sigterm-mid-write", "outputs", shell=(
        f"python -m rukp {' '.join(EVAL)} -p {PREDS} --outcomes o.jsonl --json r.json & pid=$!; "
        "sleep 0.3; kill -TERM $pid; wait $pid; rc=$?; ls -a | grep -q '\\.tmp' && exit 9; "
        "test $rc -eq 143 -o $rc -eq 0"), expect="ok"))
    return cases


def _fix_bundled(cases: list[Case]) -> list[Case]:
    """``BUNDLED`` in an argv: the bundled gold's path."""
    from rukp.paths import BUNDLED_DATA

    for c in cases:
        if c.argv and "BUNDLED" in c.argv:
            c.argv = [str(BUNDLED_DATA / "documents.jsonl") if a == "BUNDLED" else a for a in c.argv]
    return cases


def _inputs() -> list[Case]:
    cases = []
    for option, name in (("-p", "preds"), ("--gold", "gold")):
        base = [*EVAL[:1], *(EVAL[3:])] if option == "--gold" else EVAL
        other = ["-p", PREDS] if option == "--gold" else []
        for target, label, msg in (("/dev/null", "dev-null", "character device"),
                                   ("/dev/zero", "dev-zero", "character device"),
                                   (".", "folder", "directory"), ("missing.jsonl", "missing", "not found"),
                                   ("zero-link.jsonl", "link-to-dev-zero", "character device")):
            cases.append(Case(f"{name}-{label}", "inputs", [*base, *other, option, target], message=msg,
                              setup=lambda r: (r / "zero-link.jsonl").symlink_to("/dev/zero")))
        cases.append(Case(f"{name}-fifo", "inputs", shell=(
            f"mkfifo f.jsonl && (cat {PREDS if option == '-p' else GOLD} > f.jsonl &) && "
            f"python -m rukp {' '.join(base)} {' '.join(other)} {option} f.jsonl --json r.json && test -s r.json"),
            expect="ok"))
        cases.append(Case(f"{name}-process-substitution", "inputs", shell=(
            f"python -m rukp {' '.join(base)} {' '.join(other)} {option} <(cat {PREDS if option == '-p' else GOLD})"
            " --json r.json && test -s r.json"), expect="ok"))
        cases.append(Case(f"{name}-empty", "inputs", [*base, *other, option, "empty.jsonl"],
                          setup=lambda r: _raw(r / "empty.jsonl", "")))
        cases.append(Case(f"{name}-latin1", "inputs", [*base, *other, option, "latin.jsonl"],
                          setup=lambda r: (r / "latin.jsonl").write_bytes('{"doc_id": "d1é"}\n'.encode("latin-1")),
                          message="UTF-8"))
    cases.append(Case("gold-dev-null-defaults", "inputs", ["evaluate", "-p", PREDS, "--gold", "/dev/null", "-q"],
                      message="character device"))
    cases.append(Case("preds-fifo-json", "inputs", shell=(
        f"mkfifo p.jsonl && (cat {PREDS} > p.jsonl &) && python -m rukp {' '.join(EVAL)} -p p.jsonl --json r.json"),
        expect="ok", check=_exists("r.json")))
    cases.append(Case("kb-folder", "inputs", ["evaluate", "--gold", "g/gold.jsonl", "-p", PREDS, "-q",
                                              "--bootstrap", "0"],
                      setup=lambda r: ((r / "g").mkdir(), os.link(r / GOLD, r / "g" / GOLD), (r / "g" / KB).mkdir()),
                      message="directory"))
    cases.append(Case("kb-dev-null", "inputs", ["evaluate", "--gold", "g/gold.jsonl", "-p", PREDS, "-q",
                                                "--bootstrap", "0"],
                      setup=lambda r: ((r / "g").mkdir(), os.link(r / GOLD, r / "g" / GOLD),
                                       (r / "g" / KB).symlink_to("/dev/null")), message="character device"))
    cases.append(Case("json-as-jsonl", "inputs", [*EVAL, "-p", "preds.json"],
                      setup=lambda r: _raw(r / "preds.json", (r / PREDS).read_text(encoding="utf-8") * 2),
                      message="--format jsonl"))
    cases.append(Case("json-as-jsonl-format", "inputs", [*EVAL, "-p", "preds.json", "--format", "jsonl"],
                      setup=lambda r: _raw(r / "preds.json", (r / PREDS).read_text(encoding="utf-8")), expect="ok"))
    cases.append(Case("inclusive-ends-conll-bundled", "inputs", ["evaluate", "-p", "x.conll", "--inclusive-ends",
                                                                 "-q", "--bootstrap", "0"],
                      setup=lambda r: _raw(r / "x.conll", "Vladimir\tB-PER\nPoutine\tI-PER\n"),
                      message="bundled gold"))
    cases.append(Case("label-map-dev-zero", "inputs", [*EVAL, "-p", PREDS, "--label-map", "/dev/zero"]))
    cases.append(Case("template-missing", "inputs", [*EVAL, "-p", PREDS, "--llm-template", "nope.txt"],
                      expect="ok"))  # templates are read only by llm: extractors
    return cases


SURROGATE = "\\ud800"


def _surrogates() -> list[Case]:
    cases = []

    def in_preds(field: str, value: str):
        def setup(root: Path) -> None:
            rows = _lines(root / PREDS)
            text = json.dumps(rows[0], ensure_ascii=False)
            if field == "doc_id":
                text = text.replace('"d1"', f'"{value}"', 1)
            elif field == "label":
                text = text.replace('"PER"', f'"{value}"', 1)
            elif field == "claimer":
                text = text.replace('"AUTHOR"', f'"{value}"', 1)
            elif field == "key":
                text = text.replace('"entities"', f'"x{value}": 1, "entities"', 1)
            elif field == "text":
                text = '{"doc_id": "d1", "entities": [{"text": "Poutine' + value + '", "label": "PER"}]}'
            elif field == "entity_id":
                text = text.replace('"Q_putin"', f'"{value}"', 1)
            _raw(root / PREDS, text + "\n")
        return setup

    for field in ("doc_id", "label", "claimer", "key", "text", "entity_id"):
        cases.append(Case(f"surrogate-preds-{field}", "surrogate", [*EVAL[:-1], "-p", PREDS],
                          setup=in_preds(field, SURROGATE), message=r"preds\.jsonl:1.*surrogate"))
        cases.append(Case(f"surrogate-pair-preds-{field}", "surrogate", [*EVAL[:-1], "-p", PREDS, "--skip-invalid",
                                                                         "--json", "r.json"],
                          setup=in_preds(field, "\\ud83d\\ude00"), expect="ok"))

    def in_gold(old: str, new: str, name: str = GOLD):
        def setup(root: Path) -> None:
            path = root / name
            _raw(path, path.read_text(encoding="utf-8").replace(old, new, 1))
        return setup

    for label, old in (("text", "Vladimir"), ("id", '"d1"'), ("label", '"PER"'), ("title", '"t1"')):
        new = old.replace("V", "V" + SURROGATE) if label == "text" else old[:-1] + SURROGATE + '"'
        cases.append(Case(f"surrogate-gold-{label}", "surrogate", [*EVAL, "-p", PREDS], setup=in_gold(old, new),
                          message=r"gold\.jsonl:1.*surrogate"))
    cases.append(Case("surrogate-kb-name", "surrogate", ["evaluate", "--gold", GOLD, "-p", PREDS, "-q",
                                                         "--bootstrap", "0"],
                      setup=in_gold("Moscou", "Mos" + SURROGATE, KB), message=r"kb\.jsonl:3.*surrogate"))
    cases.append(Case("surrogate-label-map", "surrogate", [*EVAL, "-p", PREDS, "--label-map", "m.json"],
                      setup=lambda r: _raw(r / "m.json", '{"PER": "PER' + SURROGATE + '"}'), message="surrogate"))
    cases.append(Case("surrogate-ls-export", "surrogate", [*EVAL, "-p", "ls.json"],
                      setup=lambda r: _raw(r / "ls.json", '[{"data": {"text": "a' + SURROGATE + '"}}]'),
                      message="surrogate"))
    cases.append(Case("surrogate-python-rows", "surrogate", python=(
        "import rukp, sys\n"
        "rows=[{'doc_id': 'd1', 'entities': [{'text': 'Poutine\\ud800', 'label': 'PER'}]}]\n"
        "r = rukp.evaluate(rows, gold='gold.jsonl', bootstrap=0, claims=False)\n"
        "try:\n    r.to_html('x.html')\nexcept rukp.errors.RukpError as e:\n    sys.exit(f'error: {e}')\n"),
        expect="ok"))
    cases.append(Case("surrogate-validate", "surrogate", python=(
        "import sys, rukp.io.jsonl as j\n"
        "try:\n    j.loads('\"\\\\ud800\"', path='x', line=1)\nexcept Exception as e:\n    sys.exit(f'error: {e}')\n"),
        message="surrogate"))
    return cases


def _bounds() -> list[Case]:
    cases = []
    for value, ok in (("1000000000", False), ("100001", False), ("-1", False), ("abc", False), ("1e9", False),
                      ("2", True)):
        cases.append(Case(f"bootstrap-{value}" if value != "1000000000" else "bootstrap-huge", "bounds",
                          ["evaluate", "--gold", GOLD, "-p", PREDS, "-q", "--no-claims", "--bootstrap", value],
                          expect="ok" if ok else "error", timeout=60))
    for value, ok in (("1000000000", False), ("0", False), ("-5", False), ("1000001", False), ("20", True)):
        cases.append(Case(f"shuffles-{value}", "bounds",
                          ["evaluate", "--gold", GOLD, "--compare", PREDS, PREDS, "-q", "--no-claims",
                           "--bootstrap", "0", "--shuffles", value], expect="ok" if ok else "error", timeout=60))
    for value, ok in (("-1", False), ("abc", False), ("inf", False), ("0", True), ("30", True)):
        cases.append(Case(f"extractor-timeout-{value}", "bounds",
                          [*EVAL, "-e", "e:extract", "--extractor-timeout", value],
                          setup=_module("e", "def extract(text):\n    return {'entities': []}\n"),
                          expect="ok" if ok else "error"))
    cases.append(Case("html-docs-0", "bounds", [*EVAL, "-p", PREDS, "--html", "x.html", "--html-docs", "0"]))
    cases.append(Case("min-overlap-2", "bounds", [*EVAL, "-p", PREDS, "--min-overlap", "2"]))
    cases.append(Case("claim-threshold-nan", "bounds", ["evaluate", "--gold", GOLD, "-p", PREDS, "-q",
                                                        "--claim-threshold", "nan", "--bootstrap", "0"]))
    cases.append(Case("seed-negative", "bounds", [*EVAL, "-p", PREDS, "--seed", "-1"]))
    return cases


_FIND = ("    i = text.find('Poutine')\n"
         "    if i >= 0:\n        out['entities'].append({'start': i, 'end': i + 7, 'label': 'PER'})\n")


def _extractors() -> list[Case]:
    def same_as_fresh(root: Path, proc) -> bool:
        return json.loads((root / "r.json").read_text())["entities"]["fine.v1"]["schemes"]["strict"]["overall"][
            "actual"] == 1
    bodies = {
        "reuse-dict": ("_shared = {'entities': []}\ndef extract(text):\n    out = _shared\n"
                       "    out['entities'].clear()\n" + _FIND + "    return out\n", "ok"),
        "hostile-dict-subclass": ("class D(dict):\n    def get(self, *a):\n        raise RuntimeError('no')\n"
                                  "    def items(self):\n        raise RuntimeError('no')\n"
                                  "def extract(text):\n    out = D(entities=[])\n" + _FIND + "    return out\n", "ok"),
        "returns-list": ("def extract(text):\n    return []\n", "error"),
        "returns-none": ("def extract(text):\n    return None\n", "error"),
        "returns-str": ("def extract(text):\n    return 'x'\n", "error"),
        "returns-generator": ("def extract(text):\n    yield {}\n", "error"),
        "raises": ("def extract(text):\n    raise ValueError('bad')\n", "error"),
        "sys-exit-0": ("import sys\ndef extract(text):\n    sys.exit(0)\n", "error"),
        "sys-exit-3": ("import sys\ndef extract(text):\n    sys.exit(3)\n", "error"),
        "closes-stdout": ("import sys\ndef extract(text):\n    sys.stdout.close()\n    return {'entities': []}\n",
                          "error"),
        "closes-stderr": ("import sys\ndef extract(text):\n    sys.stderr.close()\n    return {'entities': []}\n",
                          "error"),
        "self-reference": ("def extract(text):\n    out = {'entities': []}\n    out['entities'].append(out)\n"
                           "    return out\n", "error"),
        "deep-nesting": ("def extract(text):\n    x = []\n    for _ in range(100000):\n        x = [x]\n"
                         "    return {'entities': x}\n", "error"),
        "huge-offsets": ("def extract(text):\n    return {'entities': [{'start': 0, 'end': 10**30, 'label': 'PER'}]}\n",
                         "error"),
        "unknown-label": ("def extract(text):\n    return {'entities': [{'start': 0, 'end': 3, 'label': 'XX'}]}\n",
                          "error"),
        "other-doc-id": ("def extract(text):\n    return {'doc_id': 'zz', 'entities': []}\n", "error"),
        "errors-not-list": ("def extract(text):\n    return {'entities': [], 'errors': 'x'}\n", "error"),
        "import-error": ("import no_such_module_xyz\ndef extract(text):\n    return {}\n", "error"),
        "syntax-error": ("def extract(text)\n    return {}\n", "error"),
        "no-extract": ("x = 1\n", "error"),
        "class-ctor-raises": ("class E:\n    def __init__(self):\n        raise RuntimeError('ctor')\n"
                              "    def extract(self, text):\n        return {}\n", "error"),
        "describe-raises": ("class E:\n    def describe(self):\n        raise RuntimeError('d')\n"
                            "    def extract(self, text):\n        return {'entities': []}\n", "error"),
        "nan-offset": ("def extract(text):\n    return {'entities': [{'start': float('nan'), 'end': 3, "
                       "'label': 'PER'}]}\n", "error"),
        "tuple-items": ("def extract(text):\n    return {'entities': ({'start': 0, 'end': 8, 'label': 'PER'},)}\n",
                        "ok"),
        "print-control-chars": ("def extract(text):\n    print('\\x1b]0;pwned\\x07')\n    return {'entities': []}\n",
                                "ok"),
    }
    cases = []
    for name, (body, expect) in bodies.items():
        attr = "E" if name in ("class-ctor-raises", "describe-raises") else "extract"
        cases.append(Case(f"extractor-{name}", "extractor", [*EVAL, "-e", f"m:{attr}", "--json", "r.json"],
                          setup=_module("m", body), expect=expect,
                          check=same_as_fresh if name in ("reuse-dict", "hostile-dict-subclass") else None))
    cases.append(Case("extractor-kbi", "extractor", [*EVAL, "-e", "m:extract"],
                      setup=_module("m", "def extract(text):\n    raise KeyboardInterrupt\n"), exit_code=130,
                      message="interrupted"))
    cases.append(Case("extractor-hang-timeout", "extractor", [*EVAL, "-e", "m:extract", "--extractor-timeout", "1"],
                      setup=_module("m", "import time\ndef extract(text):\n    while True:\n        time.sleep(0.1)\n"),
                      message=r"doc d1: .*more than 1 s"))
    cases.append(Case("extractor-hang-catches-everything", "extractor",
                      [*EVAL, "-e", "m:extract", "--extractor-timeout", "1"],
                      setup=_module("m", "import time\ndef extract(text):\n    while True:\n        try:\n"
                                         "            time.sleep(0.1)\n        except Exception:\n            pass\n"),
                      message="more than 1 s"))
    cases.append(Case("extractor-timeout-skip", "extractor", [*EVAL, "-e", "m:extract", "--extractor-timeout", "1",
                                                              "--skip-invalid", "--json", "r.json"],
                      setup=_module("m", "import time\ndef extract(text):\n    if 'Poutine' in text:\n"
                                         "        time.sleep(60)\n    return {'entities': []}\n"),
                      expect="ok", check=lambda r, p: json.loads((r / "r.json").read_text())["metadata"]["skipped"][
                          "by_reason"] == {"timeout": 1}))
    cases.append(Case("extractor-doc-selected-only", "extractor", [*EVAL, "-e", "m:extract", "--doc", "d1"],
                      setup=_module("m", "def extract(text):\n    open('calls', 'a').write('x')\n"
                                         "    return {'entities': []}\n"),
                      expect="ok", check=lambda r, p: (r / "calls").read_text() == "x"))
    cases.append(Case("extractor-sigterm", "extractor", shell=(
        f"python -m rukp {' '.join(EVAL)} -e m:extract --json r.json & pid=$!; sleep 8; kill -TERM $pid; wait $pid;"
        " test $? -eq 143 && test ! -e r.json"),
        setup=_module("m", "import time\ndef extract(text):\n    time.sleep(60)\n    return {'entities': []}\n"),
        expect="ok", timeout=120))
    return cases


def _api() -> list[Case]:
    calls = {
        "view-none": "view=None", "view-int": "view=3", "view-empty": "view=[]",
        "skip-invalid-str": "skip_invalid='no'",
        "bootstrap-huge": "bootstrap=10**9", "bootstrap-float": "bootstrap=2.5", "docs-empty": "docs=[]",
        "docs-unknown": "docs=['nope']", "min-overlap-2": "min_overlap=2", "entities-str": "entities='yes'",
        "gold-folder": "gold='.'", "format-bad": "format='xml'", "scheme-bad": "scheme='loose'",
        "timeout-negative": "extractor_timeout=-1", "inclusive-str": "inclusive_ends='yes'",
        "nervaluate-int": "nervaluate_compatible=2", "label-map-missing": "label_map='nope.json'",
    }
    cases = []
    for name, kw in calls.items():
        cases.append(Case(f"api-{name}", "api", python=(
            "import sys, rukp\nfrom rukp.errors import RukpError\n"
            f"try:\n    rukp.evaluate('preds.jsonl', gold='gold.jsonl', {kw})\n"
            "except RukpError as e:\n    sys.exit(f'error: {e}')\n")))
    cases.append(Case("api-compare-shuffles-huge", "api", python=(
        "import sys, rukp\nfrom rukp.errors import RukpError\n"
        "try:\n    rukp.compare('preds.jsonl', 'preds.jsonl', gold='gold.jsonl', shuffles=10**9)\n"
        "except RukpError as e:\n    sys.exit(f'error: {e}')\n")))
    return cases


def _terminal() -> list[Case]:
    def clean(root: Path, proc) -> bool:
        return "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout + proc.stderr

    def preds_with(item: dict):
        return lambda r: _write(r / PREDS, [{"doc_id": "d1", "entities": [item]}])
    evil = "\x1b[5mX\x07\x1b]0;t\x07"
    cases = [
        Case("terminal-escape-label", "terminal", [*EVAL[:-1], "-p", PREDS, "--no-claims"],
             setup=preds_with({"start": 0, "end": 3, "label": evil}), message=r"\\x1b"),
        Case("terminal-escape-text", "terminal", [*EVAL[:-2], "-p", PREDS, "--no-claims"],
             setup=preds_with({"text": evil, "label": "PER"}), expect="ok", check=clean),
        Case("terminal-escape-doc-id", "terminal", [*EVAL, "-p", PREDS],
             setup=lambda r: _write(r / PREDS, [{"doc_id": evil, "entities": []}]), message=r"\\x1b"),
        Case("terminal-escape-file-name", "terminal", [*EVAL, "-p", PREDS, "--json", "a\x1b[5m.json"],
             expect="ok", check=clean),
        Case("terminal-escape-missing-file", "terminal", [*EVAL, "-p", "x\x1b[5m\x07.jsonl"], message=r"\\x1b"),
        Case("terminal-escape-claimer", "terminal", ["evaluate", "--gold", GOLD, "-p", PREDS, "--bootstrap", "0"],
             setup=lambda r: _write(r / PREDS, [{"doc_id": "d1", "claims": [{"text": "Vladimir Poutine a reçu",
                                                                             "claimer": evil}]}]),
             expect="ok", check=clean),
        Case("markdown-cell-escape", "terminal", [*EVAL[:-2], "-p", PREDS, "--no-claims", "--markdown", "r.md"],
             setup=preds_with({"text": "a | b\nc", "label": "PER"}), expect="ok",
             check=lambda r, p: any("a \\| b" in line for line in (r / "r.md").read_text().splitlines())),
    ]
    return cases


def _misc() -> list[Case]:
    def big(root: Path) -> None:
        t = "Vladimir Poutine est à Moscou."
        _write(root / "big_gold.jsonl", [{"id": f"d{i}", "text": t, "entities": [
            {"start": 0, "end": 16, "label": "PER"}]} for i in range(1001)])
        _write(root / "big_preds.jsonl", [{"doc_id": f"d{i}", "entities": [{"start": 0, "end": 16, "label": "PER"}]}
                                          for i in range(1001)])
    ls = [{"id": 1, "data": {"text": "Vladimir Poutine a reçu Kim Jong-un à Moscou.\nSelon Kiev, des soldats "
                                     "nord-coréens combattent en Russie.", "doc_id": "d1"},
           "annotations": [{"result": [{"id": "r1", "type": "labels", "from_name": "label", "to_name": "other",
                                        "value": {"start": 0, "end": 16, "text": "Vladimir Poutine",
                                                  "labels": ["PER"]}}]}]}]
    return [
        Case("empty-text-gold", "misc", ["evaluate", "--gold", "e.jsonl", "-p", "ep.jsonl", "-q"],
             setup=lambda r: (_write(r / "e.jsonl", [{"id": "a", "text": "", "entities": []}]),
                              _write(r / "ep.jsonl", [{"doc_id": "a", "entities": [{"text": "X", "label": "PER"}]}])),
             expect="ok"),
        Case("html-1001-docs", "misc", ["evaluate", "--gold", "big_gold.jsonl", "-p", "big_preds.jsonl", "-q",
                                        "--bootstrap", "0", "--html", "big.html", "--html-docs", "5"],
             setup=big, expect="ok", check=_exists("big.html"), timeout=300),
        Case("ls-unknown-to-name", "misc", [*EVAL, "-p", "ls.json"],
             setup=lambda r: _raw(r / "ls.json", json.dumps(ls)), message="to_name"),
        Case("date-evidence-empty", "misc", ["corpus", "add", "art.txt", "--date", "2024-01-01", "--date-evidence",
                                             "", "--root", "."],
             setup=lambda r: _raw(r / "art.txt", "Un article.\n"), message="empty"),
        Case("corpus-add-dev-null", "misc", ["corpus", "add", "/dev/null", "--root", "."]),
        Case("corpus-add-fifo", "misc", shell="mkfifo a.txt && python -m rukp corpus add a.txt --root . </dev/null",
             timeout=60),
        Case("validate-root-missing", "misc", ["validate", "--root", "nope"], message="does not exist"),
        Case("skip-invalid-summary-q", "misc", ["evaluate", "--gold", GOLD, "-p", "bad.jsonl", "-q", "--bootstrap",
                                                "0", "--skip-invalid", "--no-claims"],
             setup=lambda r: _write(r / "bad.jsonl", [{"doc_id": "d1", "entities": [
                 {"start": 0, "end": 3, "label": "XX"}]}]), expect="ok",
             check=lambda r, p: "skipped invalid items: 1" in p.stderr),
    ]


def _build() -> list[Case]:
    cases = _fix_bundled(_outputs()) + _inputs() + _surrogates() + _bounds() + _extractors() + _api() + \
        _terminal() + _misc()
    names = [c.name for c in cases]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"duplicate case names: {sorted(dupes)}"
    for c in cases:
        c.slow = c.name not in FAST
    return cases


CASES = _build()
