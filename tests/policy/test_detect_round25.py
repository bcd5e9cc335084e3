"""Round 25 (issue 15): rules written from the train half of ``learned/own_v22_probe.jsonl``
(its test half was never read). The sentences here are new phrasings, not the probe's."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    "text",
    [
        "The call button here keeps freezing. Google Meet tomorrow at 10?",
        "El botón de llamada de acá no anda. ¿Hacemos un Meet el lunes?",
        "Der Anruf-Button hier stürzt ab. Machen wir morgen ein Google Meet?",
    ],
)
def test_a_tool_proposed_after_blaming_the_platforms_button_is_a_meeting_move(text: str) -> None:
    assert "meeting_link" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "agendé la reunión con el botón de zoom de acá, te aparece en el calendario",
        "use the zoom button in the thread header to start the call",
    ],
)
def test_a_button_beside_the_tool_in_its_sentence_is_the_platforms(text: str) -> None:
    assert "meeting_link" not in labels(text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "te dejé el archivo: cotizacion_web_contacto-luis.mena@outlook.es.pdf",
            "luis.mena@outlook.es",
        ),
        ("Datei heißt angebot_kontakt-tim.roth@posteo.de.pdf", "tim.roth@posteo.de"),
    ],
)
def test_an_address_inside_a_file_name_is_an_email(text: str, address: str) -> None:
    assert any(f.value.endswith(address) for f in scan(text) if f.label == "email")


def test_a_placeholder_address_inside_a_file_name_is_no_email() -> None:
    assert "email" not in labels("the fixture is report_user@example.com.pdf")


@pytest.mark.parametrize(
    "text",
    [
        "Antigamente eu atendia tudo pelo Telegram e perdia mensagens. Aqui é mais organizado.",
        "Waktu masih kerja di agency, semua revisi lewat email dan sering nyelip.",
        "Nung nasa BPO pa ako, puro Teams lahat ng meetings namin.",
        "Dün akşam başka bir müşteriyle Zoom toplantısındaydım, geç gördüm kusura bakma",
        "pehle wali agency me sab clients Google Meet pe milte the",
    ],
)
def test_stories_of_work_before_are_no_move(text: str) -> None:
    assert labels(text) == set()


def test_the_round25_rules_stay_linear() -> None:
    unit = "the call button froze. Meet? file_x-ana.b@outlook.es.pdf, dulu pernah di email. "
    assert_linear(lambda n: scan(repeated(unit, n)))


@pytest.mark.parametrize(
    "text",
    [
        "kann ich in ETH zahlen? meine Karte wird hier ständig abgelehnt",
        "can I pay you in USDT? my card keeps getting declined here",
    ],
)
def test_here_blamed_after_a_move_keeps_nothing(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Já me pediram pix por fora outras vezes e eu sempre recuso, então vamos pelo site mesmo",
        "a client asked for PayPal outside, I refused. Here is fine.",
    ],
)
def test_a_writers_own_refusal_still_keeps_it_here(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("dyskord: k u b a _ m o n t a z, zaproś mnie", "handle"),
        ("diskorttan ekle beni, kullanıcı adım ece_vfx", "handle"),
        ("mam drugi profil, na którym siedzę codziennie, napisz tam", "off_platform"),
        ("jak skończysz, puszczę Ci blika na telefon", "off_platform"),
        ("drugi etap poproszę na Revoluta", "off_platform"),
        ("mogę też przyjąć w USDT, wyślę adres portfela", "off_platform"),
    ],
)
def test_polish_and_turkish_spellings_and_verbs(text: str, label: str) -> None:
    assert label in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "puszczę render na noc i rano wyślę podgląd tutaj",
        "mogę przyjąć zlecenie od poniedziałku, płatność przez serwis",
        "przyjmę poprawki do piątku, potem zamykamy etap w serwisie",
    ],
)
def test_polish_verbs_of_letting_and_accepting_without_a_means_are_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)
