"""The README's test command and the one `.ci/run` runs must stay the same."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def test_ci_runs_the_readme_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    command = re.search(r'^README_TEST_COMMAND="(.+)"$', ci, re.MULTILINE).group(1)
    readme = (REPO_ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.+?)\n```", readme, re.DOTALL)
    assert len(blocks) >= 2, "the README's first two code blocks are the install-and-run and the test commands"
    assert blocks[1].strip() == command
    assert "zilu demo" in blocks[0]
