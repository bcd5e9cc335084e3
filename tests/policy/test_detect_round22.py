"""Round 22 (issue 15): handles whose symbols are said as words, found from the train halves of
``learned/own_v20_probe.jsonl`` and ``own_v19_probe.jsonl``, and the rules written from the
train half of ``learned/own_v21_probe.jsonl``."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels
from tests.policy.linear import assert_linear, repeated


def _handles(text: str) -> set[str]:
    return {f.value for f in scan(text) if f.label == "handle"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a spoken "_", "." or "@" inside a handle given after an app
        (
            "en insta soy arroba pao guion bajo modela3d, escribime por dm",
            "instagram:@pao_modela3d",
        ),
        ("discord pe milo: arjun underscore renders, bina spaces", "discord:arjun_renders"),
        ("ig ko: lyka dot draws, dm mo ko dun", "instagram:lyka.draws"),
        ("ig: priya . sketches, DM open hai", "instagram:priya.sketches"),
        ("on telegram I'm marta underscore builds", "telegram:marta_builds"),
        ("sur insta c'est lea tiret bas photo", "instagram:lea_photo"),
        ("na insta sou bia ponto artes, chama na dm", "instagram:bia.artes"),
        ("auf Instagram: jonas unterstrich cuts", "instagram:jonas_cuts"),
        ("instagram'da zeynep alt çizgi design, dm atın", "instagram:zeynep_design"),
        # a Skype id's colon said as a word, in each language's word
        ("ja, das bin ich: skype live doppelpunkt tobi punkt cuts", "skype:live:tobi.cuts"),
        ("скайп: live двоеточие anna точка montazh", "skype:live:anna.montazh"),
        ("my skype is live colon dan dot edits", "skype:live:dan.edits"),
        ("skype: live dos puntos carla punto web", "skype:live:carla.web"),
        ("skype live due punti marco punto video", "skype:live:marco.video"),
    ],
)
def test_a_handle_said_with_words_for_its_symbols_is_a_handle(text: str, value: str) -> None:
    assert value in _handles(text)


@pytest.mark.parametrize(
    "text",
    [
        "on instagram the logo looks better with a dot above the i",
        "the telegram bot underscore naming follows snake case, e.g. send_message",
        "I went live on Instagram at noon, the stream had 40 viewers",
        "our skype for business went live colon issues were fixed later",
        "insta stories: 3 slides, dot grid background, underscore under the title",
        "the discord bot token goes in config dot env, never in the chat",
        # a word read as a weak "@" ("et") between two name words: no symbol was spoken
        "Cherchez-moi sur LinkedIn avec mon nom et prénom, je réponds plus vite là-bas",
    ],
)
def test_symbols_said_in_other_talk_are_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


def test_a_handle_typed_as_is_is_not_reported_twice() -> None:
    values = [
        f.value for f in scan("insta: @pao_modela3d or pao dot modela3d") if f.label == "handle"
    ]
    assert values.count("instagram:@pao_modela3d") == 1


def test_the_spoken_handle_pass_stays_linear() -> None:
    unit = "on insta I'm ana dot art underscore x and the deck dot pdf is done. "
    assert_linear(lambda n: scan(repeated(unit, n)))
