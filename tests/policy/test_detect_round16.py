"""Round 16 (issue 15): a place off the platform named only as "the usual place" or "somewhere
more private", found missing by the train half of ``learned/own_v13_probe.jsonl``. The
sentences here are new phrasings, not the probe's; the benign ones keep the same words."""

from __future__ import annotations

import pytest

from tests.policy.helpers import labels


@pytest.mark.parametrize(
    "text",
    [
        "Just add me in the usual place, my name there is the same as on this profile.",
        "Could we move this somewhere more private? I'd rather the site didn't read our rates.",
        "Escríbeme donde siempre y lo cerramos allí, ¿vale?",
        "Mejor lo hablamos en un lugar más privado, aquí todo queda registrado.",
        "Me chama no lugar de sempre que eu te passo os detalhes.",
        "Bora conversar num lugar mais privado? Aqui tudo fica gravado.",
        "Yuk lanjut ngobrol di tempat biasa, di sini lambat.",
    ],
)
def test_a_place_named_as_usual_or_private_is_a_move(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Let's keep talking here, this chat is our usual place.",
        "Send the files to the usual place in the project folder on the platform.",
        "Seguimos hablando donde siempre, aquí en el chat de la plataforma.",
        "Pon el logo donde siempre, arriba a la izquierda.",
        "Coloque o botão no lugar de sempre no cabeçalho.",
        "Den Button bitte am üblichen Ort im Header platzieren.",
    ],
)
def test_the_usual_place_of_a_button_or_of_this_chat_is_no_move(text: str) -> None:
    assert labels(text) == set()
