"""The golden set (tests/golden/golden.py): every dataset of a fixed set of commands decodes to the
recorded values, except the differences listed on purpose with their reasons."""

import subprocess
import sys

import numpy as np

from support import environment

sys.path.insert(0, str(environment()[1] / "tests" / "golden"))
import golden  # noqa: E402


def test_every_recorded_dataset_is_unchanged():
    binary, source = environment()
    result = subprocess.run(["/usr/bin/python3", str(source / "tests/golden/golden.py"), "check", "--binary", binary],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 unexpected" in result.stdout


def test_a_changed_value_is_found_and_an_unlisted_one_is_not_excused():
    recorded = {"run-x:events/kind": "a", "run-x:indicators/values[jobs]": "b"}
    found = {"run-x:events/kind": "a", "run-x:indicators/values[jobs]": "c", "run-x:indicators/values[new]": "d"}
    unexpected, allowed = golden.compare(recorded, found)
    assert unexpected == ["differs: run-x:indicators/values[jobs]", "new: run-x:indicators/values[new]"]
    assert allowed == []


def test_digests_see_values_and_shape_not_storage():
    a = np.arange(6, dtype="<f8").reshape(2, 3)
    assert golden._digest_array(a) == golden._digest_array(a.astype(">f8"))
    assert golden._digest_array(a) != golden._digest_array(a.reshape(3, 2))
    b = a.copy()
    b[1, 2] += 1e-12
    assert golden._digest_array(a) != golden._digest_array(b)


def test_normalised_texts_drop_only_sources():
    text = "[dynamics]\nsource = 'BRIEF.md'\nrevenue_growth = 0.005\n[uncertainty]\n\"a.b\" = { low = 0.1, high = 0.2, source = \"x\" }"
    assert golden.normalise_text(text) == "[dynamics]\nrevenue_growth = 0.005\n[uncertainty]\n\"a.b\" = { low = 0.1, high = 0.2 }"
