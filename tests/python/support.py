"""Helpers shared by the Python tests that run the incubsim binary (ctest sets the environment)."""

import os
from pathlib import Path

import pytest


def text(values):
    """h5py string values (bytes or str) as str."""
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def environment():
    """(INCUBSIM_BINARY, INCUBSIM_SOURCE_DIR as a Path); fails the test when ctest did not set them."""
    binary = os.environ.get("INCUBSIM_BINARY")
    source = os.environ.get("INCUBSIM_SOURCE_DIR")
    if not binary or not source:
        pytest.fail("INCUBSIM_BINARY and INCUBSIM_SOURCE_DIR must be set (ctest sets them)")
    return binary, Path(source)


def small_scenario():
    return environment()[1] / "scenarios" / "test" / "small.toml"
