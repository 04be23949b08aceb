"""Venue credentials come from their own environment variables and never show their values."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.credentials import (
    VENUE_CREDENTIALS,
    missing_credentials,
    read_credentials,
    required_credentials,
)
from cli.settings_errors import ENV_PREFIX
from vibetrading_V2.core.errors import ConfigError, MissingCredentialsError
from vibetrading_V2.core.secret import Secret

BYBIT = {"BYBIT_API_KEY": "PLANTEDKEY123", "BYBIT_API_SECRET": "PLANTEDSECRET456"}


def test_read_credentials_when_none_set_then_every_missing_variable_is_named_at_once() -> None:
    with pytest.raises(MissingCredentialsError) as info:
        read_credentials("bybit", {})
    assert info.value.missing == ("BYBIT_API_KEY", "BYBIT_API_SECRET")
    assert "BYBIT_API_KEY, BYBIT_API_SECRET" in info.value.message


def test_read_credentials_when_one_is_blank_then_it_counts_as_missing() -> None:
    assert missing_credentials("bybit", {**BYBIT, "BYBIT_API_SECRET": "  "}) == [
        "BYBIT_API_SECRET"]


def test_read_credentials_when_a_value_has_a_trailing_newline_then_refused_without_the_value(
) -> None:
    with pytest.raises(ConfigError) as info:
        read_credentials("bybit", {**BYBIT, "BYBIT_API_KEY": "PLANTEDKEY123\n"})
    assert info.value.field == "BYBIT_API_KEY"
    assert "PLANTEDKEY123" not in str(info.value)


def test_read_credentials_when_all_set_then_values_are_secrets_shown_as_stars() -> None:
    credentials = read_credentials("bybit", BYBIT)

    key = credentials["BYBIT_API_KEY"]
    assert key.reveal() == "PLANTEDKEY123"
    shown = f"{key} {key!r} {key:>20} {credentials!r} {credentials!s}"
    assert "PLANTEDKEY123" not in shown and "PLANTEDSECRET456" not in shown
    assert "***" in shown


def test_secret_when_pickled_then_refused() -> None:
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(Secret("PLANTEDKEY123"))


def test_secret_when_compared_then_equal_by_value() -> None:
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")


@pytest.mark.parametrize("venue", ["simulator", "ibkr"])
def test_required_credentials_when_venue_keeps_no_secret_here_then_none(venue: str) -> None:
    assert required_credentials(venue) == ()
    assert read_credentials(venue, {}).secrets == {}


def test_credential_variables_when_listed_then_outside_the_settings_prefix() -> None:
    names = [spec.variable for specs in VENUE_CREDENTIALS.values() for spec in specs]
    assert names and not any(name.upper().startswith(ENV_PREFIX) for name in names)


@given(st.dictionaries(st.sampled_from(sorted(BYBIT)), st.sampled_from(["", " ", "k", "\t"])))
def test_missing_credentials_when_any_are_unset_or_blank_then_exactly_those_named(
    environ: dict[str, str],
) -> None:
    expected = [name for name in sorted(BYBIT) if not environ.get(name, "").strip()]
    assert missing_credentials("bybit", environ) == expected


@given(st.text(min_size=1))
def test_secret_when_shown_then_its_text_never_depends_on_the_value(value: str) -> None:
    secret = Secret(value)
    assert (str(secret), repr(secret), f"{secret:>9}") == ("***", "Secret('***')", "***")
