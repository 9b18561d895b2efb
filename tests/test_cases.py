"""One folder per broken site under tests/cases/: its files go on top of the base fixture, and
`sitegen check` must print exactly the lines in its expected.txt and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main
from tests.conftest import site_config

CASES = Path(__file__).resolve().parent / "cases"


def case_files(case: Path) -> dict[str, str]:
    return {p.relative_to(case).as_posix(): p.read_bytes().decode("utf-8")
            for p in sorted(case.rglob("*")) if p.is_file() and p.name != "expected.txt"}


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()), ids=str)
def test_broken_site_reports_exact_errors(case, make_site, capsys):
    files = case_files(CASES / case)
    config = files.pop("sitegen.yaml", None)
    root = make_site(files, config=config if config is not None else site_config())
    for rel, data in files.items():  # keep bytes exactly (BOM, CRLF, tabs)
        (root / rel).write_bytes((CASES / case / rel).read_bytes())
    code = main(["check"])
    err = capsys.readouterr().err.strip().splitlines()
    expected = (CASES / case / "expected.txt").read_text(encoding="utf-8").strip().splitlines()
    assert err == expected
    assert code == 1


def test_the_installed_command_exits_with_the_documented_codes(make_site):
    """Through a real process: 1 and the sorted lines on content errors, 0 when fixed, 2 for usage."""
    import subprocess
    import sys
    root = make_site({"content/documents/bad.md":
                      (CASES / "several-mistakes/content/documents/several.md").read_text(encoding="utf-8")})

    def run(*args):
        return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=root, capture_output=True, text=True,
                              timeout=120)

    failed = run("check")
    expected = (CASES / "several-mistakes/expected.txt").read_text(encoding="utf-8").replace("several.md", "bad.md")
    assert (failed.returncode, failed.stderr, failed.stdout) == (1, expected, "")
    assert "Traceback" not in failed.stderr
    (root / "content/documents/bad.md").unlink()
    assert run("check").returncode == 0
    assert not (root / "build").exists()  # check writes nothing
    assert run("check", "--format", "yaml").returncode == 2
    assert run("build", "--out", str(root)).returncode == 2  # refuses to replace the project folder
