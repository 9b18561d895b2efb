"""README.md stays true to the command line: every subcommand and option the parser has is in its
command reference, its test command is the one CI runs, and the pages it links to exist. The benchmark
records live in benchmarks/README.md, which must show how to run every script in benchmarks/."""

from __future__ import annotations

import argparse
import re

from sitegen.cli import _parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BENCHMARKS = (ROOT / "benchmarks/README.md").read_text(encoding="utf-8")
GLOBAL = {"--config", "--help", "-h", "--version"}  # documented once for every command, not per usage line


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def commands(parser: argparse.ArgumentParser, prefix: str = "sitegen") -> dict[str, set[str]]:
    """'sitegen build' -> its long options, for every subcommand at any depth (`sitegen import csv`)."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                options = {o for a in sub._actions for o in a.option_strings
                           if o.startswith("--") and a.help != argparse.SUPPRESS} - GLOBAL
                found[f"{prefix} {name}"] = options
                found.update(commands(sub, f"{prefix} {name}"))
    return found


def test_the_command_reference_has_every_subcommand_and_option():
    usage = re.findall(r"^    (sitegen .*)$", section(README, "Command reference"), re.M)
    missing = []
    for command, options in commands(_parser()).items():
        lines = [line for line in usage if line == command or line.startswith(command + " ")]
        if not lines:
            missing.append(command)
        missing += [f"{command} {o}" for o in sorted(options) if not any(re.search(rf"{o}\b", line) for line in lines)]
    assert not missing, missing


def test_the_readme_test_command_is_the_one_ci_runs():
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert README.startswith("# sitegen\n\n")
    assert ci in [line.strip() for line in README.splitlines()[2:4]]


def test_linked_files_exist_and_the_config_reference_has_its_place():
    for target in re.findall(r"\]\(([^)#:]+)\)", README):
        assert (ROOT / target).is_file(), target
    assert README.count("<!-- config-reference:start -->") == 1 == README.count("<!-- config-reference:end -->")
    assert README.index("<!-- config-reference:start -->") < README.index("<!-- config-reference:end -->")
    assert "<!-- config-reference:start -->" in section(README, "Configuration")


def test_benchmarks_readme_shows_how_to_run_every_script():
    scripts = sorted(p.name for p in (ROOT / "benchmarks").glob("*_bench.py"))
    assert scripts
    missing = [s for s in scripts if not re.search(rf"^    \S*python3? benchmarks/{s}\b", BENCHMARKS, re.M)]
    assert not missing, missing
    assert "benchmarks/README.md" in section(README, "Benchmarks")
