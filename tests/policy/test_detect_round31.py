"""Round 31 (issue 15): rules written from the train half of ``learned/own_v27_probe.jsonl``
(its test half was never read). The sentences here are new phrasings, not the probe's."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels, rule_labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a call on the phone instead of here
        ("la llamada de acá se traba, mejor te llamo por el celular", "off_platform"),
        ("je vous appelle sur votre portable ce soir, l'appel ici grésille", "off_platform"),
        # files by e-mail, with a person as the object
        ("Ich kann Ihnen die Skizzen per Mail schicken, hier sind sie zu klein", "off_platform"),
        ("Może Pan przesłać mi zdjęcia mailem? Tu się nie otwierają", "off_platform"),
        ("Send mo na lang po sa email ko yung mga litrato", "off_platform"),
        # a video call on an app, "just on" an app
        ("provayı whatsapp görüntülü yapalım mı, annesi de görsün", "off_platform"),
        ("dun na lang sa Viber yung mga litrato, mabagal ang upload dito", "off_platform"),
        # a second person plural pay verb, a bank account named by its bank
        ("il servizio fotografico me lo pagate con Satispay, è più comodo", "off_platform"),
        ("BDO savings po, pakideposit na lang yung downpayment", "off_platform"),
        ("ادفعي لي بالويسترن يونيون على اسمي", "off_platform"),
        # the platform named as what a means is compared against
        ("règle-moi par virement, c'est plus simple que de passer par l'appli", "off_platform"),
        ("Zahl per Twint, das ist einfacher als über die App hier", "off_platform"),
        ("переведите задаток по реквизитам моей студии", "off_platform"),
        # "my Gmail is …" with more copulas
        ("mein Gmail ist jonas.fotografie88, schreib mir da", "email"),
        ("gmail saya adalah rina.les_privat", "email"),
        # a word-named app added on with a shaped id
        ("add line aku aja ya: tita_baker", "handle"),
        # Arabic "بعد ما" is "after", not "not"
        ("بعد ما نخلص التصوير كلمني على الواتساب", "off_platform"),
        # "here" negated after it, in German order
        ("Cash beim ersten Termin, den Auftrag machen wir hier nicht", "off_platform"),
        # Russian "встретимся" names a meeting
        ("Давайте встретимся в Webex в четверг, покажу эскизы на экране.", "meeting_link"),
    ],
)
def test_moves_of_round_31(text: str, label: str) -> None:
    assert label in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        # a tool turned down after it, or granted and then set aside for the platform
        "Teams lade ich nicht runter, wir telefonieren einfach hier",
        "Wiem, że Teams jest popularny, ale zostańmy przy rozmowie na platformie.",
        # a job of teaching someone to use an app
        "Нужно научить дедушку пользоваться Telegram, чтобы звонить родным.",
        # the other party's idea or question reported, then turned down
        "About your idea to pay me through Venmo, I'd rather not. The milestone is fine.",
        "Kemarin kakak nanya soal transfer langsung. Maaf ya, aku ga terima bayaran di luar"
        " aplikasi.",
        # a means turned down right after it, where the verb comes last
        "Sorry ji, direct UPI nahi karunga. Pichli baar paisa doob gaya tha.",
        # an inline quotation answered by cues that point here
        'قلت "كلمني ع الواتس" 🙂 خلينا هنا، أرسل لك العينات هنا',
        # the worker before as a story's subject
        "Poprzedni fotograf kazał płacić gotówką do ręki.",
        # (from here on, look-alikes that were clean before this round too: guards)
        "The system sends the invoice per Mail to the customer automatically.",
        "Die Rechnung wird automatisch per Mail verschickt.",
        "Sé que Meet es práctico, pero sigamos con la videollamada de la plataforma.",
        "Busco a alguien que le enseñe a mi abuela a usar WhatsApp y Zoom en la tablet.",
        "Paytm se payment nahi lunga, platform se hi karo",
        "bhai direct GPay nahi karunga, platform se hi bhejo",
        "Poprzedni fotograf kazał płacić gotówką i zniknął po tygodniu.",
        "Zoom is easy, but I'd still prefer the call button here.",
        # row and page numbers are no phone number ("add line numbers to the table")
        "Добавь номера строк в таблицу: foo_bar",
    ],
)
def test_look_alikes_of_round_31_are_no_move(text: str) -> None:
    assert labels(text) == set()


def test_the_round31_rules_stay_linear() -> None:
    unit = (
        "plus simple que passer par l'appli virement Zoom jest wygodny, ale tutaj "
        "gmail ko po ay x.y add line aku: a_b бо ما научить Zoom "
    )
    assert_linear(lambda n: scan(repeated(unit, n)))


def test_many_addresses_given_as_provider_and_username_stay_linear() -> None:
    # each "my gmail is x.y" was checked against every address found before it
    assert_linear(lambda n: scan(repeated("my gmail is lena.va ", n)), small=20_000)
