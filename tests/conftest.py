"""Shared fixtures: seeded randomness and the activation registry."""

import random

import pytest

import derive


@pytest.fixture
def rng():
    """A seeded random.Random, so every test draws the same numbers on every run."""
    return random.Random(20261123)


ACTIVATIONS = derive.activation_names()
