"""Off-platform intent, round 13 (issue 15): what the dev half of ``learned/own_v8_probe.jsonl``
showed missing, fixed as kinds, each with the benign sentences that share its words.

- A meeting on a named tool with no link: the local words for "invite", "clear up", "let's
  hear each other", German hyphen compounds ("Teams-Einladung"), the Polish plural "Teamsy",
  and "one short call" said with the shortness word after the tool ("un Zoom rapidito").
- Reaching the other party elsewhere: polite pronouns ("vous contacter", "ich Sie erreichen"),
  "reachable" ("wo bist du sonst erreichbar"), "directly" beside a verb of reaching, oblique
  forms of "another way" (hi "किसी और तरीके से", tl "iba pa bang paraan", ru "иначе"),
  demonstratives inside a place ("poza tą stroną", "poza tym portalem"), and a word for "here"
  that names the chat being complained of ("тут чат неудобный") instead of where to stay.
- Not a move: another way to do the work, with the purpose said before the way, in languages
  that put it first ("milestone पूरा करने का कोई और तरीका", "yetişmenin başka bir yolu").
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import rule_labels, rule_values


@pytest.mark.parametrize(
    "text",
    [
        "¿Hacemos un Zoom rapidito mañana y lo cerramos?",
        "Bora fazer um Teams rapidinho depois do almoço?",
        "Te mando la invitación de Zoom para el jueves",
        "Pode me mandar o convite do Zoom para amanhã?",
        "Je vous envoie une invitation Teams pour lundi",
        "Können Sie mir eine Zoom-Einladung für morgen schicken?",
        "Ich schicke dir gleich den Teams-Link",
        "Das können wir kurz per Teams besprechen",
        "Lass uns das morgen per Zoom klären",
        "Vediamoci su Zoom domani alle 10",
        "Sentiamoci su Teams dopo pranzo",
        "Umówmy się na Zoomie w piątek",
        "Wyślę ci zaproszenie na Teamsy na jutro",
        "Пришлю приглашение в Zoom на завтра",
        "Yarın için Zoom daveti gönderir misin?",
        "Aku kirim undangan Zoom buat besok ya",
        "Padalhan mo ako ng imbitasyon sa Zoom bukas",
        "कल के लिए Zoom का इनवाइट भेज दूँगा",
        "أرسل لي دعوة زوم لبكرة",
    ],
)
def test_meeting_on_a_named_tool_with_no_link(text: str) -> None:
    assert "meeting_link" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "let's have a meet-up next week at the office",
        "the zoom-in on the map is broken on mobile",
        "Die Teams-Integration in unserer App ist kaputt",
        "Die Einladung zur Firmenfeier kommt per Post",
        "La invitación a la boda llegó ayer",
        "Wyślij zaproszenie do repozytorium na GitHubie",
        "hacemos un zoom rápido sobre la imagen del producto",
        "l'invitation au dépôt est partie, tu peux accepter",
        "The teams in our company use Jira",
    ],
)
def test_meeting_words_without_a_call_on_a_tool(text: str) -> None:
    assert "meeting_link" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Comment puis-je vous contacter en dehors du site ?",
        "Je peux vous écrire hors du site ?",
        "Wie kann ich Sie sonst noch erreichen?",
        "Wo sind Sie sonst so erreichbar, außerhalb der Plattform?",
        "Posso contattarti direttamente? Qui i messaggi arrivano tardi",
        "Jak mogę się z tobą skontaktować poza tym portalem?",
        "Можно с тобой как-то иначе связаться?",
        "Тут сайт тормозит, как с вами иначе связаться?",
        "क्या आपसे किसी और तरीके से बात हो सकती है?",
        "kya aapse kisi aur tareeke se contact ho sakta hai?",
        "Platformun dışında sizinle nasıl iletişime geçebilirim?",
        "Ada cara lain buat ngehubungin kamu selain chat ini?",
        "May iba pang paraan para ma-contact kita?",
        "the chat here keeps lagging, can I reach you somewhere else?",
        "aapse baat karne ka koi aur tareeka hai kya?",
        "Seninle konuşmanın başka bir yolu var mı?",
    ],
)
def test_reaching_the_other_party_elsewhere(text: str) -> None:
    assert "comm:contact_elsewhere" in rule_values(text, "off_platform") or "off_platform" in (
        rule_labels(text)
    ), text


@pytest.mark.parametrize(
    "text",
    [
        "Je vous contacte ici dès que la maquette est prête",
        "Ich kann Sie hier im Chat jederzeit erreichen",
        "Sind Sie morgen hier erreichbar?",
        "Ti scrivo direttamente qui appena ho finito",
        "Skontaktuję się z tobą tutaj, jak skończę",
        "Напишу вам тут, как только закончу",
        "क्या माइलस्टोन पूरा करने का कोई और तरीका है?",
        "deadline tak milestone complete karne ka koi aur tareeka hai kya?",
        "Teslim tarihine yetişmenin başka bir yolu var mı?",
        "Raporu bitirmek için başka bir yol var mı?",
        "Можно как-то иначе сделать экспорт?",
        "Sizinle burada iletişime geçeceğim, bildirim açık",
        "Is there another way to speed up the build?",
        "the chat here is fine, let's keep talking here",
    ],
)
def test_reaching_here_or_another_way_to_work(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


# --- round 13b: e-mail pieces, apps named by their owner, masked numbers ---------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("nombre y apellido juntos, lauragil, y después el gmail de siempre", "lauragil@gmail.com"),
        ("Vor- und Nachname zusammen, jonasweber, dann das übliche gmx.de", "jonasweber@gmx.de"),
        ("фамилия и имя слитно, ivanpetrov, дальше yandex.ru", "ivanpetrov@yandex.ru"),
        ("nama depan dan belakang digabung, dewisari, terus yahoo dot com", "dewisari@yahoo.com"),
        (
            "surname and name together: kowalskijan, then the usual outlook",
            "kowalskijan@outlook.com",
        ),
        ("soyadım bitişik, mehmetdemir, sonra gmail nokta com", "mehmetdemir@gmail.com"),
        ("मेरा नाम और सरनेम एक साथ, rahulverma, फिर gmail डॉट कॉम", "rahulverma@gmail.com"),
    ],
)
def test_glued_name_written_glued_then_provider(text: str, value: str) -> None:
    assert value in rule_values(text, "email"), text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "le domaine c'est studio-pixel.fr, et avant l'arobase c'est bonjour",
            "bonjour@studio-pixel.fr",
        ),
        ("the domain is lumen-studio.de and before the @ it's just hello", "hello@lumen-studio.de"),
    ],
)
def test_domain_then_the_part_before_the_at(text: str, value: str) -> None:
    assert value in rule_values(text, "email"), text


@pytest.mark.parametrize(
    "text",
    [
        "nome e cognome attaccati nel campo username, tipo mariorossi, poi il login gmail",
        "first and last name together, e.g. annasmith, is how the username field works with gmail",
        "the surname goes together with the name, andersson, on the gmail invoice",
    ],
)
def test_glued_names_in_a_spec_or_a_sentence_about_names(text: str) -> None:
    assert "email" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "let's move to the app Zuckerberg bought",
        "on continue sur l'appli que Durov a créée ?",
        "Давай перейдём в приложение Дурова, там удобнее",
        "chalo us app pe chalte hain jo Zuckerberg ne kharida tha",
        "चलिए उस ऐप पर आ जाओ जो ज़करबर्ग ने खरीदा था",
    ],
)
def test_app_named_by_its_owner(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Zuckerberg said in an interview that they will add more AI, let's move on to the specs",
        "send me the article about Snowden when you can",
        "Durov's interview was interesting, let's continue with the backlog",
    ],
)
def test_owner_named_with_no_app(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "मॉकअप में फ़ोन नंबर की जगह 98XXXXXXXX डाल दीजिए",
        "Tasarımda telefon yerine 0 (5XX) XXX XX XX yazın.",
        "in the signup mockup put the phone as +1 555 XXX XXXX, send it to me after",
        "pon el teléfono como 6XX XXX XXX en el formulario y envíamelo",
    ],
)
def test_phone_words_beside_a_masked_number(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


def test_phone_word_without_a_mask_still_moves() -> None:
    assert "comm:phone" in rule_values("send me your phone number please", "off_platform")


# --- round 13c: Arabic contacts offered, negated "have" questions, yellow apps, "over there" ----


@pytest.mark.parametrize(
    "text",
    [
        "راح أترك لك جهة اتصالي عشان نكمل",
        "هديك رقمي الخاص وكلمني بكرة",
        "عطني وسيلة تواصل تانية لو سمحت",
        "ممكن تعطيني وسيلة تواصل خاصة فيك؟",
        "تحب اعطيك رقم جوالي؟ أسهل",
        "هبعتلك رقمي بتاعي الشخصي بعد شوية",
        "وين ممكن ألاقيك غير هنا لو صار شي؟",
    ],
)
def test_arabic_contact_offered_or_asked(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "هبعتلك رقم الفاتورة بعد الدفع",
        "المستخدم يقدر يعطينا رقم جواله في صفحة التسجيل في التطبيق",
        "خد رقم الطلب وتابع الشحنة من هنا",
        "اعطيك تصميم ثاني للصفحة بكرة",
    ],
)
def test_arabic_numbers_that_are_no_contact(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "esse chat trava muito, não tem outro lugar pra gente conversar?",
        "¿no hay otro lugar donde hablar? aquí tarda todo",
        "gibt es keinen anderen Ort, wo wir reden können?",
    ],
)
def test_negated_have_in_a_question_asks_for_it(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "não vamos conversar em outro lugar, fica tudo aqui",
        "no vamos a hablar en otro lugar, seguimos aquí",
        "I don't have another place to talk about the invoice, sorry",
    ],
)
def test_negation_that_refuses_the_move(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "kak pake apk burung biru? aku dm kesitu ya",
        "ada aplikasi yang hantu kuning? aku kirim fotonya disana",
        "nasa app ka ba na may dilaw na multo? send ko dun",
        "ты есть в жёлтом с призраком? скину туда",
    ],
)
def test_app_euphemism_question_then_over_there(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "logonya kuning di header, burung biru di footer, oke?",
        "tombol kuning di aplikasi kita terlalu kecil? aku taruh disana ikon hantu",
    ],
)
def test_colours_and_logos_in_design_talk(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


# --- round 13d: provider and the part before the "@", receiving money, the rest in cash -------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the usual gmail, and before the @ put sara.lind.studio", "sara.lind.studio@gmail.com"),
        ("el de siempre, yahoo; delante pones «marta_gil77»", "marta_gil77@yahoo.com"),
        ("la solita di Libero, davanti metti paolo.neri88", "paolo.neri88@libero.it"),
        ("обычный яндекс, перед собакой ставь oleg.k1990", "oleg.k1990@yandex.ru"),
        ("wahi gmail, aage lagao neha.k.design", "neha.k.design@gmail.com"),
        ("हमेशा वाला जीमेल, आगे लगाइए rohit.dev21", "rohit.dev21@gmail.com"),
        ("yang biasa, outlook. depannya rina_putri09", "rina_putri09@outlook.com"),
    ],
)
def test_provider_and_the_part_before_the_at(text: str, value: str) -> None:
    assert value in rule_values(text, "email"), text


@pytest.mark.parametrize(
    "text",
    [
        "davanti metti il nome, poi la chiocciola e gmail: è il formato del campo email",
        "before the @ put your name, after it the gmail domain",
    ],
)
def test_provider_and_local_part_in_a_spec_or_unshaped(text: str) -> None:
    assert "email" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Would you accept receiving half in USDT? Easier than escrow for me",
        "Você toparia receber o resto no PayPal?",
        "Sarebbe disposto a ricevere il saldo su Satispay?",
        "Бы могли получить остаток на карту?",
        "Pelunasannya lewat GoPay saja ya, lebih cepat",
        "والباقي أحوله لك على STC Pay",
        "farkı IBAN'ına atarım, komisyon az çıkar",
        "Anzahlung hier, die restlichen 2.400 € bar bei Übergabe",
        "DP di sini aja, sisanya cash pas ketemu ya",
    ],
)
def test_receiving_money_by_an_outside_means_or_the_rest_in_cash(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "the backend must receive the PayPal webhook and mark the order paid",
        "Customers receive a receipt by e-mail after paying with Pix in the app",
        "Anzahlung hier und der Rest auch hier über die Plattform, kein Bargeld",
        "pay the deposit here and the rest here too, no cash please",
        "мой аванс получен через платформу, спасибо",
    ],
)
def test_receiving_or_the_rest_kept_here_or_in_a_spec(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "No mockup coloque 00000 00000 no lugar do telefone e me mande",
        "मॉकअप में नंबर की जगह 00000 00000 लिख दीजिए।",
    ],
)
def test_phone_words_beside_a_zero_placeholder(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


def test_a_decimal_point_does_not_end_a_sentence() -> None:
    from signaling.policy.detect.model import sentence

    s = "die restlichen 2.400 € bar bei ubergabe. danke"
    assert sentence(s, s.index("bar"), s.index("bar") + 3)[0].startswith("die restlichen 2.400")


# --- round 13e: meeting cues, tools as products, contacts, hyphenated multipliers, apps -------


@pytest.mark.parametrize(
    "text",
    [
        "Jitsi or Whereby, your call - I just want to see your screen while you demo it",
        "Lass uns kurz über Webex sprechen, der Kunde nutzt das eh",
        "Może spotkanko na Meecie jutro rano?",
    ],
)
def test_meeting_cues_round13e(text: str) -> None:
    assert "meeting_link" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Para la landing queremos una tabla comparando planes estilo Zoom vs Teams",
        "Le client a tout migré de Zoom vers Teams, la vidéo doit montrer les deux",
        "Compare Zoom versus Teams pricing in the deck, slide 4",
    ],
)
def test_meeting_tools_compared_or_migrated(text: str) -> None:
    assert "meeting_link" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Laisse-moi tes coordonnées quand tu peux, on continue en dehors",
        "Wie erreiche ich Sie am besten, falls das hier mal hakt?",
        "А где вас ещё можно найти, кроме этой площадки?",
        "Ada cara lain buat menghubungi kakak? Saya jarang buka di sini.",
    ],
)
def test_contact_moves_round13e(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Wie erreiche ich die Einstellungen, falls das Menü hakt?",
        "Где ещё в админке можно найти логи?",
        "Kalau ada kendala, hubungi kakak CS di sini ya",
    ],
)
def test_contact_words_for_the_work(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Ruf mich an: null eins sieben sechs, doppel-drei, vier acht, neun zwei eins",
        "call me: double-seven four five triple-two one nine eight",
    ],
)
def test_hyphenated_multiplier(text: str) -> None:
    assert "phone" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Você tem aquele verdinho? Por aqui eu demoro pra ver notificação.",
        "piszmy na mesie od Zuckerberga, tu nic nie widzę",
        "double tick wale app pe ping karo, wahi pe jaldi reply karta hoon",
    ],
)
def test_app_euphemisms_round13e(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Você tem aquele verde do logo? Por aqui o botão ficou azul demais.",
        "the double tick icon in our chat UI should turn blue when read",
        "piszmy dalej specyfikację, wywiad z Zuckerbergiem obejrzę później",
    ],
)
def test_app_euphemism_words_in_design_talk(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


# --- round 13f: a name after the provider, addresses written backwards, skipping the platform --


def test_glued_name_with_a_dot_then_the_name_after_the_provider() -> None:
    text = "My address is my first and last name joined with a dot, at gmail. Rachel Okafor."
    assert "rachel.okafor@gmail.com" in rule_values(text, "email")


def test_first_and_last_name_words_are_not_the_name() -> None:
    text = "my e-mail is first and last name together, at outlook. Jan Novak."
    assert rule_values(text, "email") == ["jannovak@outlook.com"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("read it backwards: moc.kooltuo@yeltnahc.sirhc", "chris.chantley@outlook.com"),
        ("al revés: moc.liamg@zeurlc", "clruez@gmail.com"),
    ],
)
def test_address_written_backwards(text: str, value: str) -> None:
    assert value in rule_values(text, "email"), text


@pytest.mark.parametrize(
    "text", ["npm i react@18.2.0", "moc.elpmaxe@resu is the test fixture", "pin it: lodash@4.17.21"]
)
def test_at_tokens_that_are_no_reversed_address(text: str) -> None:
    assert "email" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "How much would you want if we skipped the platform? You'd keep the 20%.",
        "Ile byś chciał, gdybyśmy pominęli platformę? Wtedy nie oddajesz im 20%.",
        "si nos saltamos la plataforma te ahorras el 20%",
        "se pularmos a plataforma você economiza 20%",
        "если обойдём площадку, сэкономишь 20%",
        "platformu atlayalım, komisyon vermeyiz",
        "نتجاوز المنصة ونوفر العمولة",
        "i-skip na natin yung platform para walang fee",
    ],
)
def test_skipping_the_platform_to_save_its_cut(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "users can skip the platform tour and pay later",
        "don't skip the platform, pay the 20% fee here",
        "we bypass the CDN cache to pay less for bandwidth",
        "saltamos la plataforma de pruebas y vamos directo a producción, 20% más rápido",
    ],
)
def test_skipping_something_else(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


# --- round 13g: "how else can we talk", "a better way to reach you", "where are you active",
# the payment split between here and apart ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "This chat keeps eating my messages, how else can we talk?",
        "Este chat es horrible, ¿cómo más podemos hablar?",
        "Ten czat jest tragiczny, jak inaczej możemy gadać?",
        "ye chat bohot slow hai yaar, aur kaise baat kar sakte hain?",
        "Bu chat berbat, başka nasıl konuşabiliriz?",
        "इस चैट में फोटो नहीं खुलती, कोई दूसरा जुगाड़ है बात करने का?",
        "¿Hay alguna forma mejor de contactarte? Por aquí tardo horas.",
        "Tem algum jeito melhor de falar com você?",
        "Y a-t-il un moyen plus simple de vous joindre ?",
        "Gibt's eine bessere Möglichkeit, dich zu erreichen?",
        "Как с вами можно связаться удобнее?",
        "May ibang paraan ba para makausap kita?",
        "Onde mais você tá ativo? Te procuro lá",
        "Gdzie jeszcze jesteś aktywny? Odezwę się tam.",
        "Panie Marku, jak najszybciej Pana złapać poza tym portalem?",
    ],
)
def test_contact_moves_round13g(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "how else can we speed up the build?",
        "¿Hay alguna forma mejor de ordenar la tabla?",
        "Gibt's eine bessere Möglichkeit, die Tests zu erreichen, die hängen?",
        "Onde mais o botão aparece no app?",
        "Are you active on this thread tomorrow? I'll post the mockups here",
        "Jak inaczej możemy nazwać tę funkcję?",
    ],
)
def test_other_ways_for_the_work(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "How about the first milestone through here, and the rest you wire me separately?",
        "¿Te parece la mitad por acá y la otra mitad aparte?",
        "l'acompte ici et le solde de votre côté, hors site",
        "acconto qui e il saldo a parte, a lavoro finito?",
        "Половину через безопасную сделку, половину переводом — ок?",
    ],
)
def test_payment_split_between_here_and_apart(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "the first milestone here and the rest here too, through the platform",
        "the deposit is 30% and the rest on delivery via milestones here",
        "half here now, the rest in the second milestone",
        "el resto del diseño lo hacemos aparte, en otra página",
    ],
)
def test_payment_split_kept_here(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


# --- round 13h: move cues ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "me escribes por DM en la app de fotos?",
        "Können wir in die App wechseln, die Snowden immer empfiehlt?",
        "ज़करबर्ग वाले नीले चैट ऐप पर मिलते हैं",
        "Tara sa app na may papel na eroplano, mas madali magpasa ng file",
    ],
)
def test_move_cues_round13h(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Wir wechseln die Farbe der App auf Blau, wie besprochen",
        "Tara sa meeting bukas sa opisina, dala ka ng laptop",
        "me escribes por aquí cuando tengas el boceto?",
    ],
)
def test_move_cue_words_without_an_app(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Bezahlung nur über den Meilenstein hier, Überweisungen außerhalb mache ich nicht.",
        "Płatność przez kamień milowy tutaj – przelewy poza platformą odpadają.",
        "Ödeme sadece platformdan, dışarıdan havale olmaz.",
        "Payment via the milestone only; a bank transfer outside the platform is not an option.",
    ],
)
def test_payment_outside_turned_down_after_it(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


def test_payment_outside_then_another_clause_still_moves() -> None:
    assert "off_platform" in rule_labels("pay me via PayPal, I never do the fee thing")


@pytest.mark.parametrize(
    "text",
    [
        "como o escopo fechou, a segunda metade pode me mandar por fora mesmo",
        "раз объём согласован, вторую половину можно мне лично, без сайта",
        "yung second half pwede mo na lang ibigay sakin personally",
        "the platform takes a chunk, let's handle the money side ourselves",
        "for the final payment I'd prefer something outside the escrow",
    ],
)
def test_second_half_apart_and_the_platform_taking_a_chunk(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "the second half of the design goes in a separate file",
        "the second half is released from escrow after review",
        "a segunda metade do projeto fica para o próximo milestone aqui",
    ],
)
def test_second_half_kept_here_or_not_money(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "let's jump to the app where messages vanish, for privacy",
        "I basically live on the encrypted messenger, catch me there",
        "me acha no verdinho",
        "Vous êtes sur l'appli aux messages éphémères ?",
        "on passe sur l'appli des fantômes ? c'est plus rapide",
    ],
)
def test_move_cues_round13k(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "let's jump to the next section of the spec",
        "t'es sur la branche main ou sur develop ?",
        "me acha no figma o frame do checkout",
    ],
)
def test_move_cue_words_about_the_work(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Next week I travel without a laptop, easier to kontaktować się telefonicznie",
        "W przyszłym tygodniu łatwiej będzie kontaktować się telefonicznie albo SMS-em.",
        "На следующей неделе удобнее будет связываться по телефону или смс.",
        "Gelecek hafta telefonla ya da mesajla haberleşmek daha kolay olur.",
        "oye, échame un whats cuando puedas",
        "3ndak whats?",
        "تعال واتس أسهل",
        "file-moi ton mail, je t'envoie tout",
    ],
)
def test_move_cues_round13l(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "whats the best way to reach you here?",
        "whats your rate for a logo? I can reach you here",
        "Skontaktuję się z supportem telefonicznie w sprawie faktury platformy",
        "тестировщики будут связываться по телефону с пользователями приложения",
    ],
)
def test_move_cue_words_round13l_benign(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


# --- round 13m: own_v11_pay's dev half ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Entiendo lo del descuento, pero pagar por fuera va contra las normas.",
        "Sei que sairia mais barato, mas pagar fora do site é contra as regras.",
        "Der Rabatt ist nett, aber Zahlungen außerhalb verstoßen gegen die Regeln.",
        "Diskonnya menarik, tapi bayar di luar platform melanggar aturan.",
        "Maganda yung discount, pero bawal ang bayad sa labas ng platform.",
    ],
)
def test_payment_outside_called_against_the_rules(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I know it's against the rules, but pay me via PayPal and I'll knock 10% off",
        "pay me via PayPal, it's not allowed here but who cares",
    ],
)
def test_payment_outside_despite_the_rules(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Vous accepteriez des cartes cadeaux Amazon ? Plutôt que via la plateforme.",
        "Accetteresti dei buoni regalo Amazon al posto del pagamento sul sito?",
        "Можно расплатиться подарочным сертификатом Ozon вместо оплаты на платформе?",
        "هل تقبل الدفع ببطاقات هدايا أمازون بدلاً من الدفع عبر المنصة؟",
        "Ho la partita IVA, ti faccio fattura io e mi paghi fuori piattaforma.",
        "Je vous fais une facture à mon nom et vous me payez en dehors du site.",
        "Можно на карту перевести, так быстрее, чем через безопасную сделку.",
        "Senti, se saltiamo la piattaforma posso scendere a 800 invece di 950.",
        "Слушайте, мимо биржи могу сделать за 30 тысяч вместо 38.",
        "Sir platform hata do toh 18k mein kar dunga, yahan 22k lagega.",
        "Siteyi aradan çıkarırsak 5 bin yerine 4 bine yaparım.",
        "Kalau nggak lewat sini, saya bisa kasih harga 3 juta aja.",
        "Kung hindi na tayo dadaan dito, 8k na lang.",
        "On pourrait mettre la moitié en jalon ici et le reste hors plateforme, non ?",
    ],
)
def test_payment_moves_round13m(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "users can skip the platform tour, it saves 3k clicks a day",
        "we skipped the platform's 2.1 release notes, $0 impact",
        "kalau nggak lewat sini, lewat mana ya menu settingnya?",
        "The shop sells Amazon gift cards at the counter; the POS must list them",
    ],
)
def test_payment_words_round13m_benign(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


def test_language_patterns_keep_their_uppercase_escapes() -> None:
    """Folding language data lowercased "\\S" into "\\s" (a space), so a pattern written with
    "\\S+" matched nothing; escapes now keep their case."""
    import re

    from signaling.policy.detect import lexicon

    alt = lexicon._alt(["Bis (?:\\S+ ){0,2}Ende"], escape=False)
    assert alt == "bis (?:\\S+ ){0,2}ende"
    assert re.search(alt, "bis x y ende") is not None
