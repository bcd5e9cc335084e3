"""Round 23 (issue 15): rules written from the train half of ``learned/own_v20_probe.jsonl``
after round 22 — a meeting tool offered as a choice, a verb of sending or writing with the
place it goes to, and an address whose mail provider is given without its ending."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    "text",
    [
        "teams mi meet mi, siz seçin",
        "teams o meet? como prefieras",
        "teams ou meet, tu préfères quoi ?",
        "zoom or meet, your call",
        "meet czy teams? wybierz",
        "teams atau meet, terserah kamu",
    ],
)
def test_two_meeting_tools_offered_as_a_choice_are_a_meeting_move(text: str) -> None:
    assert "meeting_link" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "our app lets users start a zoom or teams call from the dashboard",
        "we integrate with zoom or teams via their APIs",
        "the user can zoom or pan the map",
        "small teams or solo founders are our main customers",
        "I need someone who can meet or beat the deadline",
        "last year we used zoom or meet depending on the client",
        "I won't do zoom or meet, let's use the call button here",
    ],
)
def test_tools_named_in_other_talk_are_no_choice(text: str) -> None:
    assert "meeting_link" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "ok mandalo al wasap, lo veo a la noche",
        "mándamelo por telegram cuando puedas",
        "ok envoie-le sur mon insta, je regarde ce soir",
        "le plus simple : tu m'ajoutes sur Signal et on gère les retours là-bas",
        "Se preferisci parliamone meglio su Telegram, lì ti mando i vocali.",
        "Odpiszę wieczorem na fejsie, tam szybciej widzę wiadomości.",
        "send it to my insta, I'll check tonight",
        "btw ada discord? biar gampang share progres",
    ],
)
def test_a_verb_of_sending_with_an_app_after_it_is_a_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "mándalo al cliente cuando esté listo, yo reviso aquí",
        "send it to my manager for sign-off, then post the final here",
        "parliamone qui domani mattina, ho la call con il team alle 10",
        "Odpiszę na pytania jutro rano.",
        "envoie-le par la messagerie du site, c'est plus sûr",
    ],
)
def test_a_verb_of_sending_without_an_outside_place_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("papara değil paypal: d e n i z 3 4 at gmail", "deniz34@gmail.com"),
        ("بايبال: s a m i 8 8 (at) yahoo", "sami88@yahoo.com"),
        ("mi correo: lucia_m arroba hotmail", "lucia_m@hotmail.com"),
        ("naomi.k@yahoo please", "naomi.k@yahoo.com"),
    ],
)
def test_an_address_whose_provider_has_no_ending_is_an_email(text: str, value: str) -> None:
    assert value in {f.value for f in scan(text) if f.label == "email"}


@pytest.mark.parametrize(
    "text",
    [
        "I worked 3 years at yahoo before going freelance",
        "msg me at outlook",
        "the login form at outlook should keep the email field",
        "we were 12 at google, 2 at yahoo",
    ],
)
def test_a_provider_after_a_bare_at_without_a_username_is_no_email(text: str) -> None:
    assert "email" not in labels(text)


def test_the_round23_rules_stay_linear() -> None:
    unit = "teams or zoom for the ada demo, send it to my team; rin4 at gmail. "
    assert_linear(lambda n: scan(repeated(unit, n)))
