"""Tests for the example plugin, with corpuskit's test helper."""

import subprocess
import sys

import corpuskit_min_words

from corpuskit.testing import run_stages


def test_short_documents_are_rejected_with_a_reason():
    outcome = run_stages(["too short", "this one has enough words to stay in"], stages=["min-words"],
                         plugins=[corpuskit_min_words], options={"min-words": {"n": 5}}, builtins=False)
    assert outcome.texts == ["this one has enough words to stay in"]
    assert outcome.rejects[0]["reason"] == "fewer than 5 words"


def test_cookie_rule_runs_inside_the_boilerplate_stage():
    text = ("Council approves the new budget after a long debate on Tuesday evening.\n"
            "We use cookies to improve your experience on our site.\n"
            "The vote passed seven to two, with two members absent from the chamber.")
    outcome = run_stages([text], stages=["boilerplate"])
    assert "cookies" not in outcome.texts[0]
    assert "budget" in outcome.texts[0]


def test_entry_point_is_installed():
    out = subprocess.run([sys.executable, "-m", "corpuskit", "plugins", "--json"], capture_output=True,
                         text=True, check=True).stdout
    assert '"name": "min-words"' in out
    stages = subprocess.run([sys.executable, "-m", "corpuskit", "stages"], capture_output=True, text=True,
                            check=True).stdout
    assert "min-words" in stages
