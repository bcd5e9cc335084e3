"""Off-platform intent: a meeting on a named outside tool ("a call on Zoom"), and requests to
move chat, calls or files elsewhere or to pay outside the platform. A move needs a verb or
phrase of moving/paying (per language, see ``languages``) paired with an off-platform place
or means (an app, an app euphemism, "outside the platform", a payment method)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.links import label_of
from signaling.policy.detect.model import Confidence, Finding, Url, Views, sentence
from signaling.policy.detect.regex_opt import StartScan, compile_fast, compile_words
from signaling.policy.detect.text import fold, has_digits


def meeting_requests(views: Views, urls: list[Url]) -> list[Finding]:
    s = views.norm.s
    out: list[Finding] = []
    if any(label_of(u) == "meeting_link" for u in urls):
        return out  # the link itself is the finding
    if not lx.MEETING_TOOL_GATE.may_match(s, views.words):
        return out
    for m in lx.MEETING_TOOL_RE.finditer(s):
        tool = m.group("tool")
        start, end = views.norm.span(m.start(), m.end())
        if (
            tool == "meet"
            and not _named_meet(
                views.text[start:end], _tail(s, m.start(), 40), s[m.end() : m.end() + 24]
            )
            and not _link_to_join(s, m.start(), m.end())
            and not _tool_choice(s, m.start(), m.end())
        ):
            continue
        if tool == "zum" and _BEFORE_ZUM.search(s, max(0, m.start() - 12), m.start()) is None:
            continue  # German "zum" ("to the"); "su zum", "por zum" is the tool misspelt
        if tool == "teams":
            original = views.text[start:end]
            before = s[max(0, m.start() - 24) : m.start()]
            if (
                not original.startswith("T")
                and not re.search(r"(?:ms|microsoft)\s*$", before)
                and _ONE_CALL.search(before) is None
                and _USE_BEFORE.search(before) is None
                and not _link_to_join(s, m.start(), m.end())
                and not _tool_choice(s, m.start(), m.end())
            ):
                continue
        if any(u.start <= start < u.end and len(u.path) > 1 for u in urls):
            continue  # a link (a bare "cal.com" with no path names the tool: "my cal.com")
        lo = max(0, m.start() - 90)
        window = s[lo : m.end() + 90]
        if any(
            not _blamed_clause(s, lo + n.start(), lo + n.end(), m.start())
            for n in lx.MEETING_NEG_RE.finditer(window)
        ):
            continue  # the tool as a product: integrated, compared, migrated from
        whole, whole_start = _near_sentence(s, m.start(), m.end(), after=90)
        if any(
            not _blamed_clause(s, whole_start + n.start(), whole_start + n.end(), m.start())
            for n in lx.MEETING_PRODUCT_RE.finditer(whole, max(0, lo - whole_start))
        ):
            continue  # "a Zoom call feature in the app": a product being built
        near, near_start = _near_sentence(s, m.start(), m.end())
        if any(
            not _blamed_clause(s, near_start + n.start(), near_start + n.end(), m.start())
            for n in lx.MEETING_BUTTON_RE.finditer(near)
        ):
            continue  # "agendé con el botón de zoom de acá": the platform's button
        if (
            tool not in _BOOKING_TOOLS
            and lx.MEETING_AUTO_RE.search(window)
            and lx.MEETING_MADE_RE.search(window)
        ):
            continue  # links a system makes by itself
        if (
            _COMPARED_BEFORE.search(s, max(0, m.start() - 24), m.start()) is not None
            or _COMPARED_AFTER.match(s, m.end()) is not None
        ) and _built_here(s, m.start(), m.end()):
            continue  # "Zoom gibi ama tarayıcıda", "زي زووم بس جوه التطبيق": a likeness
        if _TOOL_NOT_NEEDED.match(s, m.end()) is not None:
            continue  # "Teams oder Zoom extern brauchen wir nicht": turned down after it
        if _EMBEDDED_AFTER.match(s, m.end()) is not None:
            continue  # round 32: "visio Microsoft Teams intégrée", "Jitsi osadzone w aplikacji"
        if _EMBED_OR_AVOID_BEFORE.search(s, max(0, m.start() - _EMBED_SPAN), m.start()):
            continue  # round 33: "incrustar un calendario de Calendly", "éviter Zoom"
        if _TOOL_REFUSED_AFTER.match(s, m.end()) is not None or _but_kept_here(s, m.end()):
            continue  # "Zoom installier ich nicht", "Zoom jest wygodny, ale zostańmy przy …"
        if _WITHOUT_BEFORE.search(s, max(0, m.start() - 40), m.start()) is not None:
            continue  # "ao vivo dentro do site, sem mandar o aluno pro Zoom": done without it
        if (
            _INSTEAD_BEFORE.search(s, max(0, m.start() - 24), m.start()) is not None
            or _INSTEAD_AFTER.match(s, m.end()) is not None
        ):
            continue  # "Zoom yerine sitenin kendi arama özelliğini kullanalım": set aside
        sent, sent_start = _near_sentence(s, m.start(), m.end())
        if _negation_before(sent, m.start() - sent_start):
            continue
        if _told_of_the_past(sent) and not _link_beside(s, m.start(), m.end()):
            continue  # "Zoom ieri mi si è bloccato", "Dulu klienku suka rapat pakai Zoom"
        if (
            lx.MEETING_CUE_RE.search(window) is None
            and _AFTER_FOREIGN_MEET.match(s, m.end()) is None
            and not _one_short_call(s, m.start(), m.end())
            and not _tool_choice(s, m.start(), m.end())
        ):
            continue  # "zoom aja nanti malam": the particle makes the tool a proposal
        value = "meet:" + tool.replace(" ", "")
        out.append(
            Finding(
                "meeting_link",
                start,
                end,
                views.text[start:end],
                value,
                Confidence.MEETING_NAMED_TOOL,
            )
        )
    return out


# A meeting told of the past ("yesterday", "in my last job", "dulu", "eskiden"), in a sentence
# that proposes nothing (no question, no "let's", no day ahead): something that happened.
# ("hier", "dün", "dati" are left out: German "here", Tagalog "there", Italian "data")
_PAST_TIME = re.compile(
    r"(?<!\w)(?:yesterday|last (?:job|project|week|month|year|client|company)|previous(?:ly)?"
    r"|formerly|used to|back then|my old job|ieri|nell'ultimo|in passato|l'anno scorso|ayer"
    r"|el ano pasado|anteriormente|mi trabajo anterior|ontem|no meu ultimo|antigamente"
    r"|autrefois|dans mon ancien|gestern|fruher|im letzten|in meinem alten|wczoraj|poprzedni\w*"
    r"|kiedys|вчера|раньше|прошл\w*|на прошлой|onceki|eskiden|gecen|kemarin|dulu"
    r"|sebelumnya|kahapon|noong|امس|امبارح|زمان|السابق|pichle|पिछले|कल रात"
    # round 25: "dün akşam" (two words: "dün" alone is Tagalog "there"), "nung nasa BPO pa
    # ako", "pehle wali agency", "waktu masih kerja", "dulu pernah"
    r"|dun aksam|dun gece|nung nasa|noong nasa|pehle wali|pehle wale|waktu masih|dulu pernah"
    r"|dulu aku|dulu saya"
    # round 33: a story someone told ("Kwento ng pinsan ko, yung client niya dati …")
    r"|kwento ng|(?:client|kliyente) (?:ko|niya|namin) dati|pernah cerita"
    # round 26: "last time" in Hindi, with a past verb in its sentence (a proposal "like last
    # time" has its own marker: ``_PROPOSAL``)
    r"|पिछली बार|pichli baar|pichhli baar"
    # round 26: the writer's previous firm ("dans ma boîte précédente tout se faisait sur Teams")
    r"|ma boite precedente|mon ancienne boite|in my old company|in my previous company"
    r"|en mi anterior empresa|na minha antiga empresa|in meiner alten firma|nella mia vecchia"
    r" azienda|w poprzedniej firmie|на прошлой работе|eski (?:işyerimde|isyerimde|şirketimde"
    r"|sirketimde))(?!\w)"
)
# Round 24: a story's opening, for payments and files told of ("el año pasado un cliente me
# pagó por PayPal", "il vecchio sviluppatore ci mandava i file su WeTransfer"): a year or a
# worker of before. "Yesterday" and "like last time" are left out: "transfer ke rek yang sama
# kayak kemarin", "geçen seferki gibi nakit ver" propose the same way again.
_PAST_STORY = re.compile(
    r"(?<!\w)(?:last year|a year ago|years ago|in my (?:last|old|previous) job|el ano pasado"
    r"|hace (?:un|dos|tres|\d+) anos?|l'anno scorso|anni fa|l'annee derniere|il y a (?:un|deux"
    r"|\d+) ans?|letztes jahr|letzten jahr|vergangenes jahr|voriges jahr|vor (?:einem|zwei|\d+)"
    r" jahren?|no ano passado|ano passado|anos atras|w zeszlym roku|rok temu|lata temu"
    r"|в прошлом году|(?<!как )раньше|год назад|पिछले साल|pichle saal|pichhle saal|saal pehle"
    r"|gecen yil|gecen sene|yil once|tahun lalu|noong isang taon|noong nakaraang taon"
    r"|العام الماضي|السنة اللي فاتت|السنة الماضية|قبل سنة|قبل سنتين"
    r"|(?:il|lo|la) vecchi[oa] \w+|pehle wala|pehle vala|पहले वाला|l'ancien \w+|l'ancienne \w+"
    r"|el (?:\w+ )?anterior|der (?:alte|fruhere) \w+|o antigo \w+|my (?:old|previous|last)"
    r" (?:client|developer|designer|freelancer|agency|boss)"
    r"|antigamente|dulu pernah|waktu masih|nung nasa|noong nasa|pehle wali|pehle wale"
    # round 26: the last or previous client, in each language ("el último cliente me pagó
    # por transferencia fuera de la web", "mon dernier client m'a payé par chèque",
    # "Прошлый заказчик платил мне на карту")
    + fold(
        r"|(?:el|mi) (?:último|anterior) cliente|(?:mon|ma) (?:dernier|dernière|ancien|ancienne)"
        r" client\w*|(?:il mio |l')ultimo cliente|(?:o (?:meu )?|meu )último cliente"
        r"|meine?r? (?:letzte[rn]?|vorige[rn]?|frühere[rn]?) (?:kunde|kundin|auftraggeber\w*)"
        r"|(?:mój )?(?:ostatni|poprzedni) (?:klient|zleceniodawca)"
        r"|(?:прошл|предыдущ)\w+ (?:заказчик|клиент)\w*|son müşterim|önceki müşteri\w*"
        r"|klien (?:terakhir|sebelumnya)|last client ko|huling client ko|العميل السابق"
        r"|آخر عميل|pichl[ae] client|पिछल[ाे] क्लाइंट"
        r"|(?:my |our |the |a |one )?(?:last|previous|former|old) (?:client|customer)"
        r"|une? (?:ancien|ancienne) client\w*|um cliente antigo|uma cliente antiga"
        # a story of being let down: someone vanished, a link expired ("Last client paid me
        # by bank transfer … and then vanished", "il link è scaduto prima che tornassi")
        r"|vanished|disappeared|desapareci[oó]|sumiu|a disparu|disparu|verschwunden"
        r"|abgetaucht|è sparit[oa]|sparito|scompars[oa]|zniknął|zniknęła|zniknęli|пропал\w*"
        # (past forms only: "где сообщения исчезают", "pesan yang menghilang" name an app)
        r"|исчез|исчезла|исчезли|ortadan kayboldu|kayboldu|kabur|naglaho|اختفى|اختفت"
        r"|gayab ho gay[ae]|गायब हो गय[ाे]"
        # round 28: work left half-done, someone who ran off ("वेबसाइट वाले ने कैश एडवांस लेकर
        # काम अधूरा छोड दिया था", "left the job unfinished", "dejó el trabajo a medias")
        r"|left (?:the (?:job|work|project|site) )?(?:unfinished|half[- ]done)|ghosted (?:me|us)"
        r"|ran off with|dejó (?:el|la) (?:trabajo|proyecto|obra|web) a medias"
        r"|deixou o (?:trabalho|projeto|site) pela metade|sumiu com"
        r"|a laissé (?:le|la) (?:travail|projet|chantier|site) en plan"
        r"|(?:halbfertig|unfertig) (?:liegen )?(?:gelassen|hinterlassen)"
        r"|ha lasciato (?:il|la) (?:lavoro|progetto|sito) a metà"
        r"|zostawił\w* (?:projekt|robotę|pracę|stronę) w połowie"
        r"|бросил\w* (?:проект|работу|сайт) на полпути|işi yarım bırak\w*|yarıda bırak\w*"
        r"|setengah jalan|kabur bawa|iniwan nang hindi tapos|tinakbuhan (?:kami|ako)"
        r"|अधूरा छोड|adhoora chhod\w*|adhura chhod\w*|ترك الشغل نص"
        r"|link (?:had )?expired|expired before|le lien a expiré|el enlace caducó|el link caducó"
        r"|o link expirou|der link war abgelaufen|link (?:è|era) scadut[oa]|wygasł\w*"
        r"|ссылка (?:истекла|протухла)|link(?:in)? süresi dol\w*|link\w* kedaluwarsa"
        # Italian "una volta" as "once upon a time", not "once signed" ("una volta firmato")
        r"|una volta (?:un|una|uno|ho|mi|abbiamo|c'era|il mio|la mia)"
        r"|w innym projekcie|in another project|in a previous project"
        r"|en otro proyecto|em outro projeto|dans un autre projet|in einem anderen projekt"
        r"|in un altro progetto|в другом проекте|başka bir projede|di proyek lain"
        r"|sa ibang project"
        # round 30: before joining here, a previous job, the last time a client did so
        # ("Em 2019 eu recebia tudo por transferência, antes de entrar aqui", "मेरी पिछली
        # नौकरी में", "آخر مرة عميل طلب مني")
        r"|antes de entrar (?:aqui|na plataforma)"
        r"|antes de (?:llegar|entrar) (?:aquí|a la plataforma)"
        r"|before (?:i )?join(?:ed|ing) (?:here|this (?:site|platform))|avant d'arriver ici"
        r"|bevor ich hier\w*|prima di (?:entrare|arrivare) qui"
        r"|zanim (?:tu )?(?:dołączył|trafił)\w*"
        r"|до того как (?:я )?(?:пришёл|пришел|пришла) сюда|buraya gelmeden önce"
        r"|sebelum gabung di sini|bago ako (?:sumali|pumasok) dito|yahan aane se pehle"
        r"|यहाँ आने से पहले|قبل ما (?:ادخل|أدخل|اشتغل) هنا"
        r"|(?:my |in my )?previous job|mi (?:trabajo|empleo) anterior|meu (?:trabalho|emprego)"
        r" anterior|mon (?:ancien|précédent) (?:poste|job|emploi)|(?:meinem|im) (?:alten|letzten"
        r"|vorherigen) job|nel mio (?:vecchio|precedente) lavoro|w poprzedniej pracy"
        r"|на прошлой работе|önceki işimde|di kantor (?:lama|sebelumnya)|sa dati kong trabaho"
        r"|pichli naukri|pichhli naukri|पिछली नौकरी|في شغلي (?:القديم|اللي فات)"
        r"|(?:the )?last time (?:a|one|my) (?:client|customer)|la última vez (?:que )?un cliente"
        r"|da última vez (?:que )?um cliente|la dernière fois (?:qu')?un client"
        r"|(?:آخر|اخر) مرة (?:عميل|زبون|واحد)"
        # round 31: the worker before, as the subject of a story ("Poprzedni korepetytor kazał
        # płacić gotówką", "Прежний репетитор брал наличными", "my previous tutor")
        r"|poprzedni (?!raz)\w+|poprzednia \w+|(?:прежний|предыдущий|прошлый) (?!раз)\w+"
        r"|(?:my|our) (?:previous|former|last) (?:tutor|teacher|photographer|planner|accountant"
        r"|bookkeeper|translator|coach|trainer|assistant|instructor|nanny|va|editor|writer)"
        # round 32: someone who was never paid ("perché ha accettato di continuare su Telegram
        # e non è mai stato pagato", "never got paid", "так и не заплатили")
        r"|never got paid|was never paid|never paid (?:him|her|them)|nunca (?:le|les|me)"
        r" pag(?:ó|aron)|nunca (?:recebeu|foi pag[oa])|n'a jamais été payé\w*"
        r"|(?:hat|haben|wurde) (?:\w+ )?nie (?:bezahlt|gezahlt)|(?:è|e) mai stat[oa] pagat[oa]"
        r"|nigdy nie (?:dostał\w* (?:zapłaty|pieniędzy)|zapłacił\w*)|так и не (?:заплатил\w*"
        r"|получил\w*)|paise nahi mile|paisa nahi mila|पैसे नहीं मिले|hiç ödeme (?:almadı|alamadı)"
        r"|parasını alamadı|tidak pernah dibayar|(?:ga|gak|nggak) pernah dibayar"
        r"|hindi (?:na )?(?:nabayaran|binayaran)"
        # round 33: a former worker, someone's once, a story told by someone ("Minha antiga
        # designer mandava tudo por WeTransfer", "Kiedyś klient namówił mnie", "آخر مستقل
        # اشتغلت معاه", "Rekan saya pernah cerita", "Dati may client ako", "Kwento ng pinsan ko")
        r"|(?:minha|a minha) antiga \w+|(?:meu|o meu) antigo \w+|mi (?:antigu[oa]|ex) \w+"
        r"|kiedyś (?:jeden |pewien |mój )?(?:klient|zleceniodawc)\w*|a client once|once a client"
        r"|una vez un cliente|une fois,? un client|einmal hat (?:ein|mein) (?:kunde|auftraggeber)"
        r"|آخر مستقل|المستقل السابق|المستقل اللي قبلك|pernah cerita|klien(?:nya)? dulu"
        r"|dati (?:may|yung|ang) (?:client|kliyente)|(?:client|kliyente) (?:ko|niya|namin) dati"
        r"|kwento ng"
        # a former client, a colleague's or a cousin's story, the news ("Ein früherer Kunde
        # wollte …", "Коллега из Минска работал …", "Kuzenim … ödeme yapmış", "कल अखबार में
        # था", "По новостям сказали")
        r"|ein (?:früherer|ehemaliger) (?:kunde|auftraggeber|klient)\w*"
        r"|(?:коллега|знакомый|знакомая|подруга|друг)(?: \S+){0,3} (?:работал\w*|платил\w*"
        r"|заплатил\w*|перевёл\w*|перевел\w*)"
        r"|(?:kuzenim|arkadaşım|tanıdığım|abim|ablam)(?:\s+\S+){0,6}?\s+\S*m[iı]ş(?!\w)"
        r"|in the news|en las noticias|nas notícias|dans les infos|in den nachrichten"
        r"|al telegiornale|w wiadomościach|по новостям|в новостях|haberlerde|di berita"
        r"|sa balita|अखबार में|खबर में|न्यूज में|في الأخبار|بالأخبار"
    )
    + r")(?!\w)"
)
_PROPOSAL = re.compile(
    r"\?|(?<!\w)(?:let'?s|let us|shall we|can we|could we|should we|how about|tomorrow|next"
    r"|again|another|vamos|hagamos|manana|proxim\w*|facciamo|proviamo|domani|prossim\w*"
    r"|on fait|faisons|demain|prochain\w*|lass uns|morgen|nachste\w*|zrobmy|jutro|nastepn\w*"
    r"|давай\w*|завтра|следующ\w*|hadi|yarin|haftaya|yuk|ayo|besok|tara|bukas|خلينا|نعمل|بكرة"
    r"|بكره|غدا|chalo|karte hain|kal subah"
    # round 33 (review): a command to pay or send, or "that way too", after a story ("Mi ex
    # cliente me pagaba por PayPal, págame así tú también", "Kuzenim de böyle ödemiş, sen de
    # Papara'dan gönder", "das können wir auch so machen")
    + fold(
        r"|pay me|págame|pagame|paga-me|me paga|zahl mir|zahlen sie mir|payez-moi|paie-moi"
        r"|pagami|zapłać mi|заплатите|платите|плати|gönder|öde|bayar aja|bayar saja"
        r"|bayaran mo|bayaran nyo|manda assim|manda así|así tú también|tú también|assim também"
        r"|auch so|so machen|так же|ganun (?:na lang )?din|din tayo|comme ça aussi|anche così"
        r"|sen de|kamu juga"
    )
    + r")(?!\w)"
)


def _told_of_the_past(sent: str) -> bool:
    return _PAST_TIME.search(sent) is not None and _PROPOSAL.search(sent) is None


def _a_story(sent: str) -> bool:
    """``sent`` opens a story of work before (``_PAST_STORY``) and proposes nothing."""
    return _PAST_STORY.search(sent) is not None and _PROPOSAL.search(sent) is None


# Round 28: news about an app or meeting tool, right beside its name ("the zoom outage
# yesterday", "WhatsApp-Ausfall", "la panne de whatsapp", "Teams è andato giù", "Google Meet a
# encore changé l'interface", "gmeet gratis sekarang dibatasi 60 menit"): talk about the app.
_APP_NEWS = re.compile(
    fold(
        r"(?<!\w)(?:outages?|is down|was down|went down|crash(?:ed|es)|new (?:update|interface|ui)"
        r"|changed (?:the|its) (?:interface|ui|layout)|ausfall|ausgefallen|abgestürzt|störung"
        r"|neue oberfläche|panne|a (?:encore )?changé (?:l'interface|de look)|nouvelle interface"
        r"|se cayó|caída|nueva interfaz|fora do ar|caiu|nova interface|(?:è|e) andato giù"
        r"|è giù|nuova interfaccia|awaria|padł\w*|nowy interfejs|упал\w*|лежал\w*|сбой"
        r"|новый интерфейс|çöktü|yeni arayüz\w*|gangguan|dibatasi|tampilan baru"
        r"|تعطل|الواجهة الجديدة|down ho gaya|down tha|डाउन)(?!\w)"
    )
)
_NEWS_SPAN = 40
_CUE_NEGATED = 12  # characters after a cue its negation may start in ("baat hi nahi")
_TIED_GAP = 4  # characters between an app's name and its news that tie them ("-", " de ")
_SITE = re.compile(
    fold(
        r"(?<!\w)(?:site|sitio|sito|seite|strona|сайт\w*|situs|web|موقع|الموقع|साइट|app|aplikasi)(?!\w)"
    )
)


def drop_tool_talk(views: Views, findings: list[Finding]) -> list[Finding]:
    """Drop ``off_platform`` and ``meeting_link`` findings that talk about their app or tool
    rather than propose it: news beside it (``_about_app_news``: an outage, a redesign) or a
    job of managing it (``_a_managed_tool``: someone's inbox or calls)."""
    s = views.norm.s
    return [
        f
        for f in findings
        if f.label not in ("off_platform", "meeting_link")
        or not (_about_app_news(views, s, f) or _a_managed_tool(views, s, f))
    ]


def _about_app_news(views: Views, s: str, f: Finding) -> bool:
    """The finding's app has news beside it (``_APP_NEWS``, within ``_NEWS_SPAN`` characters,
    in its sentence), in a sentence that proposes nothing (no "let's", no day ahead; a
    question mark alone asks about the news)."""
    a, b = views.norm.first_at(f.start), views.norm.first_at(f.end)
    sent, start = sentence(s, a, max(a + 1, b))
    lo, hi = max(0, a - start - _NEWS_SPAN), min(len(sent), b - start + _NEWS_SPAN)
    news = _APP_NEWS.search(sent, lo, hi)
    if news is None:
        return False
    # the platform's own outage ("the site is down here, text me on WhatsApp") is a reason to
    # move: the news must be the app's, with no word of the platform or "here" before it
    before = sent[max(0, news.start() - _NEWS_SPAN) : news.start()]
    if lx.HERE_RE.search(before) or lx.PLATFORM_WORD_RE.search(before) or _SITE.search(before):
        return False
    if _PROPOSAL.search(sent.replace("?", " ")) is not None:
        return False
    # news tied to the name ("WhatsApp-Ausfall", "la panne de whatsapp") is what a cue before
    # it asks about ("Hast du den … mitbekommen?", "t'as vu …"): only a cue after it counts
    tied = news.start() - (b - start) <= _TIED_GAP and (a - start) - news.end() <= _TIED_GAP
    # (round 30: a cue negated right after it is no move: "बात ही नहीं कर पा रही")
    return not any(
        (not tied or m.end() > news.start())
        and lx.NEGATION_RE.search(sent, m.end(), m.end() + _CUE_NEGATED) is None
        for m in lx.MOVE_CUE_RE.finditer(sent)
    )


# Round 30: a job of managing someone's tools ("gerenciar a caixa do Gmail e a agenda de Zoom do
# nosso diretor", "ngatur inbox Gmail sama jadwal Zoom Pak Direktur", "إدارة الجيميل … وتنظيم
# اجتماعات الزوم", "mag-manage ng Gmail inbox ng client"): the work, not a place to talk.
_MANAGE = re.compile(
    fold(
        r"(?<!\w)(?:manag(?:e|es|ing) (?:the|his|her|their|our|my|a|an)"
        r"|gerenciar|gerir|cuidar d[aoe]|administrar|gestionar|llevar (?:la|el)|gérer|gerer"
        r"|verwalten|betreuen|pflegen|gestire|curare|zarządza\w*|obsługiwa\w*|prowadzić"
        r"|управля\w*|вести|ведение|manage kar\w*|sambhal\w*|संभाल\w*|मैनेज\w*|إدارة|ادارة"
        r"|تنظيم|وتنظيم|ترتيب|وترتيب|وإدارة|وادارة|yönet\w*|yonet\w*|ngatur|mengatur|mengelola|kelola|ngurus|mengurus"
        r"|mag-?manage|i-?manage|mag-?schedule|mag-?ayos|hawakan"
        # round 31: a job of teaching someone to use it ("научить её пользоваться Zoom",
        # "gusto matuto mag-Zoom", "teach my dad how to use WhatsApp")
        r"|teach(?:ing)? (?:\w+ ){0,2}(?:how )?to use|learn(?:ing)? (?:how )?to use"
        r"|show (?:\w+ ){0,2}how to use|ensen\w* a (?:usar|utilizar|manejar)"
        r"|aprend\w* a (?:usar|utilizar|manejar)|ensin\w* a usar|apprendre à (?:utiliser"
        r"|se servir)|montrer comment (?:utiliser|se servir)|beibring\w*|insegna\w* a usare"
        r"|impara\w* a usare|nauczy\w*|uczy\w*|naucz\w*|научить\w*|научиться|обучить\w*"
        r"|освоить|सिखा\w*|सीख\w*|sikha\w*|seekh\w*|sikhana|تعليم\w*|يتعلم|تتعلم|علمها|علمه"
        r"|تعلم|öğret\w*|öğren\w*|ngajarin|mengajari|ajarin|ngajari|belajar|turuan|matuto"
        r"|magturo|tinuturuan|natuto"
        # round 33: a job of migrating a team between tools ("migrar todo el equipo de Slack a
        # Microsoft Teams"); "let's migrate our chat to WhatsApp" proposes (``_PROPOSAL``)
        r"|migra\w*|migrer|migrieren|migriert\w*|migrowa\w*|мигр\w*|माइग्रेट\w*|ترحيل)(?!\w)"
    )
)
_MANAGE_SPAN = 60  # characters before the tool the verb of managing may start


def _a_managed_tool(views: Views, s: str, f: Finding) -> bool:
    """The finding (with no identifier) names a tool a verb of managing governs, shortly
    before it in its sentence, in a sentence that proposes nothing (a question mark alone asks
    about the job)."""
    if not f.value.startswith(("meet:", "comm:", "learned:")):
        return False
    a = views.norm.first_at(f.start)
    # (the verb first, in a bounded window: a long text of many tools stays linear)
    verb = _MANAGE.search(s, max(0, a - _MANAGE_SPAN), a + 1)
    if verb is None:
        return False
    # (a sentence cut near the tool: many tools in one long sentence stay linear)
    sent, start = _near_sentence(s, a, a + 1, after=_CUE_SENTENCE_AFTER)
    if verb.start() < start:
        return False
    return _PROPOSAL.search(sent.replace("?", " ")) is None


def drop_stories(views: Views, findings: list[Finding]) -> list[Finding]:
    """``off_platform`` findings (of the learned layer) whose sentence is a story of the past
    that proposes nothing ("Antigamente eu atendia tudo pelo Telegram…") are dropped."""
    return [f for f in findings if f.label != "off_platform" or not _of_the_past(views, f)]


def _of_the_past(views: Views, f: Finding) -> bool:
    """A payment told as a story ("el año pasado un cliente me pagó por PayPal y…", "раньше
    на другой бирже заказчик платил мне на карту"): its sentence has a time of the past and
    proposes nothing."""
    s = views.norm.s
    a = views.norm.first_at(f.start)
    return _a_story(sentence(s, a, max(a + 1, views.norm.first_at(f.end)))[0])


_BOOKING_TOOLS = frozenset({"calendly", "cal.com", "calcom", "الكالندلي", "كالندلي", "كاليندلي"})


# "Without" a few words before the tool, in its clause ("sem mandar o aluno pro Zoom", "without
# sending anyone to Zoom", "ohne Umweg über Teams")
_WITHOUT_BEFORE = re.compile(
    r"(?<!\w)(?:without|sem|sin|sans|ohne|senza|bez|без|bina|بدون|من غير|olmadan|tanpa|walang"
    r"|nang walang)(?! (?:any |kisi |ningun\w* |nenhum\w* )?(?:problem\w*|issue\w*|stress|worr\w*"
    r"|jhanjhat|tension|souci\w*|sorge\w*|problemi|masalah|problema\w*))(?: [^\s,;.!?]+){0,4} $"
)


# Round 26: "instead of" right before the tool, or after it in the languages that say it
# after ("Zoom yerine", "Zoom ke bajaye", "Zoom ki jagah"): the tool set aside, not proposed
_INSTEAD_BEFORE = re.compile(
    fold(
        r"(?<!\w)(?:instead of|rather than|en lugar de|en vez de|em vez de|ao invés de|au lieu de"
        r"|plutôt que|statt|anstatt|invece di|al posto di|zamiast|вместо|bukannya|daripada|drpd"
        r"|imbes na|sa halip na|بدل|بدلا من|بدلاً من|عوضا عن)\s+(?:the |el |la |o |a |le |der"
        r" |die |il |lo |ال)?$"
    )
)
_INSTEAD_AFTER = re.compile(r"\s*(?:yerine|ke bajaye|ki jagah|के बजाय|की जगह)(?!\w)")


# The tool as a likeness, right before or after it ("a tool like Zoom", "tipo Zoom", "wie Zoom",
# "زي زووم", "Zoom gibi", "Zoom jaisa", "seperti Zoom"): what something being built resembles.
# English "like" only after a thing ("I'd like Zoom" is a wish).
_COMPARED_BEFORE = re.compile(
    r"(?<!\w)(?:(?:something|tool|tools|app|apps|one|thing|call|calls|platform|kind of|sort of"
    r"|solution|experience|ui|ux|interface) like|such as|similar to|a la|comme|genre|tipo|wie|jak"
    r"|как|как в|jaise|jaisa|जैसे|जैसा|زي|زى|مثل|متل|seperti|kayak|kagaya ng|tulad ng"
    r"|parecido (?:a|com|con)|simil[ae] a|podobn\w* do|похож\w* на|benzer\w*)"
    r"\s+(?:the |el |la |o |a |il |lo |der |die |das |le |al |ال)?$"
)
_COMPARED_AFTER = re.compile(
    r"\s*(?:-like|gibi|benzeri|jaisa|jaise|jaisi|जैसा|जैसे|जैसी|style|estilo|tarzi\w*)(?!\w)"
)


def _built_here(s: str, a: int, b: int) -> bool:
    """The sentence of a likeness talks about something being built: a product word, our
    platform or app, building ("una call tipo Zoom mañana?" is a call on Zoom)."""
    sent, _ = sentence(s, a, b)
    return (
        lx.PRODUCT_RE.search(sent) is not None
        or lx.COMM_PROJECT_NEG_RE.search(sent) is not None
        or _BUILDING.search(sent) is not None
    )


# Building or our own platform, in the languages of the likeness words
_BUILDING = re.compile(
    r"(?<!\w)(?:build\w*|building|construi\w*|construy\w*|develop\w*|desarroll\w*|desenvolv\w*"
    r"|entwickel\w*|svilupp\w*|budow\w*|разраб\w*|banana|bana rahe|بنبني\w*|نبني\w*|نطور\w*"
    r"|platformumuz\w*|uygulamamız\w*|gelistir\w*|membangun|bikin aplikasi|gumagawa|ginagawa"
    r"|our (?:platform|app|site)|nuestra (?:plataforma|app)|nossa (?:plataforma|app)"
    r"|notre (?:plateforme|appli\w*)|unsere[rn]? (?:plattform|app)|la nostra (?:piattaforma|app)"
    r"|nasz\w* (?:platform\w*|aplikacj\w*)|наш\w* (?:платформ\w*|приложени\w*)|المنصة"
    # an app or a feature, or inside one ("внутри приложения", "داخل التطبيق", "özelliği")
    r"|app|apps|appli\w*|aplicaci\w*|aplicativo|aplikasi|aplikacj\w*|приложени\w*|التطبيق"
    r"|تطبيق\w*|uygulama\w*|ozelli\w*|fitur|features?|funzion\w*|fonction\w*|funcionalidad\w*"
    r"|funcionalidade\w*|funktion\w*|funkcj\w*|функци\w*|फीचर|फीचर|ऐप|inside|внутри|داخل"
    r"|icinde|dentro|innerhalb|wewnatrz)(?!\w)"
)


def _near_sentence(s: str, a: int, b: int, *, after: int = 60) -> tuple[str, int]:
    """The sentence around ``s[a:b]`` as :func:`sentence` finds it, cut to 200 characters
    before and ``after`` after (at a word start): a long message naming a tool many times in one
    sentence is read in linear time, not once whole per name."""
    lo = max(0, a - 200)
    if lo > 0:
        space = s.find(" ", lo, a)
        lo = space + 1 if space >= 0 else a
    hi = min(len(s), b + after)
    sent, start = sentence(s[lo:hi], a - lo, b - lo)
    return sent, lo + start


# Round 23: two meeting tools offered as a choice ("teams mi meet mi, siz seçin", "teams o
# meet?", "zoom ou meet, tu préfères"): joined by a word of "or", each is the tool, never the
# everyday "meet" or "teams", and the choice itself proposes the call.
_CHOICE_TOOL = (
    r"(?:google\s+meet|g-?meet|meet|teams|zoom|skype|webex|whereby|jitsi|hangouts|facetime"
    r"|зум|тимс|гугл[ -]?мит)"
)
_CHOICE_OR = (
    r"(?:or|o|ou|oder|ili|или|lub|albo|czy|veya|yoksa|ya\s+da|atau|apa|o\s+kaya|ya|या|او|أو"
    r"|oppure|ovvero|vagy)"
)
_CHOICE_AFTER = re.compile(
    r"(?:\s+mi)?\s*[,/]?\s*" + _CHOICE_OR + r"?\s*" + _CHOICE_TOOL + r"(?!\w)"
)
_CHOICE_BEFORE = re.compile(
    r"(?<!\w)" + _CHOICE_TOOL + r"(?:\s+mi)?\s*[,/]?\s*" + _CHOICE_OR + r"?\s*$"
)
_CHOICE_MI_MI = re.compile(r"\s+mi\s*,?\s*" + _CHOICE_TOOL + r"\s+mi(?!\w)")
_OR_WORD = re.compile(r"(?<!\w)" + _CHOICE_OR + r"(?!\w)|/")


def _tool_choice(s: str, a: int, b: int) -> bool:
    """The tool at ``[a, b)`` and another named beside it, joined by "or" (or a slash, a
    comma, Turkish "X mi Y mi")."""
    tool = s[a:b].split()
    after = _CHOICE_AFTER.match(s, b)
    if after is not None and _OR_WORD.search(after.group()) is not None:
        return after.group().split()[-1] != tool[-1]  # not "meet or meet"
    before = _CHOICE_BEFORE.search(s, max(0, a - 30), a)
    if before is not None and _OR_WORD.search(before.group()) is not None:
        return before.group().split()[0] != tool[0]
    return _CHOICE_MI_MI.match(s, b) is not None


def _tail(s: str, end: int, width: int) -> str:
    """At most ``width`` characters before ``end``: the prepositions before "meet" are read on
    these alone, not on the whole message before every "meet" (quadratic on long text). A cut
    inside a word is marked with a non-space so that it does not read as a word start."""
    lo = max(0, end - width)
    return s[lo:end] if lo == 0 else "\x00" + s[lo:end]


_BEFORE_MEET = re.compile(
    r"(?:^|\s)(?:on|via|over|by|in|a|por|pelo|no|na|sur|auf|über|uber|su|w|в|pe|par|lewat|di|sa)"
    r"\s+(?:google\s+)?$"
)


# Prepositions of languages where "meet" is no everyday word ("la llamada por meet").
_BEFORE_FOREIGN_MEET = re.compile(
    r"(?:^|\s)(?:por|pelo|sur|auf|über|uber|su|sul|w|в|pe|par|lewat|di|sa|na|no|przez|через"
    r"|un|una|um|num|uno|bir|szybki|szybkie|kurzer|kurzes|kurzen|bikin|buat|gawa|ng|ek)"
    r"\s+(?:google\s+)?$"
)


# A preposition before the misspelt "zum" ("ci sentiamo su zum", "por zum", "lewat zum").
_BEFORE_ZUM = re.compile(r"(?:^|\s)(?:su|sul|por|pelo|pela|no|na|en|sur|lewat|di|sa|pe|via|on)\s+$")

# One call on a tool ("un petit teams", "a quick teams", "bir kısa teams"): "teams" in lower
# case after an article, maybe with an adjective of shortness, is the tool and no plural.
_ONE_CALL = re.compile(
    r"(?:^|\s)(?:a|an|un|una|um|uma|ein|einen|eine|bir|ek|one|uno)\s+(?:(?:quick|short|small"
    r"|brief|petit|petite|pequeno|pequena|rapido|rapidinho|veloce|breve|kurzes|kurzen|kurze"
    r"|szybki|szybkie|krotki|kisa|chhota|mabilis)\s+)?$"
)

# Round 24: a verb of using right before lower-case "teams" ("nuestro equipo usa teams para
# todo", "on utilise teams"): the tool a team works in (a meeting word must still be near).
# Not English: "we use teams of three" is the plural; the English tool is written "Teams".
_USE_BEFORE = re.compile(
    r"(?:^|\s)(?:usa|usamos|usan|uso|utilise|utilisons|utilisent|nutzen|nutzt"
    r"|nutze|usiamo|usano|uzywamy|uzywam|uzywaja|используем|использую|kullaniyoruz|kullaniyorum"
    r"|pakai|pake|gamit|ginagamit)\s+$"
)

# A shortness word after the tool ("un Zoom rapidito", "um Teams rapidinho", "ein Zoom kurz").
_SHORT_AFTER = re.compile(
    r"\s+(?:rapidito|rapidita|rapidinho|rapido|rapida|rapide|veloce|breve|corto|kurz|kurzer)(?!\w)"
)


def _one_short_call(s: str, start: int, end: int) -> bool:
    """One short call on the tool, said with an article before it and a word of shortness after
    it: the tool is proposed for a call, not talked about."""
    return (
        _SHORT_AFTER.match(s, end) is not None
        and _ONE_CALL.search(s, max(0, start - 24), start) is not None
    )


# The same for "meet", without the English articles ("a quick meet" can be in person):
# "un petit meet demain", "um meet rapidinho", "ein kurzes meet".
_ONE_MEET = re.compile(
    r"(?:^|\s)(?:un|una|um|uma|ein|einen|eine|bir|ek|uno)\s+(?:quick|short|small|brief|petit"
    r"|petite|pequeno|pequena|rapido|rapidinho|veloce|breve|kurzes|kurzen|kurze|szybki|szybkie"
    r"|krotki|kisa|chhota|mabilis)\s+$"
)

# A particle of a language where "meet" is no everyday word, right after it ("meet aja
# besok", "meet yuk", "meet tayo bukas", "meet pe aaja").
_AFTER_FOREIGN_MEET = re.compile(r"\s*(?:aja|ajah|aj|yuk|yuks|kuy|dong|tayo|pe|par)(?!\w)")


# English words that make "meet" the verb ("um meet me halfway", "no meet today"): "um" and
# "no" are also Portuguese "a" and "in the".
_MEET_VERB_AFTER = re.compile(
    r"\s+(?:me|you|us|him|her|them|halfway|up|with|at|the|today|tomorrow|tonight|again"
    r"|each|everyone|in\s+person)(?!\w)"
)


# Round 21: a word for a link right beside "meet" or "teams" in lower case ("the teams link",
# "meet linkini atın", "link teams yg tadi"): the tool's link, never the everyday word.
_LINK_AFTER = re.compile(
    r"(?:\s|-)(?:link\w*|ссылк\w*|линк\w*|लिंक|لينك|اللينك|tautan|enlace|lien|collegamento)"
    r"(?!\w)"
)
_LINK_BEFORE = re.compile(
    r"(?<!\w)(?:link|ссылк\w*|tautan|lien|enlace|collegamento)\s+"
    r"(?:(?:de|do|da|del|ng|sa|na|на|в|ke|su|di)\s+)?$"
)


def _link_beside(s: str, a: int, b: int) -> bool:
    return (
        _LINK_AFTER.match(s, b) is not None or _LINK_BEFORE.search(s, max(0, a - 24), a) is not None
    )


def _link_to_join(s: str, a: int, b: int) -> bool:
    """A link word beside lower-case "meet" or "teams", and a word of calling or joining
    other than a link word near ("send me the teams link, I'll join at 4"); "the teams link
    in the footer" is a page of a site."""
    if not _link_beside(s, a, b):
        return False
    lo, hi = max(0, a - _JOIN_NEAR), min(len(s), b + _JOIN_NEAR)
    return any(
        _LINK_WORD.fullmatch(cue.group()) is None and cue.group() != "?"
        for cue in lx.MEETING_CUE_RE.finditer(s, lo, hi)
    )


_JOIN_NEAR = 90
_LINK_WORD = re.compile(r"link\w*|ссылк\w*|линк\w*|लिंक|لينك|اللينك|رابط|الرابط|tautan|enlace|lien")


def _named_meet(original: str, before: str, after: str = "") -> bool:
    """ "Meet" alone is the tool when capitalised after a preposition ("hop on Meet"), or after
    a preposition, an article or a verb of making of a language where "meet" is no everyday
    word ("facciamo la riunione su meet", "hacemos un meet", "kurzer Meet-Call", "bikin meet")
    and no English object or time follows it ("um meet me halfway"), or before such a
    language's particle ("meet aja besok")."""
    if original.startswith("M") and _BEFORE_MEET.search(before) is not None:
        return True
    if _AFTER_FOREIGN_MEET.match(after) is not None or _ONE_MEET.search(before) is not None:
        return True
    return _BEFORE_FOREIGN_MEET.search(before) is not None and _MEET_VERB_AFTER.match(after) is None


# A preposition right before "mega" ("via Mega", "über Mega", "przez Mega", "lewat Mega"):
# the file host, not the everyday "mega" ("mega rápido", "Mega Schnitt!").
_BEFORE_HOST = re.compile(
    r"(?<!\w)(?P<prep>via|through|[uü]ber|przez|через|tramite|pelo|pela|por|par|sur|ile|lewat"
    r"|on|per|auf|na|в|di|sa|pe|su|em|no|to|in|from|a)\s+"
    r"(?:(?:my|your|mi|tu|meu|minha|seu|mon|ma|ton|mein\w*|dein\w*|mio|tuo|m[oó]j\w*|tw[oó]j\w*"
    r"|мой|мо[её]м|твой)\s+)?$"
)
# Prepositions that are also everyday words elsewhere ("to mega ważne", "in mega Qualität"):
# with these, "Mega" must be written with a capital, as the host's name.
_WEAK_BEFORE_HOST = frozenset("on per auf na в di sa pe su em no to in from a".split())


def _mega_the_host(views: Views, s: str, a: int, b: int) -> bool:
    """ "mega" names the file host: after a preposition (and a possessive: "a mi Mega"), or
    with its domain or a link after it; after a preposition that is also an everyday word,
    only as "Mega"."""
    if s.startswith((".nz", ".io", " link", " folder"), b):
        return True
    before = _BEFORE_HOST.search(s, max(0, a - 24), a)
    if before is None:
        return False
    if before.group("prep") not in _WEAK_BEFORE_HOST:
        return True
    start, _ = views.norm.span(a, b)
    return views.text[start : start + 1] == "M"


# "here" in the clause of the verb of sending ("send the files here, my Dropbox is full"), or
# the host turned down right after it ("Przez Dropboxa nie, wrzuć pliki tutaj").
_HOST_REFUSED = re.compile(
    r"\s*(?:,\s*)?(?:nie|no|non|nein|не|not|nao|não|hayir|hayır|tidak|hindi|nahi)(?!\w)"
)


def _files_kept_here(s: str, verb_at: int, host: re.Match[str]) -> bool:
    if _HOST_REFUSED.match(s, host.end()) is not None:
        return True
    sent, start = sentence(s, verb_at, verb_at)
    clause = _clause(sent, verb_at - start, verb_at - start)
    # "here" as the place of the files, not inside a place set against it ("con WeTransfer
    # invece che qui", "rather than here") nor negated
    places = _clear_of_places(lx.HERE_RE, clause)
    return any(
        not _negation_before(clause, m.start())
        and _BECAUSE.search(clause, 0, m.start()) is None  # "…, because uploading here is slow"
        for m in places
    )


# "Because" in every language: "here" after it gives a reason against here ("هبعتلك الملفات
# على جوجل درايف عشان الرفع هنا بطيء"), it is not where the files go.
_BECAUSE = re.compile(
    r"(?<!\w)(?:because|since|cause|cuz|porque|pq|parce que|car|weil|da|perche|poiche|bo"
    r"|poniewaz|потому что|так как|kyunki|kyonki|क्योंकि|عشان|علشان|لأن|لان|cunku"
    r"|karena|soalnya|kasi|dahil)(?!\w)"
)


# A file host's name as written (spaces dropped) -> the host: case endings ("przez Dropboxa",
# "WeTransferem") and local names ("Гугл Диск", "Dysk Google", "Яндекс.Диск").
_FILE_HOST_CASE = re.compile(r"^(dropbox|wetransfer|onedrive)(?:a|ie|em|u|ze)$")
_FILE_HOST_LOCAL = (
    (
        re.compile(r"^(?:google|гугл)[.-]?диск\w*$|^dysk\w*google$|^googledysk\w*$|^गूगलड्राइव$"),
        "googledrive",
    ),
    (re.compile(r"^яндекс[.-]?диск\w*$"), "yandexdisk"),
)


def _file_host_value(name: str) -> str:
    """The finding's value for a file host's name as found ("files:googledrive")."""
    name = name.replace(" ", "")
    for pattern, host in _FILE_HOST_LOCAL:
        if pattern.match(name):
            return "files:" + host
    return "files:" + _FILE_HOST_CASE.sub(r"\1", name)


_CUE_SENTENCE_AFTER = 200  # characters after a move cue its sentence is read to


def off_platform(views: Views, findings: list[Finding]) -> list[Finding]:
    s = views.norm.s
    present = {f.label for f in findings}
    out: list[Finding] = []
    pay = _first_payment_move(views, s, findings)
    if pay is not None:
        out.append(pay)
    # Channels whose identifier the message already gives are reported by that label only.
    open_channels = []
    ask = _app_question(s)
    if ask is None and "?" in s:
        ask = _euphemism_question(views)
    first_cue = None
    if ask is None and lx.MOVE_CUE_GATE.may_match(s, views.words):
        first_cue = _MOVE_CUES.search(s)  # (in a long message only where a cue may start)
    if ask is not None or first_cue is not None:
        open_channels = [
            (c, p)
            for c, p in lx.CHANNEL_CATEGORIES
            if not _covered(c, present)
            and lx.CATEGORY_GATES[c].may_match(s, views.words)
            and lx.CATEGORY_ANY[c].search(s, views.words)
        ]
    if not open_channels:
        cues: list[re.Match[str]] = []
    elif first_cue is not None and first_cue.end() > first_cue.start():
        # ``finditer`` goes on after a non-empty match from its end: the first cue, found
        # above, is not searched for again (the text before it can be a long message)
        cues = [first_cue, *_MOVE_CUES.finditer(s, first_cue.end())]
    else:
        cues = list(_MOVE_CUES.finditer(s))
    if open_channels and not cues and ask is not None:
        cues = [ask]
    if not cues and not open_channels:
        # (a described tool the meeting rules already named is theirs: "Google's video thing")
        open_channels, cues = _call_on_a_named_place(views, makers="meeting_link" not in present)
    for cue in cues:
        lo, hi = max(0, cue.start() - 80), min(len(s), cue.end() + 80)
        # (the sentence cut near the cue: a long sentence of many cues and negations was read
        # whole once per cue, quadratic; round 32)
        sent, sent_start = _near_sentence(s, cue.start(), cue.end(), after=_CUE_SENTENCE_AFTER)
        if _negation_before(sent, cue.start() - sent_start) or _beside_outside(
            lx.KEEP_HERE_RE, sent
        ):
            continue
        if _here_right_after(s, cue.end()):
            continue  # "na Telegramie jestem rzadko, piszmy tutaj": the cue points here
        if _a_story(sent):
            continue  # "Antigamente eu atendia tudo pelo Telegram": a story, no move now
        for category, pattern in open_channels:
            # every mention of the category in the window, not only the first: "never reach
            # my phone … move to WhatsApp?" names the phone as a device first
            ch = None
            for m in pattern.finditer(s, lo, hi):
                verdict = _proposed_channel(views, s, sent, cue, category, m, lo, hi)
                if verdict is _PROPOSED:
                    ch = m
                if verdict is not _NOT_THIS_MENTION:
                    break  # proposed, or the category is talked of as a product here
            if ch is None:
                continue
            a, b = min(cue.start(), ch.start()), max(cue.end(), ch.end())
            start, end = views.norm.span(a, b)
            value = f"comm:{category}"
            out.append(
                Finding(
                    "off_platform",
                    start,
                    end,
                    views.text[start:end],
                    value,
                    Confidence.OFF_PLATFORM_COMM,
                )
            )
            break
        if out and out[-1].value.startswith("comm:"):
            break
    if "file_share" not in present and lx.FILE_SERVICE_GATE.may_match(s, views.words):
        for fs in _FILE_SERVICES.finditer(s):
            if fs.group() == "mega" and not _mega_the_host(views, s, fs.start(), fs.end()):
                continue  # "Mega Schnitt!", "mega rápido": the word, not the file host
            lo = max(0, fs.start() - 60)
            window = s[lo : fs.end() + 60]
            verb = lx.FILE_VERB_RE.search(window)
            if verb is None or lx.FILE_NEG_RE.search(window):
                continue
            sent, sent_start = sentence(s, fs.start(), fs.end())
            if _negation_before(sent, fs.start() - sent_start):
                continue
            if _spec_talk(s, fs.start(), fs.end()) or _files_kept_here(s, lo + verb.start(), fs):
                continue  # "Pengguna bisa kirim file …", "send the files here, my Dropbox …"
            if _a_story(sent):
                continue  # "il vecchio sviluppatore ci mandava i file su wetransfer"
            start, end = views.norm.span(fs.start(), fs.end())
            value = _file_host_value(fs.group())
            out.append(
                Finding(
                    "off_platform",
                    start,
                    end,
                    views.text[start:end],
                    value,
                    Confidence.OFF_PLATFORM_FILES,
                )
            )
            break
    if not out and not present & {"email", "phone", "handle"}:
        out.extend(contact_moves(views))
    if (
        not out
        and lx.KNOW_GATE.may_match(s, views.words)
        and lx.NEED_GATE.may_match(s, views.words)
    ):
        hidden = _kept_from_platform(views)
        if hidden is not None:
            out.append(hidden)
    return out


_PROPOSED, _NOT_THIS_MENTION, _TALKED_OF = object(), object(), object()


_BRACKET_SPAN = 30  # characters a template's "[blank]" may run on either side of its word


def _in_brackets(s: str, a: int, b: int) -> bool:
    """``s[a:b]`` lies inside square brackets on its line ("[your email]", "[संपर्क नंबर]"): a
    blank of a template to fill, not a channel proposed."""
    lo = max(0, a - _BRACKET_SPAN)
    opened = s.rfind("[", lo, a)
    if opened < 0 or s.find("]", opened, a) >= 0 or s.find("\n", opened, a) >= 0:
        return False
    closed = s.find("]", b, b + _BRACKET_SPAN)
    return closed >= 0 and s.find("[", b, closed) < 0 and s.find("\n", b, closed) < 0


def _proposed_channel(
    views: Views,
    s: str,
    sent: str,
    cue: re.Match[str],
    category: str,
    ch: re.Match[str],
    lo: int,
    hi: int,
) -> object:
    """``ch``, a mention of a channel of ``category`` in the window ``lo``..``hi`` around the
    move cue ``cue`` (in its sentence ``sent``), is a place proposed: not refused, not a story,
    not a template's field, a brief's or a thing's number, a person, a product or a program.
    ``_PROPOSED``, or ``_NOT_THIS_MENTION`` (a later mention may be: "never reach my phone …
    move to WhatsApp?" names the phone as a device first), or ``_TALKED_OF`` (the channel is
    a product or a program in this window: no later mention is tried)."""
    if category == "elsewhere" and (
        _scoped_place(s, ch) or _purpose_before(s, ch) or _here_right_after(s, ch.end())
    ):
        return _NOT_THIS_MENTION
    if _refused_channel(s, ch):
        return _NOT_THIS_MENTION  # "no tengo otra app": the channel refused, not proposed
    if _in_brackets(s, ch.start(), ch.end()):
        return _NOT_THIS_MENTION  # round 32: "[संपर्क नंबर] पर कॉल करें": a template's blank
    if _a_story(sentence(s, ch.start(), ch.end())[0]):
        return _NOT_THIS_MENTION  # "Waktu masih kerja di agency, semua revisi lewat email"
    if _template_variable(s, ch.start(), ch.end()):
        return _NOT_THIS_MENTION  # "{{mobile}}", "${email}", "%(phone)s": a field of a template
    if category in ("phone", "email") and (
        (_DESIGN_BRIEF.search(sent) is not None and lx.DOCUMENT_RE.search(sent))
        or _THING_NUMBER.match(s, max(cue.end(), ch.end())) is not None
    ):
        # "for the business card design: my number goes on the back", "mon numéro de
        # client", "my number one priority": a brief or a thing's number, no move
        return _NOT_THIS_MENTION
    if category == "owner" and (
        lx.APP_NOUN_RE.search(s, max(0, ch.start() - 50), ch.end() + 50) is None
        and _OWNED_BY.search(s, max(0, ch.start() - 8), ch.start()) is None
    ):
        return _NOT_THIS_MENTION  # "Zuckerberg said in an interview": a person, not an app
    near = s[max(0, ch.start() - 60) : ch.end() + 60]
    if category == "phone" and (
        lx.NOT_PHONE_WORD_RE.search(s, lo, hi) or lx.MASKED_NUMBER_RE.search(s, lo, hi)
    ):
        return _TALKED_OF  # "my order number", "número de pedido", "98XXXXXXXX": not a phone
    # An app named by its logo talks about icons and colours: only product words count.
    project = lx.PRODUCT_RE if category in ("app", "maker") else lx.COMM_PROJECT_NEG_RE
    # (an app named by its looks keeps every product word: "tem aquele verde do logo?
    # Por aqui o botão ficou azul" is design talk)
    if category != "elsewhere" and _product_near(
        s, near, ch.start() - 60, ch, project, here_is_platform=category != "app"
    ):
        if _complaint(sentence(s, ch.start(), ch.end())[0]):
            # "notifications never reach my phone": a device, in a sentence blaming the
            # platform's own thing; a later mention ("… move to WhatsApp?") is still read
            return _NOT_THIS_MENTION
        return _TALKED_OF
    if category == "messenger" and (
        lx.PRODUCT_RE.search(sent) or lx.ABOUT_OR_BUILD_RE.search(sent)
    ):
        return _TALKED_OF  # talk about a messaging app (being built), not a move to one
    if category == "maker" and lx.MAKER_NOT_A_MEETING_RE.search(sent) is not None:
        return _TALKED_OF  # calling a program, or building one like it: no call on it
    return _PROPOSED


# The payment rules, in the order they are tried: the first move one finds decides, unless it
# lies in a quoted line (see ``_first_payment_move``). Lambdas: the rules are defined below.
_PaymentRule = Callable[[Views, str, list[Finding]], Finding | None]
_PAYMENT_RULES: tuple[_PaymentRule, ...] = (
    lambda views, s, findings: _payment_request(views),
    lambda views, s, findings: payment_moves(views),
    lambda views, s, findings: _pay_self(views, s),
    lambda views, s, findings: _third_party_pays(views, s),
    lambda views, s, findings: _bonus_outside(views, s),
    lambda views, s, findings: _pay_to_identifier(views, s, findings),
    lambda views, s, findings: _easier_way_to_pay(views, s),
    lambda views, s, findings: _pay_to_account(views, s),
    lambda views, s, findings: _where_no_fee(views, s),
    lambda views, s, findings: _payment_link(views),
    lambda views, s, findings: _price_contrast(views, s, findings),
    lambda views, s, findings: _cancel_here(views, s),
)


def _first_payment_move(views: Views, s: str, findings: list[Finding]) -> Finding | None:
    """The first payment move the rules find, in their order, that no refusal or story of the
    past undoes (as before round 24, an undone first move leaves none). One found inside a
    quoted line ("> сколько за перевод?") is kept only if no later rule finds one in the
    writer's own lines (round 24: the quote's word hid the answer's move)."""
    quoted: Finding | None = None
    for rule in _PAYMENT_RULES:
        pay = rule(views, s, findings)
        if pay is None:
            continue
        if _undone(views, pay):
            if quoted is None:
                return None
            continue
        if not _in_quoted_line(views.text, pay.start):
            return pay
        if quoted is None:
            quoted = pay
    return quoted


def _undone(views: Views, pay: Finding) -> bool:
    """A payment move a story of the past or a refusal around it undoes."""
    return (
        _of_the_past(views, pay)
        or _refused_after(views.text, pay.end)
        or _forbidden_before(views.text, pay.start)
        or _paying_refused(views, pay)
        # round 31: turned down right after it ("direct UPI nahi karunga")
        or _NOT_NEEDED.match(views.norm.s, views.norm.first_at(pay.end)) is not None
    )


def _in_quoted_line(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    return text[line_start:at].lstrip(" \t").startswith(">")


def _product_near(
    s: str,
    near: str,
    offset: int,
    ch: re.Match[str],
    project: re.Pattern[str],
    *,
    here_is_platform: bool,
) -> bool:
    """A product word in ``near`` (``s`` from ``offset``) around the channel ``ch``. With
    ``here_is_platform``, not one in another sentence that says "here" ("WhatsApp pe baat
    kare? yahan notification late aate hai": this platform's notifications, set against the
    app, not a product being built)."""
    at = max(0, offset)
    ch_sent: str | None = None
    ch_start = 0
    for m in project.finditer(near):
        if _social_page(s, at + m.start(), at + m.end()):
            continue  # "फेसबुक पर मेरा पेज", "Insta pe DM karo, page ka naam …": a person's page
        if ch_sent is None:  # worked out only when a product word is near
            ch_sent, ch_start = sentence(s, ch.start(), ch.end())
        if here_is_platform and not ch_start <= at + m.start() < ch_start + len(ch_sent):
            # round 20: a product word in another sentence, where the channel's own sentence
            # has a move cue of its own ("The app needs a login screen. Anyway, add me on
            # Telegram"), talks about something else (an app named by its looks keeps every
            # product word: "tem aquele verde do logo? Por aqui o botão ficou azul")
            if lx.MOVE_CUE_RE.search(ch_sent) is not None:
                continue
        if here_is_platform:
            sent, start = sentence(s, at + m.start(), at + m.end())
            if not start <= ch.start() < start + len(sent) and lx.HERE_RE.search(sent):
                continue
        if _blamed_clause(s, at + m.start(), at + m.end(), ch.start()):
            continue  # "notifications from this site never reach me": the platform's, failing
        return True
    return False


# A page of a social network (a person's or a shop's profile there), not a page being built:
# the word for "page" with the network named shortly before it, or "my" right before it.
_PAGE_WORD = re.compile(
    r"pages?|पेज|pagina|seite|stron\w*|sayfa\w*|halaman|страниц\w*|صفح\S*|pahina"
)
_SOCIAL_BEFORE = re.compile(
    r"(?<!\w)(?:facebook|fb|insta|instagram|tiktok|linkedin|फेसबुक|फेसबुक|इंस्टा|इंस्टाग्राम"
    r"|فيسبوك|الفيس|انستا|фейсбук\w*|инст\w*)(?!\w)"
)
_MY_BEFORE = re.compile(
    r"(?<!\w)(?:my|mera|meri|मेरा|मेरी|mi|meu|minha|ma|mon|meine[rm]?|mia|moja|moj\w*|мо[яей]"
    r"|benim|saya|ko)\s+$"
)


def _social_page(s: str, a: int, b: int) -> bool:
    """``s[a:b]`` is a word for "page" that names a page on a social network."""
    if _PAGE_WORD.fullmatch(s, a, b) is None:
        return False
    return (
        _SOCIAL_BEFORE.search(s, max(0, a - 30), a) is not None
        or _MY_BEFORE.search(s, max(0, a - 12), a) is not None
    )


def drop_answered_moves(views: Views, findings: list[Finding]) -> list[Finding]:
    """Drop off-platform findings (the rules' or the learned layer's) that the message itself
    answers with the platform kept as the only place (see ``_answered_with_here``), and moves
    (off_platform, or a meeting on a named tool) that quote the other party's request in a
    reply declining it (``_asked_then_answered``)."""
    if not any(map(_a_move, findings)):
        return findings
    quotes = _InlineQuotes(views)
    return [f for f in findings if not (_a_move(f) and _answered(views, f, quotes))]


def _a_move(f: Finding) -> bool:
    """An off-platform finding, or a meeting on a tool named without a link ("a call on
    Zoom"): what a reply can quote and turn down."""
    return f.label == "off_platform" or (f.label == "meeting_link" and f.value.startswith("meet:"))


def _answered(views: Views, move: Finding, quotes: _InlineQuotes) -> bool:
    """``move`` is answered in its own message: kept here, refused, or quoted and declined
    (a meeting on a named tool only the last way)."""
    if move.label == "off_platform" and (
        _answered_with_here(views, move) or _refusal_told_after(views, move)
    ):
        return True
    return _quoted_and_declined(views, move, quotes) or _asked_then_answered(views, move)


# A line of the other party's words quoted in a reply ("> whats your number?").
_QUOTE_LINE = re.compile(r"^[ \t]*>[^\n]*", re.MULTILINE)


# Round 29: the other party's words quoted inline ('sobre lo de "pasame tu mail": aqui hay…',
# "napisał mi „dodaj mnie na telegramie”", "كتبتلي 'ابعتلي إيميلك'"): a quotation mark after a
# space, a colon or a dash (an apostrophe inside a word opens none), six characters or more.
_INLINE_QUOTE = re.compile(
    r"\"[^\"\n]{6,240}\"|\u201c[^\u201d\n]{6,240}\u201d|\u201e[^\u201c\u201d\n]{6,240}[\u201c\u201d]"
    r"|\u00ab[^\u00bb\n]{6,240}\u00bb|'[^'\n]{6,240}'(?!\w)"
)
_QUOTE_OPEN = re.compile("[\"\u201c\u201e\u00ab']")
_BEFORE_QUOTE = frozenset(":(\u2014\u2013-")  # or any space


def _inline_quote_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of ``_INLINE_QUOTE`` that open at the start, after a space or after
    ``_BEFORE_QUOTE``, left to right and not overlapping. (The opening marks are found first:
    a pattern that began with the lookbehind would be tried at every position of a long
    text.)"""
    spans: list[tuple[int, int]] = []
    at = 0
    while (opener := _QUOTE_OPEN.search(text, at)) is not None:
        p = opener.start()
        if p == 0 or text[p - 1] in _BEFORE_QUOTE or text[p - 1].isspace():
            m = _INLINE_QUOTE.match(text, p)
            if m is not None:
                spans.append(m.span())
                at = m.end()
                continue
        at = p + 1
    return tuple(spans)


class _InlineQuotes:
    """The inline quotations of a message, read once for all its moves: their spans (in the
    text and in the normalised text), and (asked only when a move lies in one) whether the
    writer's own words outside them keep the talk here or decline, proposing no place of
    their own (no app named, and no move cue but those that point here: "خلينا هنا")."""

    def __init__(self, views: Views) -> None:
        self._views = views
        self.spans = _inline_quote_spans(views.text)
        self.norm_spans = tuple(
            (views.norm.first_at(a), views.norm.first_at(b)) for a, b in self.spans
        )

    @functools.cached_property
    def answered(self) -> bool:
        if not self.spans:
            return False
        s = self._views.norm.s
        parts: list[str] = []
        at = 0
        for na, nb in self.norm_spans:
            parts.extend((s[at:na], " " * (nb - na)))
            at = nb
        own = "".join(parts) + s[at:]
        return (
            all(_cue_points_here(own, cue) for cue in lx.MOVE_CUE_RE.finditer(own))
            and lx.APP_NAME_RE.search(own) is None
            and (
                _here_unnegated(own)
                or lx.KEEP_HERE_RE.search(own) is not None
                or lx.DECLINE_RE.search(own) is not None
            )
        )


def _cue_points_here(s: str, cue: re.Match[str]) -> bool:
    """Round 31: the move cue's place is this chat, named right after it ("خلينا هنا", "أرسل
    لك صور الكيك هنا", "send the photos here")."""
    return _THIS_CHAT.search(s, cue.end(), cue.end() + _HERE_AFTER_CUE) is not None


def _inline_quoted_and_declined(views: Views, move: Finding, quotes: _InlineQuotes) -> bool:
    """A move wholly inside an inline quotation that the writer's own words answer (see
    ``_InlineQuotes``): the other party's request, quoted and answered."""
    if not quotes.spans:
        return False
    if move.value.startswith("learned:"):
        # the learned layer's span is its strongest words, wherever they are: a quotation
        # holding a move cue is what it read
        s = views.norm.s
        inside = any(lx.MOVE_CUE_RE.search(s, a, b) is not None for a, b in quotes.norm_spans)
    else:
        inside = any(a <= move.start and move.end <= b for a, b in quotes.spans)
    return inside and quotes.answered


def _quoted_and_declined(views: Views, move: Finding, quotes: _InlineQuotes | None = None) -> bool:
    """Round 21: the move lies wholly in a quoted line ("> pasame tu número") and the writer's
    own lines answer with here or a decline ("Prefiero seguir por acá", "не, давай тут"): the
    other party's move, turned down. Answered with anything else ("sure, add me") it stands."""
    text = views.text
    inline = _InlineQuotes(views) if quotes is None else quotes
    if _inline_quoted_and_declined(views, move, inline):
        return True
    if ">" not in text:
        return False
    lines = [m.span() for m in _QUOTE_LINE.finditer(text)]
    if not lines:
        return False
    # round 26: the learned layer's span is its strongest words, wherever they are; it cannot
    # tell the quoted words from the writer's ("> ¿Me lo pagas por Bizum…?\nPrefiero que no.
    # Pagamos por aquí"), so a quote answered with here or a decline undoes it too
    if not move.value.startswith("learned:") and not any(
        a <= move.start and move.end <= b for a, b in lines
    ):
        return False
    own = _QUOTE_LINE.sub(" ", views.norm.s)
    if move.value.startswith("learned:"):
        # the writer's own lines turn the quote down: a decline or a keep-here that no place
        # off the platform holds and no negation undoes ("а не через сайт" keeps nothing),
        # with no grant before it ("Boleh kak, transfer ke Mandiri …")
        decline = next(
            (
                d
                for d in lx.DECLINE_RE.finditer(own)
                # "…, а не через сайт": the platform set aside, no decline of the move
                if lx.PLATFORM_WORD_RE.search(own, d.end(), d.end() + _NOT_THE_PLATFORM) is None
            ),
            None,
        )
        agreed = _AGREED.search(own)
        if agreed is not None and (decline is None or agreed.start() < decline.start()):
            return False
        return decline is not None or _payment_kept_here(own)
    return (
        lx.HERE_RE.search(own) is not None
        or lx.KEEP_HERE_RE.search(own) is not None
        or lx.DECLINE_RE.search(own) is not None
    )


# How far after a "not" the platform named makes it "not through the site", no decline
_NOT_THE_PLATFORM = 25
# How far before the move a reported request may start, and after it its answer.
_ASKED_BEFORE = 90
_ANSWER_AFTER = 200
_ANSWER_CLAUSE = 80  # from a "but" to the here or the platform that answers
_ASKED_RIGHT_AFTER = 40  # a verb of asking after what was asked (verb-final languages)
_HERE_AFTER_CUE = 25  # "seguir por este chat": a cue whose place is here moves nothing
_HERE_BEFORE_CUE = 12  # "yahin baat karungi": the same, said before the verb


def _asked_then_answered(views: Views, move: Finding) -> bool:
    """The move is the other party's request or offer, reported by the writer who answers it
    ("Vous m'avez demandé mon WhatsApp mais je ne donne pas mes coordonnées", "انت طلبت 'نتكلم
    على زووم' بس المنصة فيها مكالمات فيديو", "tumne bola tha 'cash le lo' - sorry, main yahan
    se hi payment lunga"): a word of asking or offering addressed to the writer shortly before
    the move, in its sentence; then, after the move, a decline, or a "but" with here or the
    platform after it in its clause. A move of the learned layer has no place to be quoted
    at: it is never read so."""
    if move.value.startswith("learned:"):
        return False
    s = views.norm.s
    if not lx.ASKED_GATE.may_match(s, views.words):
        return False
    at = views.norm.first_at(move.start)
    # the answer is read from the move's start: a move's span may run past a "sorry"
    end = at + 1
    sent, sent_start = sentence(s, at, at + 1)
    lo = max(sent_start, at - _ASKED_BEFORE)
    if lx.ASKED_RE.search(s, lo, at) is None:
        # a verb that ends its clause, right after what was asked ("Zoom linki
        # göndermişsiniz ama …", "Zoom पर मीटिंग के लिए आपने कहा, लेकिन …")
        hi = min(len(s), views.norm.first_at(move.end) + _ASKED_RIGHT_AFTER, sent_start + len(sent))
        asked = lx.ASKED_RE.search(s, at, hi)
        if asked is None:
            return False
        end = asked.end()
    stop = min(len(s), end + _ANSWER_AFTER)
    agreed = _AGREED.search(s, end, stop)
    decline = lx.DECLINE_RE.search(s, end, stop)
    if decline is not None:
        # a request granted first ("no problem", "pas de souci", "d'accord, mais …") is no
        # refusal, whatever "no" or "but" follows it
        return agreed is None or decline.start() < agreed.start()
    if agreed is not None:
        return False
    # round 29: the talk kept here after the request reported ("Você comentou de me pagar por
    # Pix … Prefiro manter tudo por aqui"), no app named after it
    if (lx.KEEP_HERE_RE.search(s, end, stop) is not None or _here_unnegated(s[end:stop])) and (
        lx.APP_NAME_RE.search(s, end, stop) is None
        and lx.PAY_METHOD_RE.search(s, end, stop) is None
    ):
        return True
    for but in _BUT_ANSWER.finditer(s, end, stop):
        b = but.end()
        clause_end = min(stop, b + _ANSWER_CLAUSE)
        if (
            _THIS_CHAT.search(s, b, clause_end) is None
            and lx.PLATFORM_WORD_RE.search(s, b, clause_end) is None
        ):
            continue
        if lx.APP_NAME_RE.search(s, b, stop) is not None or any(
            _THIS_CHAT.search(s, cue.end(), cue.end() + _HERE_AFTER_CUE) is None
            # round 26: or right before it, where the verb comes last ("main yahin baat
            # karungi", "burada konuşalım")
            and _THIS_CHAT.search(s, max(b, cue.start() - _HERE_BEFORE_CUE), cue.start()) is None
            for cue in lx.MOVE_CUE_RE.finditer(s, b, stop)
        ):
            return False  # "…, but the platform chat is slow, let's use Telegram": moved after all
        return True
    return False


# Here, or this chat named as such ("seguir por este chat", "in this thread", "ce fil").
_THIS_CHAT = re.compile(
    lx.HERE_RE.pattern
    + r"|(?<!\w)(?:this|este|esse|ce|cette|questo|questa|diesem?|ten|tym|этот|этом|bu|ini)"
    r" (?:chat|thread|fil|hilo|conversa|czacie|czat|чат\w*|sohbet\w*)(?!\w)"
    r"|(?<!\w)chat (?:ini|na ito)(?!\w)"
)
# Granting a request, in every language: with it before any decline, a request reported is
# taken up, not turned down ("You asked for my WhatsApp, no problem, let's continue there").
_AGREED = re.compile(
    r"(?<!\w)(?:sure|ok|okay|fine|yes|great|of course|no problem|no worries|fine by me|sounds good"
    r"|d'accord|pas de (?:souci|soucis|probleme)|aucun probleme|bien sur|volontiers|va bene|certo"
    r"|nessun problema|claro|vale|de acuerdo|sin problema|no hay problema|beleza|tudo bem"
    r"|sem problema|pode ser|klar|kein problem|gerne|einverstanden|jasne|spoko|dobrze|nie ma"
    r" problemu|хорошо|ладно|без проблем|конечно|договорились|ठीक है|हाँ|हां|theek hai|thik hai"
    r"|haan|tamam|olur|sorun (?:yok|degil)|oke|siap|boleh|gak masalah|nggak masalah|sige|ayos"
    r"|game|تمام|ماشي|حاضر|اوكي|اكيد|موافق)(?!\w)"
)


def _refusal_told_after(views: Views, move: Finding) -> bool:
    """The writer's own refusal told after the move, at the end of its clause ("Un client m'a
    proposé de le payer hors plateforme, j'ai refusé", "chciał przelew poza serwisem, odmówiłem
    i zgłosiłem to", "minta bayar di luar, saya tolak."): a move reported and turned down. Not
    a question's tag ("…, nggak?") and not one with a "but" after it ("I refused, but for you
    PayPal is fine")."""
    s = views.norm.s
    if not lx.REFUSED_GATE.may_match(s, views.words):
        return False
    at = 0 if move.value.startswith("learned:") else views.norm.first_at(move.start)
    for refused in lx.REFUSED_RE.finditer(s, at + 1, min(len(s), at + _KEEP_AFTER_MOVE)):
        if _QUESTION_TAG.match(s, refused.end()) is not None:
            continue
        if _BUT.search(s, refused.end()) is not None:
            continue
        if _complaint(sentence(s, refused.start(), refused.end())[0]):
            continue  # "meine Karte wird hier ständig abgelehnt": a card refused, not a move
        return True
    return False


def _kept_from_platform(views: Views) -> Finding | None:
    """The platform that "doesn't need to know" what the two parties agree ("Le site n'a pas
    besoin de savoir sur combien on s'est mis d'accord", "Was wir ausmachen, muss die Seite ja
    nicht wissen", "Di na kailangang malaman ng site"): a deal kept from it. The platform is
    who would know: named before the word of knowing, or right after it
    ("malaman ng site"); "you don't need to know how the platform computes the fee" is not."""
    s = views.norm.s
    for know in _KNOWS.finditer(s):
        sent, start = sentence(s, know.start(), know.end())
        at = know.start() - start
        need = lx.NEED_RE.search(sent)
        if need is None or not (
            lx.NEGATION_RE.search(sent) or _DI_NA.search(sent) or lx.DECLINE_RE.search(sent)
        ):
            continue
        first = min(at, need.start())
        after = know.end() - start
        platform = None
        for names in (lx.PLATFORM_WORD_RE, lx.PLATFORM_NOUN_RE):
            platform = names.search(sent, 0, at) or names.search(sent, after, after + 12)
            if platform is not None:
                break
        if platform is None or _spec_talk(s, know.start(), know.end()):
            continue
        if lx.DEAL_RE.search(sent) is None:
            continue  # "die Plattform muss nicht wissen, wann du Urlaub hast": no deal kept
        a = start + min(first, platform.start())
        b = start + max(know.end() - start, platform.end())
        return _op_finding(views, a, b, "pay:kept_from_platform", Confidence.OFF_PLATFORM_PAY)
    return None


# Tagalog "di na" ("no longer"): a negation word that is a preposition in other languages.
_DI_NA = re.compile(r"(?<!\w)di na(?!\w)")


def _answered_with_here(views: Views, move: Finding) -> bool:
    """The move is answered, in the same message, with the platform kept as the only place
    and a word of declining ("You mentioned PayPal to skip the fee - sorry, I only work through
    the contract here", "Je n'accepte ni espèces ni PayPal, tout passe par le paiement du
    site"): a refusal that quotes the move. The declining comes between the move and the
    keeping, or before the move in its own clause; the keeping comes after the move, in a
    clause with no negation ("I don't want everything going through the site" keeps nothing),
    beside no place off the platform, and with no "but" after it."""
    s = views.norm.s
    # the learned layer's span is its strongest words, wherever they are: the whole message
    at = 0 if move.value.startswith("learned:") else views.norm.first_at(move.start)
    sent, sent_start = sentence(s, at, at + 1)
    head = sent[: at - sent_start]
    clause = max((m.end() for m in _CLAUSE_BREAK.finditer(head)), default=0)
    declined_before = lx.declined(head, clause)
    if not declined_before and not lx.declined(s, at, min(len(s), at + _KEEP_AFTER_MOVE)):
        return False  # nothing declined near the move: no keep answers it (and none is read)
    # round 18: a keep-here phrase soon after the move ("j'ai refusé. Ici c'est très bien"),
    # looked for in a window (a long message has many moves and is not read whole for each)
    keeps: Iterable[re.Match[str]] = lx.KEEP_HERE_RE.finditer(
        s, at + 1, min(len(s), at + _KEEP_AFTER_MOVE)
    )
    if lx.EXCLUSIVE_KEEP_GATE.may_match(s, views.words):
        keeps = itertools.chain(lx.EXCLUSIVE_KEEP_RE.finditer(s, at + 1), keeps)
    for keep in keeps:
        if not declined_before and not any(
            _QUESTION_TAG.match(s, d.end()) is None
            for d in lx.DECLINE_RE.finditer(s, at, keep.start())
        ):
            continue  # "bisa bayar pakai voucher nggak?": a question's tag declines nothing
        ksent, kstart = sentence(s, keep.start(), keep.end())
        if any(
            p.start() <= keep.start() - kstart and keep.end() - kstart <= p.end()
            for p in lx.OUTSIDE_RE.finditer(ksent)
        ):
            continue  # "daripada ribet lewat platform": the platform set against, not kept
        if _complaint(ksent):
            continue  # "meine Karte wird hier ständig abgelehnt": here blamed, not kept
        kclause = kstart + max(
            (m.end() for m in _CLAUSE_BREAK.finditer(ksent, 0, keep.start() - kstart)),
            default=0,
        )
        if lx.NEGATION_RE.search(s, max(kclause, at + 1), keep.end()):
            continue
        if lx.OUTSIDE_RE.search(s, keep.start(), keep.end()):
            continue
        if _BUT.search(s, keep.start() + 1):
            continue  # "8k na lang, pero dito 10k"; "... here, but PayPal is faster"
        return True
    return False


# Round 25: the platform blamed (``_complaint``).
_ALWAYS_REFUSED_RE = re.compile(
    fold(
        r"(?<!\w)(?:(?:keeps?|always|constantly|ständig|immer|siempre|sempre|toda hora|toujours"
        r"|sans arrêt|continuamente|ciągle|wciąż|постоянно|всё время|hamesha|baar baar"
        r"|دايما|على طول|sürekli|hep|terus|selalu|palagi|lagi)\s+(?:\S+\s+){0,2}?"
        r"(?:declin\w*|reject\w*|rechaz\w*|recus\w*|refus\w*|abgelehnt|rifiut\w*|odrzuc\w*"
        r"|отклоня\w*|reddedil\w*|ditolak|fail\w*|crash\w*|freez\w*)"
        r"|(?:declin\w*|reject\w*|rechaz\w*|recus\w*|refus\w*|abgelehnt|rifiut\w*|odrzuc\w*"
        r"|отклоня\w*|reddedil\w*|ditolak)\s+(?:\S+\s+){0,1}?(?:ständig|immer|always|all the time"
        r"|todo el tiempo|toda hora|sans arrêt|sempre|ciągle|постоянно|sürekli|terus|palagi))(?!\w)"
    )
)
# what the platform refuses or fails at, so that "eu sempre recuso" (I always refuse) is none
_PLATFORM_THING_RE = re.compile(
    fold(
        r"(?<!\w)(?:card|karte|tarjeta|cartão|carte|carta|karta|карт\w*|kart\w*|kartu|payment"
        r"|pago|pagamento|zahlung|paiement|płatnoś\w*|платеж\w*|ödeme|pembayaran|bayad|form"
        r"|formulario|formulário|formulaire|formular|modulo|formularz|upload|button|botón|botão"
        r"|bouton|knopf|notification\w*|notifica\w*|benachrichtigung\w*|powiadomie\w*"
        r"|уведомлен\w*|bildirim\w*|notifikasi|transfer\w*|withdraw\w*|saque|retiro|auszahlung"
        r"|wypłat\w*|вывод\w*)(?!\w)"
    )
)
_FAILING_RE = re.compile(
    fold(
        r"(?<!\w)(?:doesn'?t work|don'?t work|not working|never (?:reach|arrive|work)\w*"
        r"|keeps? freezing|no funciona|no anda|se (?:me )?(?:queda|cuelga)|n[aã]o funciona|trava\w*"
        r"|ne marche pas|ne fonctionne pas|plante\w*|funktioniert nicht|hängt sich|stürzt\w* ab"
        r"|non funziona|si blocca|nie działa|zawiesza\w*|не работает|зависа\w*|виснет|глючит"
        r"|काम नहीं|नहीं चल\w*|kaam nahi|nahi chal\w*|hang ho|مش شغال|ما يشتغل|بيعلق|يعلق"
        r"|çalışmıyor|donuyor|gak bisa|nggak bisa|ngelag|lemot|ayaw gumana|hindi gumagana"
        r"|nagha-hang"
        # round 26: messages or notifications that never arrive, or are missed ("qui le
        # notifiche non mi arrivano mai", "buranın bildirimlerini kaçırıyorum")
        r"|non (?:mi |ti |ci )?arriva\w*|no (?:me |te )?llega\w*|n[aã]o (?:me )?chega\w*"
        r"|n'arrive\w* (?:pas|jamais)|kommen? (?:\w+ )?nicht an|nie (?:\w+ )?dochodz\w*"
        r"|не (?:\w+ )?приход\w*|kaçırıyorum|gelmiyor|nggak masuk|gak masuk|tidak masuk"
        r"|hindi (?:dumarating|umaabot)|ما (?:بتوصل|توصل)\w*|مش بتوصل\w*"
        # round 30: "notifications hi nahi aate", "ما عم يوصلني إشعارات"
        r"|(?:hi )?nahi (?:aate|aati|aata|milte|milti)|नहीं (?:आते|आती|आता|मिलते)"
        r"|ما عم (?:يوصلني|توصلني|يجيني)|ما (?:بيوصلني|بتوصلني|يجيني|تجيني)"
        # the platform slow ("przez platformę to trwa tydzień", "takes forever here")
        r"|keeps? logging me out|logs me out|takes (?:forever|ages|a week|weeks)"
        r"|tarda (?:siglos|una semana|semanas)"
        r"|demora (?:uma semana|semanas)|prend (?:des semaines|une semaine)"
        r"|dauert (?:ewig|eine woche|wochen)|ci mette (?:una settimana|settimane)"
        r"|trwa (?:tydzień|tydzien|wieki|wieczność|tygodniami)|идёт неделю|идет неделю"
        r"|занимает неделю|bir hafta sürüyor|haftalar sürüyor|seminggu baru|ang tagal"
        # round 28: lagging, breaking up, slow, compressing, failing uploads ("the in-app chat
        # keeps lagging", "o upload daqui tá dando erro", "hier wird alles komprimiert")
        r"|keeps? (?:lagging|crashing|dropping|breaking up|cutting out)|laggy|lagging"
        r"|(?:so|too|really|super) slow|compress(?:es|ed|ing)|won'?t (?:upload|load|open)"
        r"|can'?t upload|upload (?:fails|failed|keeps failing)"
        r"|va lento|se traba|da error|no (?:me )?deja subir|no carga|comprime\w*"
        r"|(?:ta|tá|está|esta) dando erro|dando erro|n[aã]o carrega|lento demais"
        r"|rame|ça lag\w*|compresse\w*|ne charge pas|ruckelt|komprimiert|lädt nicht"
        r"|lagga|va a scatti|non carica|laguje|zacina|kompresuje|nie ładuje"
        r"|тормозит|лагает|сжимает|не гру[зж]\w*|kasıyor|sıkıştırıyor|yüklenmiyor"
        r"|lemot|ngelag|gak bisa upload|ga bisa upload|nggak bisa upload|ang bagal|nagla-?lag"
        r"|hindi (?:po )?ma-?upload|ayaw ma-?upload|bahut slow|slow hai|lag kar\w*"
        r"|upload nahi|late aat\w*|der se aat\w*|स्लो है|धीमा|अपलोड नहीं|بطيء|بيقطع|ما بيرفع"
        r"|مش بيرفع)(?!\w)"
    )
)


def _complaint(sent: str) -> bool:
    """The platform blamed in ``sent`` ("the card form here keeps declining me", "meine Karte
    wird hier ständig abgelehnt", "o botão daqui trava toda hora"): a word of failing, or of
    refusing with a word of "always" beside it and a thing of the platform's (a card, a form, a
    button, a payment). "Here" in such a sentence keeps nothing, and refuses nothing."""
    if _FAILING_RE.search(sent) is not None:
        return True
    return (
        _ALWAYS_REFUSED_RE.search(sent) is not None and _PLATFORM_THING_RE.search(sent) is not None
    )


def _blamed_clause(s: str, a: int, b: int, other: int) -> bool:
    """``s[a:b]`` (a product or button word) lies in a clause that blames the platform
    (``_complaint``: "ayaw gumana ng call feature dito", "the call button here freezes"), and
    ``other`` (the tool or channel) lies outside that clause: the platform's own thing, failing,
    set beside the move, which names no product being built."""
    # (the sentence cut near the word: a long sentence naming a tool or a product word many
    # times was read whole once per mention, quadratic; round 32)
    sent, start = _near_sentence(s, a, b, after=_CUE_SENTENCE_AFTER)
    if not _FAILING_RE.search(sent) and not _ALWAYS_REFUSED_RE.search(sent):
        return False
    lo, hi = _clause_span(sent, a - start, b - start)
    if start + lo <= other < start + hi:
        return False
    return _complaint(sent[lo:hi])


_Anywhere = lx.AnyMatch | lx.AroundAnchors
_Every = Callable[[str], Iterator[re.Match[str]]]
_QUESTION_TAG = re.compile(r"\s*\?")
_KEEP_AFTER_MOVE = 300


def _call_on_a_named_place(
    views: Views, *, makers: bool = True
) -> tuple[list[tuple[str, re.Pattern[str]]], list[re.Match[str]]]:
    """A call proposed on an app named by its looks or somewhere else ("let's call on the
    purple app", "telponan di aplikasi ungu aja", "on peut faire l'appel ailleurs ?"): the
    call word is the cue, close to the app or the place (within ``_CALL_GAP``, in its clause;
    somewhere else only after the call: "por otro lado, la llamada" is "on the other hand").
    Gated by the call words first. Returns the channels and the cues, or two empty lists.
    ``makers``: whether a tool described by its maker may be the place."""
    s, words = views.norm.s, views.words
    if not lx.CALL_GATE.may_match(s, words):
        return [], []
    # (category, pattern, whether it matches anywhere, all its matches)
    candidates: list[tuple[str, re.Pattern[str], _Anywhere, _Every]] = []
    if lx.APP_LOOKS_GATE.may_match(s, words):
        candidates = [
            (c, p, lx.CATEGORY_ANY[c], p.finditer)
            for c, p in lx.CHANNEL_CATEGORIES
            if c in ("app", "emoji")
        ]
    if lx.CONTACT_ELSEWHERE_GATE.may_match(s, words):
        candidates.append(
            (
                "elsewhere",
                lx.CONTACT_ELSEWHERE_RE,
                lx.CONTACT_ELSEWHERE_ANY,
                lx.CONTACT_ELSEWHERE_RE.finditer,
            )
        )
    if makers and lx.MAKER_GATE.may_match(s, words):
        # round 20: a tool described by its maker ("le truc de Google", "app ng Google")
        maker = lx.MAKER_TOOL_ANY
        candidates.append(("maker", lx.MAKER_TOOL_RE, maker, maker.finditer))
    if not candidates:
        return [], []
    # whether each candidate is named at all, by the phrases whose words the message has (the
    # app patterns are large: searching them around every call word costs more on a long
    # message than that)
    named = [(c, p, every) for c, p, anywhere, every in candidates if anywhere.search(s, words)]
    if not named:
        return [], []
    found = [(c, p) for c, p, _ in named]
    # somewhere else, or a tool described by its maker, only after the call ("a call on the
    # Google thing"; "the Google app crashes when I start a video call" is no call there)
    spans = [(m.span(), c in ("elsewhere", "maker")) for c, _, every in named for m in every(s)]
    calls = [
        m
        for m in lx.MEETING_CUE_RE.finditer(s)
        if m.group() not in _NOT_A_CALL
        and any(
            _close_in_clause(s, m.span(), a) and not (after and a[0] < m.start())
            for a, after in spans
        )
    ]
    return (found, calls) if calls else ([], [])


def _close_in_clause(s: str, one: tuple[int, int], other: tuple[int, int]) -> bool:
    """Two spans of ``s`` at most ``_CALL_GAP`` characters apart, with no clause break
    between them ("call on the purple app"; not "the purple app icon ..., call the designer")."""
    lo, hi = min(one[1], other[1]), max(one[0], other[0])
    if hi - lo > _CALL_GAP:
        return False
    return hi <= lo or re.search(r"[,;:.!?]", s[lo:hi]) is None


_CALL_GAP = 30
# Meeting cues that name no call: with an app's looks they are design talk ("make the chat
# bubble green", "the link colour").
_NOT_A_CALL = frozenset(
    """? chat talk link join instead book slot schedule session room present agenda agendar
    hablar hablamos charla conversar falar parler discuter baat interview entrevista entretien
    sync catch up meet meeting reunion reuniao""".split()
) | {"are you on", "do you have", "do you use", "catch up", "hop on", "jump on"}


def _app_question(s: str) -> re.Match[str] | None:
    """A messaging app named in a question of a few words ("telegram?", "tem wpp?", "واتس؟",
    "fb mo po?"): asking for the other party's account there."""
    # split no further than one word past the limit: a long message is not split whole
    if "?" not in s or len(s.split(maxsplit=_APP_QUESTION_WORDS)) > _APP_QUESTION_WORDS:
        return None
    app = lx.APP_NAME_RE.search(s)
    if app is None or lx.COMM_PROJECT_NEG_RE.search(s) is not None:
        return None
    if lx.KEEP_HERE_RE.search(s) is not None:
        return None  # the app named to be turned down: "WhatsApp? non, restons ici"
    return app


_APP_QUESTION_WORDS = 5


def _euphemism_question(views: Views) -> re.Match[str] | None:
    """An app named by a euphemism in a short question, and a pointer back to it ("tem o
    verdinho? te mando as fotos lá", Russian "are you on the blue one with the little plane?
    I'll send it there", "may app ka nung asul na may eroplano? dun tayo"): asking whether the
    other party is on that app, to move there. The euphemism is the cue; the channel checks of
    the caller still apply. Only the short questions are searched, with the pointer in the
    question or the sentence after it."""
    s = views.norm.s
    if not lx.THERE_GATE.may_match(s, views.words):
        return None
    categories = [
        (c, p)
        for c, p in lx.CHANNEL_CATEGORIES
        if c in ("app", "emoji", "messenger") and lx.CATEGORY_GATES[c].may_match(s, views.words)
    ]
    if not categories:
        return None
    at = s.find("?")
    while at != -1:
        sent, start = sentence(s, at, at)
        end = start + len(sent)
        short = len(sent.split(maxsplit=_EUPHEMISM_QUESTION_WORDS)) <= _EUPHEMISM_QUESTION_WORDS
        if short and not (lx.PRODUCT_RE.search(sent) or lx.COMM_PROJECT_NEG_RE.search(sent)):
            after = s[end : end + 80]
            # a pointer there, or "here" right after it, set against that app ("tem aquele
            # verdinho? por aqui eu demoro pra ver notificação")
            if lx.THERE_RE.search(sent) or lx.THERE_RE.search(after) or _here_after(after):
                for _, pattern in categories:
                    m = pattern.search(s, start, end)
                    if m is not None:
                        return m
        at = s.find("?", max(end, at + 1))
    return None


_EUPHEMISM_QUESTION_WORDS = 10


def _here_right_after(s: str, end: int) -> bool:
    """A word for "here" right after a place ("I'll text you directly here", "Ti scrivo
    direttamente qui"): the place is this chat, not one elsewhere."""
    return _HERE_NEXT.match(s, end) is not None


_HERE_NEXT = re.compile(r"\s*(?:" + lx.HERE_RE.pattern + ")")


def _here_after(after: str) -> bool:
    """A word for "here" in the sentence right after the question, unnegated."""
    sent, _ = sentence(after, 0, 0)
    return lx.HERE_RE.search(sent) is not None and not lx.KEEP_HERE_RE.search(sent)


# "<a thing> from Zuckerberg", "od Zuckerberga", "von Durov": the owner's product.
_OWNED_BY = re.compile(r"(?<!\w)(?:from|by|od|von|de|di|da|del|du|ng|से)\s+$")


# A template's field around a word: "{{mobile}}", "{email}", "${phone}", "%(email)s",
# "[[whatsapp]]", "<phone>" (with at most an underscore-joined part beside it: "{{user_mobile}}").
# round 26: a field in single brackets with a word or two before it ("[seu email]", "[your
# phone]", "[ваш email]")
_TEMPLATE_OPEN = re.compile(r"(?:\{\{?|\$\{|%\(|\[\[|<)\s*(?:\w+_)?$|\[(?:\w+\s+){0,2}$")
_TEMPLATE_CLOSE = re.compile(r"(?:_\w+)?\s*(?:\}\}?|\)s|\]\]|>|\])")


def _template_variable(s: str, a: int, b: int) -> bool:
    """``s[a:b]`` is a field of a template, between its braces, not a channel."""
    return (
        _TEMPLATE_OPEN.search(s, max(0, a - 24), a) is not None
        and _TEMPLATE_CLOSE.match(s, b) is not None
    )


def _covered(category: str, present: set[str]) -> bool:
    if category == "phone":
        return bool(present & {"phone", "handle"})
    if category == "handle":
        return "handle" in present
    if category == "email":
        return "email" in present
    return bool(present & {"email", "phone", "handle"})


def _payment_request(views: Views) -> Finding | None:
    s = views.norm.s
    words = views.words
    direct = _DIRECT_PAYS.search(s) if lx.DIRECT_PAY_GATE.may_match(s, words) else None
    if (
        direct is not None
        and not _negated(s, direct.start(), direct.end())
        and not _spec_talk(s, direct.start(), direct.end())
        # "pay directly from the milestone", "pay directly through the platform"
        and not _payment_kept_here(sentence(s, direct.start(), direct.end())[0])
    ):
        return _op_finding(
            views, direct.start(), direct.end(), "pay:direct", Confidence.OFF_PLATFORM_PAY
        )
    methods = lx.PAY_METHOD_RE.finditer(s) if lx.PAY_METHOD_GATE.may_match(s, words) else ()
    # round 21: a means named in a question of a few words ("pix ou cartão?", "blik?", "Maya o
    # GCash po kayo?"): asking how to be paid, as ``_app_question`` asks for an app
    short_question = ("?" in s or "؟" in s) and len(
        s.split(maxsplit=_PAY_QUESTION_WORDS)
    ) <= _PAY_QUESTION_WORDS
    for i, method in enumerate(methods):
        if i >= _METHOD_TRIES:
            break  # a message naming means over and over is read for the first few only
        lo, hi = max(0, method.start() - 70), min(len(s), method.end() + 70)
        window = s[lo:hi]
        if _negated(s, method.start(), method.end()) or _spec_talk(s, method.start(), method.end()):
            continue
        if _DI_TAKING.search(s, max(0, method.start() - _DI_KO_SPAN), method.start()) is not None:
            continue  # round 33: "di ako tumatanggap ng GCash": Tagalog "'di" ("not") before
        if _beside_outside(lx.KEEP_HERE_RE, sentence(s, method.start(), method.end())[0]):
            continue  # "I prefer to pay through the site, it's easier than a bank transfer"
        mine = re.search(
            r"\b(?:my|mi|meu|minha|mon|ma|мой|мою|мои|mera|meri)\s+(?:\w+\s+)?$",
            s[max(0, method.start() - 20) : method.start()],
        ) or _MINE_AFTER.match(s, method.end())
        outside = lx.OUTSIDE_RE.search(window)
        verb = (
            lx.PAY_VERB_RE.search(window)
            or lx.ACCEPT_RE.search(
                s, max(0, method.start() - _ACCEPT_SPAN), method.end() + _ACCEPT_SPAN
            )
            # "our company pays by check": beside a named means only ("the client pays on
            # time" is no verb of the asides and splits)
            or _PAYS.search(window)
            # round 26: the fee spared beside the means ("wise hesabım var, … platform
            # kesintisi de olmaz", "por Wise y sin comisión")
            or _fee_spared(s, lo, hi)
            # round 26: money given back to one of the two by the means ("você me devolve por
            # Pix"); "a report of refunds" names no one
            or next((r for r in lx.REFUND_RE.finditer(window) if _party_beside(window, r)), None)
            # round 33: the means suggested in a question ("Wie wär's mit Krypto für die
            # nächsten Meilensteine?", "how about USDT for the rest?")
            or _suggested(s, method)
        )
        # The method's own name is no product word ("cash app" is not "the app"); a product
        # word in another sentence is no spec of this one ("la página se lleva un montón.
        # ¿Me pagás en USDT?").
        sent, at = sentence(s, method.start(), method.end())
        rest = s[max(lo, at) : method.start()] + " " + s[method.end() : min(hi, at + len(sent))]
        if outside is None and (
            any(
                not _compared_against(rest, m.start(), m.end())
                for m in lx.PAY_PROJECT_NEG_RE.finditer(rest)
            )
            or _product_sentence(s, method.start(), method.end())
        ):
            continue  # "Formularz płatności ma obsługiwać BLIK": "ma" is no French "my" here
        if mine is None and outside is None and verb is None and not short_question:
            continue
        if _NOT_NEEDED.match(s, method.end()):
            continue  # "my IBAN isn't needed here": the means declined
        if _AT_RISK.match(s, method.end()):
            continue  # "حسابي ممكن يتقفل": the writer's account at risk, a reason to refuse
        value = "pay:" + re.sub(r"\W+", "", method.group())
        return _op_finding(views, method.start(), method.end(), value, Confidence.OFF_PLATFORM_PAY)
    return _pay_outside(views)


_ACCEPT_SPAN = 25
_PAY_QUESTION_WORDS = 6
# "How about", "what about", "wie wär's mit", "¿qué tal (con)", "e se fosse (por)", "et si on
# passait par", "che ne dici di", "a może", "а может", right before the means
_SUGGEST_BEFORE = re.compile(
    fold(
        r"(?<!\w)(?:how about|what about|wie wär'?s mit|wie wäre es mit|was hältst du von"
        r"|qué tal (?:con |por |si (?:usamos|pagamos con|pago con) )?|e se (?:fosse )?(?:por |via "
        r"|com |usarmos )?|et si on (?:passait par|utilisait|payait (?:en|par|avec))"
        r"|che ne dici (?:di|del|dell')|a może (?:przez |w )?|а (?:может|что если) (?:через |в )?"
        r")\s*$"
    )
)
_SUGGEST_SPAN = 40


def _suggested(s: str, method: re.Match[str]) -> re.Match[str] | None:
    """A word of suggesting right before the means, in a sentence that asks."""
    hit = _SUGGEST_BEFORE.search(s, max(0, method.start() - _SUGGEST_SPAN), method.start())
    if hit is None:
        return None
    sent, start = sentence(s, method.start(), method.end())
    return hit if "?" in s[method.end() : start + len(sent) + 1] else None


# A word of "none" right after a fee word, in the languages that say it after ("platform
# kesintisi de olmaz", "commission nahi lagega", "komisi gak ada")
_NONE_AFTER_FEE = re.compile(
    r"\s+(?:\S+\s+){0,2}?(?:olmaz|olmayacak|yok|kesilmez|kesilmeyecek|nahi|nahin|नहीं|gak"
    r"|ga|nggak|tidak|wala)(?!\w)"
)
_FEE_NONE_BEFORE = 16


def _fee_spared(s: str, lo: int, hi: int) -> re.Match[str] | None:
    """A fee word in ``s[lo:hi]`` with a word of "none" or "without" right before it or,
    in the languages that say it after, right after it: the platform's fee spared ("sin
    comisión", "no fees", "kesintisi de olmaz"). Not a bank's or a card's fee."""
    for fee in lx.FEE_RE.finditer(s, lo, hi):
        if lx.OTHER_FEE_RE.search(s, max(0, fee.start() - 25), fee.end() + 25):
            continue
        if _NEGATION_IN_FEE_SPAN.search(
            s, max(lo, fee.start() - _FEE_NONE_BEFORE), fee.start()
        ) or _NONE_AFTER_FEE.match(s, fee.end()):
            return fee
    return None


# Means of payment read per message: each costs reads of its whole sentence, so a message of
# one long sentence naming a means 500 times was quadratic (1.6 s on 10,000 characters)
_METHOD_TRIES = 8
_PAYS = re.compile(r"(?<!\w)pays(?!\w)")

# How far a means of payment may sit from a phone number or address it names as the payee
# ("Lydia au 06 42 18 77 30", "GCash number ko: 0917 …", "paypal у меня x собака mail точка ru")
_PAYEE_SPAN = 40


def _easier_way_to_pay(views: Views, s: str) -> Finding | None:
    """An easier or other way for the other party to get the money ("Is there an easier way
    for you to receive money?", "Jak Ci najwygodniej dostać kasę?", "ada cara lain ga buat
    bayar yg ga kepotong fee"): the two within a few words of each other, in a question or
    beside the fee; not a product's users paying, not a refusal, not kept here."""
    words = views.words
    if "?" not in s and not lx.FEE_GATE.may_match(s, words):
        return None
    if not lx.EASIER_WAY_GATE.may_match(s, words) or not lx.GET_PAID_GATE.may_match(s, words):
        return None
    for i, easy in enumerate(lx.EASIER_WAY_RE.finditer(s)):
        if i >= _CONTACT_TRIES:
            break
        a, b = easy.span()
        sent, start = sentence(s, a, b)
        paid = lx.GET_PAID_RE.search(
            s, max(start, a - _EASY_SPAN), min(start + len(sent), b + _EASY_SPAN)
        )
        if paid is None:
            continue
        asked = "?" in s[b : start + len(sent) + 2] or lx.FEE_RE.search(
            s, start, start + len(sent) + 120
        )
        if not asked:
            continue
        if _spec_talk(s, a, b) or _negated(s, a, b) or lx.PRODUCT_RE.search(sent):
            continue
        # (here in another clause is not the way asked about: "Nie mam tu podpiętej karty,
        # da się jakoś inaczej zapłacić?")
        clause = _clause(sent, min(a, paid.start()) - start, max(b, paid.end()) - start)
        # (a platform named as what is left, "other than the site", keeps nothing here)
        if _beside_outside(lx.KEEP_HERE_RE, sent) or _beside_outside(lx.HOME_RE, clause):
            continue  # "is it quicker to pay you per milestone here?": a way here
        if _OTHER_WAY.search(easy.group()) is None and not (
            lx.HOME_RE.search(s) or lx.FEE_RE.search(s) or lx.OUTSIDE_RE.search(s)
        ):
            continue  # "easier"/"cheaper" alone, with no platform, fee or outside to leave
        lo, hi = min(a, paid.start()), max(b, paid.end())
        return _op_finding(views, lo, hi, "pay:easier_way", Confidence.OFF_PLATFORM_PAY)
    return None


_EASY_SPAN = 60
# "another way", "otra forma", "cara lain": an other way, not only an easier one
_OTHER_WAY = re.compile(
    r"another|other|different|alternative|otra|outr|autre|ander|inn|altro|друг|dusra|दूसरा"
    r"|تانية|ثانية|اخرى|baska|lain|ibang|inaczej|иначе|aur"
)


# Round 18: a means with an account number right after it ("przelew na 12 1020 1026 0000 0422
# 0012 3456", "IBAN IT60 X054 2811 1010 0000 0123 456 … mandami lì l'anticipo"): the account
# to pay into, given with "to" or with a verb of paying after it.
_ACCOUNT_AFTER = re.compile(
    # round 24: a possessive or a particle between the means and the number ("الايبان حقي
    # SA44…", "BDO po acct ko, 0023…", "nr konta mój PL61…")
    r"(?:[\s,:]+(?:po|ko|ku|my|mine|mio|mia|moje|moj|meu|minha|mon|mein|meine|benim|saya|aku"
    r"|حقي|تبعي|acct|account|no|nr|number|numero|numer|номер))*"
    r"[\s,]*(?P<to>(?:na|to|an|a|al|à|ke|sa|на)\s+|:\s*)?(?P<code>(?:[a-z]{2}\d{2}[ -]?)?"
    r"(?:[a-z0-9]{2,6}[ -]?){2,9})"
)
_ACCOUNT_DIGITS = 10
# Round 24: the holder or the reference of a transfer after an account number ("intestato a
# Elena Bruni", "tytułem usługa graficzna", "باسم فيصل", "Kontoinhaber", "a nombre de"):
# the number is where to pay, as a verb of paying would say.
_HOLDER_RE = re.compile(
    fold(
        r"(?<!\w)(?:intestat[oa] a|a nome di|causale|tytułem|tytulem|odbiorca|باسم|بإسم"
        r"|kontoinhaber\w*|inhaber\w*|verwendungszweck|empfänger|a nombre de|concepto"
        r"|em nome de|titular|favorecido|au nom de|titulaire|bénéficiaire|account name|acct name"
        r"|beneficiary|на имя|получатель|назначение платежа|alıcı adı|adına|açıklama"
        r"|atas nama|a\.n\.|pangalan)(?!\w)"
    )
)
# digits with spaces or dashes among them, ten or more characters long (where an account
# number may start; its digits are counted after)
_LONG_DIGIT_RUN = re.compile(r"\d[\d -]{8,}\d")
_ACCOUNT_VERB_SPAN = 120


def _pay_to_account(views: Views, s: str) -> Finding | None:
    if not lx.PAY_METHOD_GATE.may_match(s, views.words) or not has_digits(s, _ACCOUNT_DIGITS):
        return None
    # means only right before a long run of digits (a long message is not searched whole)
    methods = [
        method
        for run in _LONG_DIGIT_RUN.finditer(s)
        for method in lx.PAY_METHOD_RE.finditer(s, max(0, run.start() - 48), run.start())
    ]
    for i, method in enumerate(methods):
        if i >= _CONTACT_TRIES:
            break
        after = _ACCOUNT_AFTER.match(s, method.end())
        if after is None or sum(c.isdigit() for c in after.group("code")) < _ACCOUNT_DIGITS:
            continue
        a, b = method.start(), after.end()
        if (
            after.group("to") is None
            and lx.PAY_VERB_RE.search(s, b, min(len(s), b + _ACCOUNT_VERB_SPAN)) is None
            and _HOLDER_RE.search(s, b, min(len(s), b + _ACCOUNT_VERB_SPAN)) is None
        ):
            continue
        if _negated(s, a, b) or _spec_talk(s, a, b) or lx.PRODUCT_RE.search(sentence(s, a, b)[0]):
            continue
        return _op_finding(views, a, b, "pay:account", Confidence.OFF_PLATFORM_PAY)
    return None


_MEANS_LONGEST = 40  # characters in the longest name of a means ("crédito de google play")
_PAYEE_GAP_STOP = re.compile(r"\n\s*\n|[.!](?:\s|$)")


def _pay_to_identifier(views: Views, s: str, findings: list[Finding]) -> Finding | None:
    """A means of payment named right beside a phone number or address the message gives:
    the number or address is where to pay, a payment off the platform whatever the verb (or
    none: "Pix: 11 98765 4321", "BLIKiem na telefon? 512 804 337")."""
    payees = [f for f in findings if f.label in ("phone", "email")]
    if not payees or not lx.PAY_METHOD_GATE.may_match(s, views.words):
        return None
    spans = [(views.norm.first_at(f.start), views.norm.first_at(f.end)) for f in payees]
    tries = 0
    # means are looked for only around the payees (a long message is not searched whole)
    for lo, hi in spans:
        for method in lx.PAY_METHOD_RE.finditer(
            s,
            max(0, lo - _PAYEE_SPAN - _MEANS_LONGEST),
            # past the longest means that may start within reach (a window's end would cut a
            # longer word short: "pix" of "pixel")
            min(len(s), hi + _PAYEE_SPAN + _MEANS_LONGEST + 1),
        ):
            a, b = method.span()
            if a < hi and lo < b:
                continue  # "maya (at) brightpath (dot) com": a name inside the address itself
            gap = s[b:lo] if lo >= b else s[hi:a]
            if len(gap) > _PAYEE_SPAN or _PAYEE_GAP_STOP.search(gap):
                continue
            if any(x < b and a < y for x, y in spans):
                continue  # a means inside another payee
            tries += 1
            if tries > _CONTACT_TRIES:
                return None  # a run of means and numbers is read a few times, not once per pair
            if _negated(s, a, b) or _spec_talk(s, a, b):
                continue
            value = "pay:" + re.sub(r"\W+", "", method.group()) + ":payee"
            return _op_finding(views, a, b, value, Confidence.OFF_PLATFORM_PAY)
    return None


# The move turned down at the end of its own sentence ("transfers outside I never do",
# "Überweisungen außerhalb mache ich grundsätzlich nicht", "przelewy poza platformą odpadają",
# "dışarıdan havale olmaz"): read on the original text after the finding.
_REFUSED_AFTER = re.compile(
    r"^[^.!?\n;,]{0,40}?(?<!\w)(?:i never do|i don'?t do|is not an option|isn'?t an option"
    r"|(?:mache|nehme|akzeptiere) ich (?:\w+ )?nicht|kommt nicht in frage|odpadaj[aą]"
    r"|nie wchodzi w gr[eę]"
    r"|не вариант|не принимаю|не делаю|olmaz|yapmam|kabul etmem|je ne fais pas|ne fais jamais"
    r"|no hago|n[aã]o fa[cç]o|non faccio|nahi chalega|tidak bisa|hindi pwede"
    # a verb of taking negated after the means (object-first word order): "il bonifico non lo
    # accetto", "GPay pe payment nahi lunga", "UPI पर पेमेंट नहीं लूँगा", "Papara ile ödeme
    # almıyorum", and "... but I'll pass"
    r"|non (?:lo |la |li |le )?(?:accett\w*|prendo)|nahi (?:lunga|lungi|loonga|le sakta|leta"
    r"|leti|lete)|नहीं (?:लूँगा|लूंगा|लूंगी|लूँगी|ले सकता|लेता|लेती|लेते)|al(?:m[ıi]yorum|mam)|kabul etm[ıi]yorum"
    r"|i'?ll pass|no thanks|no thank you"
    # round 33: "Pix por fora não rola", "por fuera no va", "geht nicht"
    r"|(?:n[aã]o rola|n[aã]o d[aá]|no va|no se puede|geht nicht|non si può|nie da się"
    r"|не получится)(?=\s*(?:[,.;:!?]|$)))(?!\w)"
)


# The move called against the rules after it, in its sentence ("pagar por fuera va contra las
# normas", "bayar di luar platform melanggar aturan", "Zahlungen außerhalb verstoßen gegen die
# Regeln"): a refusal. Not past a "but" ("it's not allowed, but PayPal is faster" is a move).
_FORBIDDEN_AFTER = re.compile(
    r"^[^.!?\n;]{0,80}?(?<!\w)(?:against the (?:rules|policy|terms|tos)|not allowed|forbidden"
    r"|prohibited|breaks the rules|contra (?:las|as) (?:normas|reglas|regras)|prohibido|proibido"
    r"|no est[aá] permitido|n[aã]o [eé] permitido|interdit|contre les r[eè]gles|c'est niet"
    r"|verst[oö](?:ß|ss)(?:t|en) gegen|verboten|nicht erlaubt|gegen die regeln|vietat[oa]"
    r"|contro le regole|non [eè] permesso|zabronion\w*|wbrew regulamin\w*|regulamin jest jasny"
    r"|запрещен\w*|против правил|нарушает правила|नियमों के खिलाफ|मना है|rules ke khilaf"
    r"|allowed nahi|مخالف للقواعد|مخالف للشروط|ممنوع|kurallara aykir\w*|yasak\w*"
    r"|melanggar aturan|dilarang|nggak boleh|labag sa patakaran|bawal)(?!\w)"
)
_BUT = re.compile(
    r"(?<!\w)(?:but|pero|mas|mais|aber|ma|ale|но|lekin|लेकिन|magar|मगर|لكن|بس|ama|fakat|ancak"
    r"|tapi|namun|kaso|ngunit)(?!\w)"
)
# "But", and round 21's words of "still" that answer an offer in the next sentence ("Thanks for
# offering to pay by bank transfer. Still, I keep payment on the platform").
_BUT_ANSWER = re.compile(
    _BUT.pattern
    + r"|(?<!\w)(?:still|however|nevertheless|igual|sin embargo|aun asi|mesmo assim|porem"
    r"|no entanto|quand meme|cependant|toutefois|trotzdem|dennoch|jedoch|comunque|tuttavia"
    r"|mimo to|jednak|вс[её] же|вс[её] равно|однако|тем не менее|phir bhi|फिर भी|yine de|gene de"
    r"|tetap|namun|pero)(?!\w)"
)


def _refused_after(text: str, end: int) -> bool:
    tail = text[end : end + 120].lower()
    if _REFUSED_AFTER.match(tail) is not None:
        return True
    forbidden = _FORBIDDEN_AFTER.match(tail)
    if forbidden is None:
        return False
    stop = re.search(r"[.!?\n;]", tail[forbidden.end() :])
    end_of_sentence = forbidden.end() + (stop.start() if stop else len(tail))
    return _BUT.search(tail, 0, end_of_sentence) is None


def _forbidden_before(text: str, start: int) -> bool:
    """The move called forbidden just before it, in its sentence ("bawal ang bayad sa labas
    ng platform", "hors plateforme c'est niet"): a refusal unless a "but" follows."""
    head = text[max(0, start - 60) : start].lower()
    cut = max(head.rfind(c) for c in ".!?\n")
    head = head[cut + 1 :]
    m = _FORBIDDEN_BEFORE.search(head)
    return m is not None and _BUT.search(head, m.end()) is None


def _paying_refused(views: Views, pay: Finding) -> bool:
    """The writer refuses to pay or be paid in the clause of the move, whatever the word
    order: a negation right before a verb of paying or taking ("poza platformą nie płacę",
    "ga bisa terima pembayaran di luar platform") or, not in a question, right after a word
    of paying ("प्लेटफॉर्म के बाहर पेमेंट नहीं करूँगा"). A clause that keeps the payment here
    is no refusal of the move ("I can't pay through the site, PayPal works")."""
    s = views.norm.s
    a, b = views.norm.first_at(pay.start), views.norm.first_at(pay.end)
    sent, start = sentence(s, a, max(a, b - 1))
    # (a break found before ``a`` ends by ``a``, so the clause's end is looked for from ``b``)
    clause = _clause(sent, a - start, max(a, b) - start)
    if lx.KEEP_HERE_RE.search(clause) is not None or _BUT.search(clause) is not None:
        return False
    if "?" in clause:
        return False  # "ada cara lain ga buat bayar?", "why not pay outside?": asked, not refused
    places: list[tuple[int, int]] | None = None
    for neg in lx.NEGATION_RE.finditer(clause):
        if neg.group() == "pas" or _portuguese_no(clause, neg):
            continue  # French "pas" follows its verb; Indonesian "pas" is "when"
        if places is None:
            places = [p.span() for p in lx.OUTSIDE_RE.finditer(clause)]
        if any(x <= neg.start() and neg.end() <= y for x, y in places):
            continue  # "Platformdan değil de direkt havale": the place negated, not the paying
        after = _TWO_WORDS.match(clause, neg.end())
        if after is not None and (
            lx.PAY_VERB_RE.search(after.group()) or lx.ACCEPT_RE.search(after.group())
        ):
            # round 32: paying through the platform refused ("we do not pay through this
            # site", "no pagamos a través de la plataforma"): the move stands
            if lx.HOME_RE.search(clause, after.end(), after.end() + _NOT_THE_PLATFORM):
                continue
            return True
        before = _LAST_WORD.search(clause, 0, neg.start())
        if before is not None and lx.PAY_VERB_RE.fullmatch(before.group(1)):
            return True
    return False


# up to three words, not past a clause's end ("nie z platformy, zapłacę": the negation is of
# the place, and the payment is in the next clause)
_TWO_WORDS = re.compile(r"(?:\s+[^\s,;:.!?]+){1,3}")
_LAST_WORD = re.compile(r"(\S+)\s+$")


_FORBIDDEN_BEFORE = re.compile(r"(?<!\w)(?:bawal|ممنوع|dilarang|yasak|verboten|forbidden)(?!\w)")


def _product_sentence(s: str, a: int, b: int) -> bool:
    """A product word anywhere in the sentence of the means ``s[a:b]``, beyond the window
    around it ("La pasarela debe enviar un correo ... cuando el cliente pague con Bizum"), and
    outside every place off the platform ("outside the app" names no product)."""
    sent, start = sentence(s, a, b)
    blank = sent[: a - start] + " " * (b - a) + sent[b - start :]
    if _beside_outside(lx.PAY_PROJECT_NEG_RE, blank):
        return True
    # round 26: an item of a list whose heading names the product ("Requisiti checkout:\n-
    # metodi: PayPal, Satispay, carta", "Anforderungen an den Shop:\n- Zahlarten PayPal …")
    heading = _list_heading(s, a)
    return heading is not None and _beside_outside(lx.PAY_PROJECT_NEG_RE, heading)


# A line that is an item of a list ("- ", "• ", "* ", "☐ ", "1. ", "2) ")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-–•*☐✓✔▪◦]|\d{1,2}[.)])[ \t]")
_HEADING_LINES = 12  # how many items up a list's heading is looked for


def _list_heading(s: str, at: int) -> str | None:
    """The heading of the list whose item holds ``s[at]``: the nearest line above the item's
    run of items that ends with ":" ("Requisitos de la tienda online:"). None when the line is
    no list item or the list has no such heading."""
    line_start = s.rfind("\n", 0, at) + 1
    if line_start == 0 or _LIST_ITEM.match(s, line_start) is None:
        return None
    for _ in range(_HEADING_LINES):
        prev_end = line_start - 1
        line_start = s.rfind("\n", 0, prev_end) + 1
        if _LIST_ITEM.match(s, line_start) is not None:
            if line_start == 0:
                return None
            continue
        line = s[line_start:prev_end].rstrip()
        return line if line.endswith(":") else None
    return None


# Round 26: the account named at risk right after it ("my account could get flagged", "حسابي
# ممكن يتقفل", "мой аккаунт заблокируют"): a reason given for refusing a move, no destination
_AT_RISK = re.compile(
    fold(
        r"\s+(?:\S+\s+){0,3}?(?:banned|blocked|suspended|flagged|closed|gesperrt|bloquead\w*"
        r"|bloqué\w*|suspendu\w*|bloccat\w*|sospes\w*|zablokowan\w*|zablokuj\w*"
        r"|заблокир\w*|забан\w*|kapan\w*|askıya\w*|diblokir|dibanned|ma-?ban|ma-?block"
        r"|يتقفل|ينقفل|يتبند|يتحظر|يتوقف|ينحظر)(?!\w)"
    )
)
# The means declined right after it is named ("my IBAN isn't needed", "mi CBU no hace falta").
_NOT_NEEDED = re.compile(
    r"\s+(?:\w+\s+)?(?:isn'?t|is not|not needed|no hace falta|no es necesari\w*|nao precisa"
    r"|n'est pas necessaire|nicht notig|non serve|nie jest potrzebn\w*|не нужен|не нужно"
    # round 31: the writer's own refusal said after the means, where the verb comes last
    # ("direct UPI nahi karunga", "UPI से नहीं लूँगा", "havale kabul etmiyorum")
    r"|(?:se |से )?(?:nahi|nahin|नहीं|नही) (?:karunga|karungi|karenge|lunga|lungi|lenge"
    r"|dunga|dungi|denge|करूंगा|करूँगा|करूंगी|लूंगा|लूँगा|लूंगी|दूंगा|दूँगा)"
    r"|kabul (?:etmiyorum|etmem|etmeyeceğim|etmeyecegim))(?!\w)"
)


# A tool turned down after it, in its clause ("Teams oder Zoom extern brauchen wir nicht", "Zoom
# no hace falta", "Meet non serve", "Zoom'a gerek yok", "Zoom की जरूरत नहीं")
_TOOL_NOT_NEEDED = re.compile(
    r"(?:(?!(?<!\w)(?:so|biar|que|para|damit|per|pour|to|that|because|porque|weil|parce)(?!\w))"
    r"[^.!?\n;,]){0,40}?(?<!\w)(?:(?:brauch\w*|benotig\w*) (?:wir|ich|du|ihr|sie|man)"
    r" (?:\w+ )?nicht|nicht (?:notig|erforderlich)|not needed|no need|don'?t need"
    r"|no hace falta|no (?:lo )?necesit\w*"
    r"|nao precis\w*|pas besoin|non serve|non (?:ci )?serve|nie (?:jest )?potrzebn\w*"
    r"|не нуж\w*|gerek yok|gerekmiyor|की (?:जरूरत|जरूरत) नहीं|ki zarurat nahi|لا داعي|مش محتاج\w*"
    r"|tidak perlu|gak perlu|nggak perlu|ga perlu|hindi kailangan|di kailangan)(?!\w)"
    # round 29: what is not needed even is something else ("Jitsi che non serve neanche
    # registrarsi", "Zoom, no need to even sign up"): the tool is kept
    r"(?!\s+(?:to\s+)?(?:even|neanche|nemmeno|neppure|nawet|ni siquiera|nem|meme pas"
    r"|nicht (?:mal|einmal)|bile|bahkan|даже)(?!\w))"
)


# Round 32: a tool embedded in the product, said right after it ("visio Microsoft Teams
# intégrée", "wideokonsultacje przez Jitsi osadzone w aplikacji", "Zoom eingebettet")
# Round 33: a verb of embedding or of avoiding shortly before the tool ("hay que incrustar un
# calendario de Calendly", "Je préférerais éviter Zoom"): built in, or set aside
_EMBED_OR_AVOID_BEFORE = re.compile(
    fold(
        r"(?<!\w)(?:(?:embed|embedding|incrustar|incrustra\w*|embeber|einbetten|einbinden"
        r"|incorporare|osadzić|osadzimy|wstawić|встроить|встраиваем|встроим|menyematkan"
        r"|sematkan|i-embed)(?:\s+[^\s.,;:!?]+){0,3}"
        # (avoiding: right before the tool; "Um Missverständnisse zu vermeiden lieber per
        # Zoom" avoids the misunderstandings)
        r"|(?:avoid|éviter|evitar|evitare|unikać|unikajmy|избегать|iwasan)(?:\s+[^\s.,;:!?]+)?"
        r")\s+$"
    )
)
_EMBED_SPAN = 40
_EMBEDDED_AFTER = re.compile(
    fold(
        r"\s*(?:[^\s.,;:!?]+\s+){0,2}?(?:intégré\w*|integrad\w*|integrat\w*|integriert\w*"
        r"|embedded|embed\w*|osadzon\w*|zintegrowan\w*|eingebettet\w*|встроен\w*|интегрир\w*"
        r"|incorporad\w*|gömülü|entegre|tertanam|terintegrasi)(?!\w)"
    )
)
# Round 31: a tool turned down by a negated verb after it, where the object comes first
# ("Zoom installier ich nicht", "Zooma nie instaluję", "Zoom не ставлю", "Zoom kullanmıyorum",
# "Zoom install nahi karunga")
_TOOL_REFUSED_AFTER = re.compile(
    fold(
        r"\s+(?:(?:installier|lad|benutz|nutz|mag|will|hab|verwend)\w* (?:ich|wir) (?:\w+ )?"
        r"(?:nicht|nie|ungern)|nie (?:instaluj|używam|uzywam|mam|lubi|chcę)\w*"
        r"|не (?:став|устан|пользу|люб|хочу|качаю|скачива)\w*"
        r"|(?:kullanmıyorum|kullanmam|indirmem|indirmiyorum|yüklemem|yüklemiyorum|sevmiyorum)"
        r"|(?:install|download|use|istemal) (?:nahi|nahin|नहीं))(?!\w)"
    )
)
# Round 31: a "but" after the tool, then the platform kept ("Wiem, że Zoom jest wygodny, ale
# zostańmy przy wideorozmowie na platformie", "Zoom es cómodo, pero quedémonos en la
# plataforma"): the tool granted, then turned down
# (the words of "but" are ``_BUT``'s, above)
_BUT_SPAN = 60  # characters after the tool its "but" may start in


def _but_kept_here(s: str, end: int) -> bool:
    """A "but" within ``_BUT_SPAN`` characters after ``end`` (in the same sentence), then a
    phrase that keeps things on the platform in what follows it in that sentence."""
    # (a sentence cut near the tool: a long message naming it many times stays linear)
    sent, start = _near_sentence(s, end - 1, end, after=_BUT_SPAN + _ANSWER_CLAUSE)
    stop = start + len(sent)
    but = _BUT.search(s, end, min(stop, end + _BUT_SPAN))
    if but is None:
        return False
    after = s[but.end() : stop]
    return lx.KEEP_HERE_RE.search(after) is not None or lx.HOME_RE.search(after) is not None


# A possessive after the means (Tagalog "sa gcash ko"): the writer's own account.
_MINE_AFTER = re.compile(r"\s+ko(?!\w)")


def _pay_outside(views: Views) -> Finding | None:
    """Paying, in any language, paired in the same sentence with a place off the platform
    ("pay me outside the site", "págame por fuera", "platform disinda oderseniz") or with
    saving the fee ("to save the commission", "oszczędzimy na prowizji", "نوفر العمولة")."""
    s = views.norm.s
    words = views.words
    has_outside = lx.OUTSIDE_GATE.may_match(s, words) and lx.OUTSIDE_ANY.search(s, words)
    fee_gate = lx.FEE_GATE.may_match(s, words)  # asked once, used twice below
    has_fee = (
        fee_gate
        and ("%" in s or lx.SAVE_GATE.may_match(s, words))
        and lx.FEE_RE.search(s) is not None
        and lx.SAVE_RE.search(s) is not None
    )
    found = None
    if has_outside or has_fee:
        found = _pay_anchored(views, s)
    if found is None and has_outside:
        found = _discount_outside(views, s)
    if (
        found is None
        and fee_gate
        and (has_outside or lx.SELF_GATE.may_match(s, words) or _TO_ME.search(s) is not None)
    ):
        found = _fee_place(views, s)
    if found is None and "%" in s:
        found = _platform_cut(views, s)
    if found is None:
        found = _discount_aside(views, s)
    if found is None:
        found = _pay_usual(views, s)
    if found is None and fee_gate and lx.EVADE_GATE.may_match(s, words):
        found = _evade_fee(views, s)
    return found


def _pay_self(views: Views, s: str) -> Finding | None:
    """Paying or refunding the other party oneself, privately, out of one's own pocket, with
    the other party or the writer as the one paid in the clause ("lo demás te lo pago yo por mi
    cuenta", "ich zahl dich privat weiter", "ti rimborso io di tasca mia", "pay me yourself"):
    money moved between the two outside the platform. "I'll pay the hosting myself" names no
    party; a spec or a negated payment is no move."""
    if not lx.SELF_PAY_GATE.may_match(s, views.words):
        return None
    for i, own in enumerate(lx.SELF_PAY_RE.finditer(s)):
        if i >= _SELF_TRIES:
            break  # a long run of "myself" is no longer one request: linear time
        sent, start = sentence(s, own.start(), own.end())
        a, b = own.start() - start, own.end() - start
        clause_lo, clause_hi = _clause_span(sent, a, b)
        clause = sent[clause_lo:clause_hi]
        pays = [*lx.PAY_VERB_RE.finditer(clause), *lx.REFUND_RE.finditer(clause)]
        pay = next((p for p in pays if _party_beside(clause, p)), None)
        if pay is None:
            continue
        if _spec_talk(s, own.start(), own.end()):
            continue
        if _negation_before(_unconditional(sent), clause_lo + pay.start()):
            continue
        if _payment_kept_here(sent):
            continue
        lo = start + clause_lo + min(pay.start(), a - clause_lo)
        hi = start + clause_lo + max(pay.end(), b - clause_lo)
        return _op_finding(views, lo, hi, "pay:self", Confidence.OFF_PLATFORM_PAY)
    return None


def _third_party_pays(views: Views, s: str) -> Finding | None:
    """Money moved through someone close to a party: paid into or from a relative's, a
    roommate's or a firm's account, asked of the other party or offered to them ("Pode
    depositar na conta da minha namorada?", "kannst du das Geld an meinen Mitbewohner
    überweisen?", "he'll wire it from the business"). The sentence has a verb of paying and an
    account or the other party; a spec, a refusal or a payment kept here is not a move."""
    if not lx.ACCOUNT_GATE.may_match(s, views.words) or not lx.THIRD_PARTY_GATE.may_match(
        s, views.words
    ):
        return None
    for i, who in enumerate(lx.THIRD_PARTY_RE.finditer(s)):
        if i >= _SELF_TRIES:
            break
        sent, start = sentence(s, who.start(), who.end())
        pay = lx.PAY_VERB_RE.search(sent) or lx.PAY_METHOD_RE.search(sent)
        if pay is None or lx.ACCOUNT_RE.search(sent) is None:
            continue
        if "?" not in sent and not _party_beside(sent, pay):
            continue  # asked of the other party, or paying them ("will be paying you")
        if _negation_before(_unconditional(sent), pay.start()) or _spec_talk(
            s, who.start(), who.end()
        ):
            continue
        if _payment_kept_here(sent) or lx.PAY_PROJECT_NEG_RE.search(sent):
            continue
        a = min(who.start() - start, pay.start())
        hi = max(who.end() - start, pay.end())
        return _op_finding(views, start + a, start + hi, "pay:third_party", _EVADE_CONF)
    return None


def _bonus_outside(views: Views, s: str) -> Finding | None:
    """A bonus, a tip or a small gift of money with a place off the platform in its sentence
    ("te mando um agrado por fora, sem passar pelo app", "an extra hundred on the side, won't
    go through this app", "مكافأة زيادة من عندي بعيد عن التطبيق"). The platform's own bonus
    button kept ("send the bonus through the site, not outside") is no move."""
    if not lx.BONUS_GATE.may_match(s, views.words) or not lx.OUTSIDE_GATE.may_match(s, views.words):
        return None
    for i, bonus in enumerate(lx.BONUS_RE.finditer(s)):
        if i >= _SELF_TRIES:
            break
        sent, start = sentence(s, bonus.start(), bonus.end())
        place = lx.OUTSIDE_RE.search(sent)
        if place is None:
            continue
        if _negated_place(sent, place) or _payment_kept_here(sent):
            continue
        if _spec_talk(s, bonus.start(), bonus.end()) or _product_sentence(
            s, bonus.start(), bonus.end()
        ):
            continue
        if _negation_before(_unconditional(sent), bonus.start() - start):
            continue
        a = start + min(bonus.start() - start, place.start())
        b = start + max(bonus.end() - start, place.end())
        return _op_finding(views, a, b, "pay:bonus", Confidence.OFF_PLATFORM_PAY)
    return None


# Round 24: a link that takes a payment ("paypal.me/julienmotion", "buy.stripe.com/…",
# "revolut.me/x", "wise.com/pay/…"): the link is where to pay, with or without a verb.
# Every payment host with the path it takes; "link.mercadopago.com" also under a country's
# ending ("link.mercadopago.com.ar"). The regex reads a spoken dot as a dot; the cheap test
# before it (a substring of the text with its spoken dots typed) is the same list.
_PAYMENT_LINK_HOSTS = (
    "paypal.me", "paypal.com/paypalme", "paypal.com/donate", "paypal.com/pools",
    "buy.stripe.com", "checkout.stripe.com", "donate.stripe.com", "revolut.me", "wise.com/pay",
    "venmo.com", "cash.app", "ko-fi.com", "buymeacoffee.com", "mpago.la", "link.mercadopago.com",
    "razorpay.me", "rzp.io", "paystack.com/pay", "monzo.me", "bunq.me", "paytm.me", "qiwi.com/n",
    "yoomoney.ru/to", "trakteer.id", "saweria.co", "sociabuzz.com", "lydia-app.com",
    "pay.sumup.com", "square.link", "squareup.com/pay",
)  # fmt: skip
_D = "[.\ue001\ue002]"
_PAYMENT_LINK_RE = re.compile(
    r"(?<![\w.\ue001\ue002/@-])(?:https?://)?(?:www"
    + _D
    + r")?(?:"
    + "|".join(re.escape(host).replace(r"\.", _D) for host in _PAYMENT_LINK_HOSTS)
    + r")(?:(?<=mercadopago"
    + _D
    + r"com)"
    + _D
    + r"[a-z]{2})?/[^\s,;!?)»\]]+"
)
_PAYMENT_LINK_SCAN = StartScan(_PAYMENT_LINK_RE)


def _payment_link(views: Views) -> Finding | None:
    """A payment link the message gives, unless it is talk about a product being built."""
    d = views.deob
    if "/" not in d.s:
        return None
    dotted = d.s.replace(lx.WORD_DOT, ".").replace(lx.WEAK_DOT, ".")
    if not any(host in dotted for host in _PAYMENT_LINK_HOSTS):
        return None
    m = next(iter(_PAYMENT_LINK_SCAN.finditer(d.s)), None)
    if m is None:
        return None
    s = views.norm.s
    a = views.norm.first_at(d.orig_start(m.start()))
    b = max(a + 1, views.norm.first_at(d.span(m.start(), m.end())[1]))
    if _spec_talk(s, a, b) or _product_sentence(s, a, b) or _negated(s, a, b):
        return None
    start, end = d.span(m.start(), m.end())
    return Finding(
        "off_platform", start, end, views.text[start:end], "pay:link", Confidence.OFF_PLATFORM_PAY
    )


# Round 24: two prices, one of them beside a place off the platform or a means of paying
# ("тут 5000, а если напрямую мимо сайта — 4200", "1.900 € hier über die Plattform, 1.650 €
# wenn du per Revolut direkt zahlst", "٣٥٠ دولار، بس لو حولت باي بال تصير ٣٠٠"): the
# cheaper way out is offered, whatever else keeps the first price here.
_AMOUNT_RE = re.compile(
    r"(?<![\w.,/#])(?<!\d[\s-])(?:[$€£₹₺₽]\s?)?(?:[1-9]\d{0,2}(?:[.,]\d{3})+|[1-9]\d{1,5})"
    r"(?:[.,]\d{2})?"
    r"(?:\s?(?:[$€£₹₺₽]|eur\w*|usd|dolar\w*|dollar\w*|دولار|ريال|جنيه|درهم|руб\w*|zl|zł|tl"
    r"|lira|rs|rupe\w*|रुपये|reais|pesos?))?(?![\d%/])(?![\s-]\d)"
)
_CONTRAST_REACH = 40
_OTHER_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f]")


def _price_contrast(views: Views, s: str, findings: list[Finding]) -> Finding | None:
    outside = lx.OUTSIDE_GATE.may_match(s, views.words)
    method = lx.PAY_METHOD_GATE.may_match(s, views.words)
    if not (outside or method):
        return None
    if not (has_digits(s, 4) or _OTHER_DIGIT.search(s)) or any(
        f.label in ("phone", "email") for f in findings
    ):
        return None  # a number or an address: the identifier rules speak for it
    amounts = list(itertools.islice(_AMOUNT_RE.finditer(s), _CONTRAST_AMOUNTS))
    if len(amounts) < 2 or len(amounts) >= _CONTRAST_AMOUNTS:
        return None  # one price, or a table of them (a quote, an invoice)
    lo = max(0, amounts[0].start() - _CONTRAST_REACH)
    hi = min(len(s), amounts[-1].end() + _CONTRAST_REACH)
    ways = [
        *(lx.OUTSIDE_RE.finditer(s, lo, hi) if outside else ()),
        *(lx.PAY_METHOD_RE.finditer(s, lo, hi) if method else ()),
    ]
    for amount in amounts:
        way = next(
            (
                w
                for w in ways
                if w.start() < amount.end() + _CONTRAST_REACH
                and w.end() > amount.start() - _CONTRAST_REACH
            ),
            None,
        )
        if way is None:
            continue
        sent, start = sentence(s, way.start(), way.end())
        if _spec_talk(s, way.start(), way.end()) or _product_sentence(s, way.start(), way.end()):
            return None
        if _negation_before(_unconditional(sent), way.start() - start):
            continue
        a, b = min(amount.start(), way.start()), max(amount.end(), way.end())
        return _op_finding(views, a, b, "pay:cheaper_outside", Confidence.OFF_PLATFORM_PAY)
    return None


_CONTRAST_AMOUNTS = 5


# Round 24: the order here cancelled, with a direct way or cash in the message ("заключить
# договор напрямую с нашим юрлицом, а заказ здесь отменить", "نتقابل وادفعلك كاش ونلغي
# الاوردر من هنا"): the deal leaves the platform.
_CANCEL_RE = re.compile(
    fold(
        r"(?<!\w)(?:cancel\w*|cancela\w*|annul\w*|stornier\w*|storno\w*|anul\w*|отмен\w*"
        r"|रद्द|و?(?:الغ\w*|نلغي|نلغى|يلغي|تلغي|الغاء|إلغاء)|iptal|batal\w*|i-cancel\w*|kansel\w*)"
        r"(?!\w)"
    )
)
_ORDER_RE = re.compile(
    fold(
        r"(?<!\w)(?:order|contract|offer|job|project|milestone|pedido|orden|contrato|oferta"
        r"|proyecto|encomenda|commande|contrat|mission|auftrag\w*|vertrag\w*|ordine|contratto"
        r"|zleceni\w*|zamówieni\w*|umow\w*|umów\w*|заказ\w*|договор\w*|сделк\w*|ऑर्डर"
        r"|कॉन्ट्रैक्ट|الاوردر|الأوردر|الطلب|العقد|sipari\w*|teklif\w*|sözleşme\w*|pesanan"
        r"|kontrak|proyek|kontrata)(?!\w)"
    )
)
_CANCEL_SCAN = StartScan(_CANCEL_RE)
_CANCEL_REACH = 40


def _cancel_here(views: Views, s: str) -> Finding | None:
    if not (
        lx.OUTSIDE_GATE.may_match(s, views.words) or lx.PAY_METHOD_GATE.may_match(s, views.words)
    ):
        return None
    for cancel in itertools.islice(_CANCEL_SCAN.finditer(s), _CONTACT_TRIES):
        lo, hi = max(0, cancel.start() - _CANCEL_REACH), cancel.end() + _CANCEL_REACH
        if _ORDER_RE.search(s, lo, hi) is None or lx.HERE_RE.search(s, lo, hi) is None:
            continue
        sent, start = sentence(s, cancel.start(), cancel.end())
        if _negation_before(sent, cancel.start() - start) or _told_of_the_past(sent):
            continue
        way = lx.OUTSIDE_RE.search(s) or lx.PAY_METHOD_RE.search(s)
        if way is None or _negated(s, way.start(), way.end()):
            continue
        if _spec_talk(s, cancel.start(), cancel.end()):
            return None
        a, b = min(cancel.start(), way.start()), max(cancel.end(), way.end())
        if b - a > _CANCEL_SPAN:
            a, b = cancel.start(), cancel.end()
        return _op_finding(views, a, b, "pay:cancel_here", Confidence.OFF_PLATFORM_PAY)
    return None


_CANCEL_SPAN = 200


# Round 24: a place named by the fee it lacks ("seguir por donde no cobran comisión", "là où
# y'a pas de commission", "wo keine Gebühr anfällt", "tam gdzie nie ma opłaty", "jahan
# commission nahi lagta", "komisyon olmayan yerden", "yang gak ada potongan", "sa walang
# fee"): a word of "where" and a negation with a fee word in a few words, either order.
_WHERE = (
    r"(?:where|donde|onde|la ou|wo|dove|gdzie|где|туда где|jahan|jaha|jahaan|जहाँ|जहां"
    r"|حيث|مكان ما|مكان|وين|di mana|ke mana|tempat|kung saan|saan)"
)
_NO = (
    r"(?:no|not|isn'?t|aren'?t|there'?s no|without|sin|nao|sem|pas|y'a pas|sans|kein\w*|ohne"
    r"|non|senza|nie|bez|нет|не|без|nahi|nahin|नहीं|नही|بدون|لا|ما فيه?|مفيش|مافي|مافيه"
    r"|gak|ga|nggak|tidak|tanpa|walang|hindi)"
)
_WHERE_RE = re.compile(r"(?<!\w)" + _WHERE + r"(?!\w)")
_WHERE_SCAN = StartScan(_WHERE_RE)
_NEGATION_IN_FEE_SPAN = re.compile(r"(?<!\w)" + _NO + r"(?!\w)")
# Verb-final languages: the fee, then a word of "none", then the place ("komisyon olmayan
# yerden", "potongan yang gak ada").
_NO_FEE_PLACE_RE = re.compile(
    r"(?<!\w)(?:komisyon|kesinti|ucret)\w*\s+(?:\S+\s+)?(?:olmayan|yok|alinmayan|kesilmeyen)"
    r"\s+(?:yer|taraf|yol)\w*"
    r"|(?<!\w)(?:tempat|platform|aplikasi|app)\s+(?:lain\s+)?yang\s+(?:gak|ga|nggak|tidak|tanpa)"
    r"\s+(?:ada\s+)?(?:fee|potongan|komisi|biaya)"
    r"|(?<!\w)sa\s+walang\s+(?:fee|bawas|komisyon|kaltas|charge)"
)
_NO_FEE_PLACE_SCAN = StartScan(_NO_FEE_PLACE_RE)


def _where_no_fee(views: Views, s: str) -> Finding | None:
    """A move to the place where no fee is taken: the fee word within a few words of a word
    of "where" and a negation. "Here, where there are no hidden fees" keeps it here."""
    if not lx.FEE_GATE.may_match(s, views.words):
        return None
    for m in _NO_FEE_PLACE_SCAN.finditer(s):
        return _op_finding(
            views, m.start(), m.end(), "pay:no_fee_place", Confidence.OFF_PLATFORM_PAY
        )
    for m in _WHERE_SCAN.finditer(s):
        fee = lx.FEE_RE.search(s, m.end(), m.end() + _WHERE_FEE_SPAN)
        if fee is None:
            continue
        if _NEGATION_IN_FEE_SPAN.search(s, m.end(), min(len(s), fee.end() + 12)) is None:
            continue  # a negation between, or right after the fee ("jahan commission nahi")
        if lx.HERE_RE.search(s, max(0, m.start() - 20), m.start()) is not None:
            continue  # "here, where there are no hidden fees"
        if _product_sentence(s, m.start(), fee.end()) or _spec_talk(s, m.start(), fee.end()):
            continue
        return _op_finding(
            views, m.start(), fee.end(), "pay:no_fee_place", Confidence.OFF_PLATFORM_PAY
        )
    return None


_WHERE_FEE_SPAN = 40


def _party_beside(clause: str, pay: re.Match[str]) -> bool:
    """The other party or the writer as the one paid: a person word right after the verb
    ("pay me", "zahl dich", "rimborso io"), or an object clitic right before it ("te lo pago",
    "ti rimborso", "mi paghi", "te payer"); a subject before it ("you can pay") is not."""
    if lx.TO_YOU_RE.search(clause, pay.end(), pay.end() + _PARTY_SPAN) is not None:
        return True
    before = clause[max(0, pay.start() - _PARTY_SPAN) : pay.start()]
    return any(m.group() not in _SUBJECTS for m in lx.TO_YOU_RE.finditer(before))


_PARTY_SPAN = 16
_SELF_TRIES = 4
_SUBJECTS = frozenset("you u vous kamu anda ka i".split())
# A negation inside an "if" clause ("si no te gusta, te devuelvo", "se non ti convince", "kung
# di mo magustuhan") states a condition, not a refusal: blanked before negation checks.
_IF_NOT = re.compile(
    # ("لو سمحت" is "please", no condition)
    r"(?<!\w)(?:if|si|se|wenn|falls|jesli|jeśli|если|agar|eger|eğer|kalau|jika|kung"
    r"|لو(?!\s+سمحت)|اذا|إذا)"
    r"(?:\s+\S+){0,4}?\s+(?:not|no|non|ne|nicht|nie|не|nahi|degil|değil|tidak|di|hindi|ما|لا"
    # round 28: English contractions and a longer subject ("if you don't like it", "se la
    # traduzione in tedesco non ti convince")
    r"|(?:do|does|did|is|are|was|were|wo|ca)n'?t)(?!\w)"
)


def _unconditional(sent: str) -> str:
    return _IF_NOT.sub(lambda m: " " * len(m.group()), sent)


def _evade_fee(views: Views, s: str) -> Finding | None:
    """The platform's fee, and a way around it asked for or proposed in the same or the next
    sentence, with no verb of paying ("essa comissão é um absurdo, tem como a gente fugir
    dela?", "leur commission c'est du vol, y a pas moyen de s'en passer ?", "bu komisyon çok
    fazla, bi yolu yok mu"). Not a bank's or a card's fee, not a spec, not a way
    around it turned down ("the fee can't be avoided")."""
    for fee in _FEES.finditer(s):
        if lx.OTHER_FEE_RE.search(s, max(0, fee.start() - 25), fee.end() + 25):
            continue  # "the bank's conversion fee", "withdrawal fee"
        sent, start = sentence(s, fee.start(), fee.end())
        end = start + len(sent)
        nxt = sentence(s, end, end + 1)[0] if end < len(s) else ""
        region = sent + " " + nxt
        evade = lx.EVADE_RE.search(region)
        if evade is None or _spec_talk(s, fee.start(), fee.end()):
            continue
        question = "?" in region or _YES_NO_PARTICLE.search(region) is not None
        if not question and lx.WAY_RE.search(region) is None:
            continue
        if not question and _negation_before(region, evade.start()):
            continue  # "la comisión no se puede evitar": the way around denied
        if lx.KEEP_HERE_RE.search(region) or lx.PAY_PROJECT_NEG_RE.search(region):
            continue
        b = start + evade.end() if evade.start() < len(sent) else end
        return _op_finding(views, fee.start(), max(b, fee.end()), "pay:evade_fee", _EVADE_CONF)
    return None


_YES_NO_PARTICLE = re.compile(r"(?<!\w)(?:mu|mi|mı|mü|ba|kah|ga)(?!\w)")
_EVADE_CONF = Confidence.OFF_PLATFORM_PAY


def _fee_place(views: Views, s: str) -> Finding | None:
    """The platform's fee named, and a place off the platform or settling it "ourselves" in
    the same or the next sentence, with no verb of paying ("the commission is high, keep it
    between us", "the admin charge is a joke, let's sort it amongst ourselves",
    "la commissione è alta, teniamolo tra noi"). "Directly" alone is not enough here: fees are
    "deducted directly" in product talk."""
    for fee in _FEES.finditer(s):
        sent, sent_start = sentence(s, fee.start(), fee.end())
        end = sent_start + len(sent)
        if end < len(s):
            end = sent_start + len(sent) + len(sentence(s, end + 1, end + 1)[0]) + 1
        region = s[sent_start:end]
        places = list(lx.OUTSIDE_RE.finditer(region))
        # "Ourselves" or "pay me" settle the platform's own fee only: costs the parties carry
        # ("we'll cover the hosting charges ourselves") are no move.
        if _platform_fee(sent, fee.start() - sent_start):
            places.extend(lx.SELF_RE.finditer(region))
            places.extend(_paid_to_me(region))
        for place in places:
            if lx.DIRECT_WORD_RE.fullmatch(place.group()) or _party_list(region, place):
                continue
            if _contract_scope(region, place) or _aside_between(region, place):
                continue
            if (
                _beside_outside(lx.KEEP_HERE_RE, region)
                or _beside_outside(lx.PAY_PROJECT_NEG_RE, region)
                or _beside_outside(lx.SPEC_RE, region)
            ):
                return None
            psent, psent_start = sentence(s, sent_start + place.start(), sent_start + place.end())
            if _negation_before(psent, sent_start + place.start() - psent_start):
                continue
            if any(
                t.rstrip().endswith("?") and _ALTERNATIVE.search(t) is not None
                for t in (sent, psent)
            ):
                continue  # "is the fee charged to me or taken from your earnings?": asked which
            a = min(fee.start(), sent_start + place.start())
            b = max(fee.end(), sent_start + place.end())
            return _op_finding(views, a, b, "pay:fee", Confidence.OFF_PLATFORM_PAY)
    return None


def _platform_cut(views: Views, s: str) -> Finding | None:
    """The platform's cut stated as a share ("the site keeps 20 %", "la página se queda con un
    20%", "20% kinukuha ng site"), then, in the rest of that sentence or the next one, a means
    of paying, a payment to the writer or a place off the platform ("si me pagas por Bizum",
    "transfer ke dana aku aja"): paying around the cut. Paying through the platform, here,
    or talk of a product or its users in that stretch vetoes it."""
    cuts: list[re.Match[str]] = []
    at = s.find("%")
    while at != -1:  # the share's "%" anchors the search: only the text around it is read
        cut = lx.CUT_RE.search(s, max(0, at - 90), min(len(s), at + 70))
        if cut is not None and (not cuts or cut.start() >= cuts[-1].end()):
            cuts.append(cut)
        at = s.find("%", at + 1)
    for cut in cuts:
        sent, sent_start = sentence(s, cut.start(), cut.end())
        end = sent_start + len(sent)
        if end < len(s):
            end = end + len(sentence(s, end + 1, end + 1)[0]) + 1
        region = s[cut.end() : end]
        evidence = [
            *_ME_VERB.finditer(region),
            *lx.PAY_METHOD_RE.finditer(region),
            *_paid_to_me(region),
            # with the cut named, "transfer" is money ("transfer ke dana aku aja")
            *(_TRANSFER.finditer(region) if _TO_ME.search(region) else ()),
            *lx.OUTSIDE_RE.finditer(region),
        ]
        if not evidence:
            continue
        if (
            lx.KEEP_HERE_RE.search(region)
            or lx.HERE_RE.search(region)
            or lx.PLATFORM_WORD_RE.search(region)
            or lx.PAY_PROJECT_NEG_RE.search(region)
            or lx.SPEC_RE.search(region)
        ):
            return None
        first = min(evidence, key=lambda m: m.start())
        at = cut.end() + first.start()
        esent, esent_start = sentence(s, at, at)
        if _negation_before(esent, at - esent_start):
            continue
        return _op_finding(
            views, cut.start(), at + len(first.group()), "pay:cut", Confidence.OFF_PLATFORM_PAY
        )
    return None


# Arabic imperatives with "to me" attached: "حوّلي" (transfer to me), "ابعتلي", "ادفعلي".
_ME_VERB = re.compile(r"(?<!\w)(?:حولي|حوللي|حولهالي|ابعتلي|ابعتهولي|ادفعلي|ارسلي|ارسللي)(?!\w)")
_TRANSFER = re.compile(r"(?<!\w)(?:transf\w*|tf)(?!\w)")


# "Outside the contract" said of work or its scope ("the fee for work outside the contract
# scope", "la tarifa por trabajo fuera del contrato"): a change of scope priced as usual, not
# a deal kept off the platform.
_CONTRACT_WORD = re.compile(
    r"contra|vertrag|umow|контракт|kontrak|sozlesme|sözleşme|عقد|अनुबंध|कॉन्ट्रैक्ट"
)
_SCOPE_WORD = re.compile(
    r"(?<!\w)(?:work|tasks?|scope|jobs?|requests?|trabajos?|tareas?|alcance|trabalhos?|tarefas?"
    r"|escopo|travail|travaux|taches?|tâches?|perimetre|périmètre|arbeit\w*|leistung\w*|umfang"
    r"|lavor\w*|attivita|attività|ambito|prac\w*|zakres\w*|работ\w*|задач\w*|объ[её]м\w*"
    r"|kaam|काम|عمل|أعمال|isler|kapsam\w*|pekerjaan|kerja|lingkup|trabaho|saklaw)(?!\w)"
)


def _contract_scope(region: str, place: re.Match[str]) -> bool:
    """``place`` names the contract, and work or a scope is named right beside it."""
    if _CONTRACT_WORD.search(place.group()) is None:
        return False
    near = region[max(0, place.start() - 20) : place.end() + 12]
    return _SCOPE_WORD.search(near) is not None


# "Between us," opening a sentence or clause, alone or after "just", "but"...: "to tell you
# the truth" ("Between us, the client is difficult, but the fee is fair"), no deal.
_ASIDE_OPENING = re.compile(r"(?:^|[.!?;:,]|\b(?:just|only|but|and|so|ok|okay|well))\s*$")


def _aside_between(region: str, place: re.Match[str]) -> bool:
    """``place`` is "between us" said as an aside: at a sentence's or clause's start and
    followed by a comma."""
    if lx.BETWEEN_RE.fullmatch(place.group()) is None:
        return False
    if not region.startswith(",", place.end()):
        return False
    return _ASIDE_OPENING.search(region, max(0, place.start() - 12), place.start()) is not None


def _platform_fee(sent: str, at: int) -> bool:
    """The fee at ``sent[at:]`` is the platform's: the platform, the site or "here" is named
    in its sentence, or the fee is a service or admin charge ("the site's admin charge", "the
    service fee")."""
    return bool(
        lx.PLATFORM_WORD_RE.search(sent)
        or lx.HERE_RE.search(sent)
        or lx.SERVICE_FEE_RE.search(sent, max(0, at - 12), at + 30)
    )


def _paid_to_me(region: str) -> list[re.Match[str]]:
    """Verbs of paying aimed at the writer in ``region`` ("überweis es mir", "mándame la
    plata a mí"): with the platform's fee named, paying the writer instead."""
    if _TO_ME.search(region) is None:
        return []
    return [m for m in lx.PAY_ANY_RE.finditer(region) if not _SEND_ONLY.fullmatch(m.group())]


# A verb of sending alone is no money ("send the files the usual way").
_SEND_ONLY = re.compile(
    r"send|sending|envia|manda|envoie|скин\w*|bhej\w*|kirim\w*|ابعت\w*|transfer|de do"
    # round 21: an invoice is no money sent ("same invoice format as last time", "the fee shows
    # on the platform's invoice"), for every rule that reads money words through this
    r"|invoice"
)


def _pay_usual(views: Views, s: str) -> Finding | None:
    """Money sent "the usual way" ("send the payment the usual way", "mandami i soldi come al
    solito", "bayarnya kayak biasa"): a means of paying the parties already share, which
    cannot be the platform's (a keep-here word in the sentence vetoes it)."""
    if not lx.USUAL_GATE.may_match(s, views.words):
        return None
    for usual in lx.USUAL_RE.finditer(s):
        sent, sent_start = sentence(s, usual.start(), usual.end())
        money = next(
            (m for m in lx.PAY_ANY_RE.finditer(sent) if not _SEND_ONLY.fullmatch(m.group())),
            None,
        )
        end = sent_start + len(sent)
        if money is None and end < len(s) and len(sent.split()) <= _USUAL_QUESTION_WORDS:
            # "On fait comme la dernière fois ? Tu me règles de ton côté": a short question
            # naming the usual way, then the money in the next sentence
            sent = sent + s[end : end + len(sentence(s, end, end + 1)[0])]
            money = next(
                (m for m in lx.PAY_ANY_RE.finditer(sent) if not _SEND_ONLY.fullmatch(m.group())),
                None,
            )
        if money is None and lx.LOGIN_RE.search(sent) is None:
            money = lx.BANK_ACCOUNT_RE.search(sent)
        if money is None:
            continue
        if (
            lx.KEEP_HERE_RE.search(sent)
            or lx.HERE_RE.search(sent)
            or lx.PAY_PROJECT_NEG_RE.search(sent)
            or lx.SPEC_RE.search(sent)
            or _beside_outside(lx.PLATFORM_WORD_RE, sent)
        ):
            continue
        if _negation_before(sent, min(money.start(), usual.start() - sent_start)):
            continue
        a = min(usual.start(), sent_start + money.start())
        b = max(usual.end(), sent_start + money.end())
        return _op_finding(views, a, b, "pay:usual", Confidence.OFF_PLATFORM_PAY)
    return None


_USUAL_QUESTION_WORDS = 6


# The writer as the one paid: "pay me", "mi paghi", "zapłacisz mi", "bana ödersen", "मुझे".
_TO_ME = re.compile(
    r"(?<!\w)(?:me|mi|mnie|мне|bana|mujhe|ako|akin|saya|aku|moi|mir|mich|لي|मुझे)(?!\w)"
)


def _discount_aside(views: Views, s: str) -> Finding | None:
    """Paying "separately" for a lower price or to spare the platform's fee, in one sentence
    ("se mi paghi a parte ti faccio un prezzo migliore", "jak zapłacisz mi osobno, będzie
    taniej", "schick mir das Trinkgeld separat, hier zieht die Plattform was ab")."""
    if not lx.ASIDE_GATE.may_match(s, views.words) or not (
        lx.DISCOUNT_GATE.may_match(s, views.words) or lx.FEE_GATE.may_match(s, views.words)
    ):
        return None
    for aside in lx.ASIDE_RE.finditer(s):
        sent, sent_start = sentence(s, aside.start(), aside.end())
        deal = lx.DISCOUNT_RE.search(sent)
        fee = lx.FEE_RE.search(sent) if deal is None else None
        pay = lx.PAY_ANY_RE.search(sent)
        if (deal is None and fee is None) or pay is None:
            continue
        if deal is not None and _TO_ME.search(sent) is None:
            continue  # a lower price only for a payment to the writer ("pay me separately")
        if deal is None and not _pay_beside(sent, aside.start() - sent_start):
            continue  # "show the platform fee and the VAT line separately": not paid aside
        deal = deal or fee
        assert deal is not None
        if lx.KEEP_HERE_RE.search(sent) or lx.PAY_PROJECT_NEG_RE.search(sent):
            continue
        if _negation_before(sent, min(deal.start(), pay.start())):
            continue
        a = min(aside.start(), sent_start + pay.start())
        b = max(aside.end(), sent_start + deal.end())
        return _op_finding(views, a, b, "pay:aside", Confidence.OFF_PLATFORM_PAY)
    return None


def _pay_beside(sent: str, at: int) -> bool:
    """A word of paying in the clause of the aside word at ``sent[at:]``, at most
    ``_ASIDE_WORDS`` words from it ("send me the tip separately", "tip alag se bhej dena")."""
    for pay in lx.PAY_ANY_RE.finditer(sent):
        lo, hi = sorted((pay.end(), at))
        between = sent[lo:hi]
        if _CLAUSE_BREAK.search(between) is None and len(between.split()) <= _ASIDE_WORDS:
            return True
    return False


_ASIDE_WORDS = 6


def _discount_outside(views: Views, s: str) -> Finding | None:
    """A lower price offered for doing it off the platform, with no verb of paying ("a
    discount if we sort it out outside the site", "скидка, если мимо биржи")."""
    if not lx.DISCOUNT_GATE.may_match(s, views.words):
        return None
    # Each sentence is read once, whatever the number of places in it (linear in long text).
    sent, sent_start, sent_end, deal = "", 0, -1, None
    for place in lx.OUTSIDE_RE.finditer(s):
        if place.start() >= sent_end:
            sent, sent_start = sentence(s, place.start(), place.end())
            sent_end = sent_start + len(sent)
            deal = lx.DISCOUNT_RE.search(sent)
            if deal is not None and (
                _beside_outside(lx.KEEP_HERE_RE, sent)
                or _beside_outside(lx.PAY_PROJECT_NEG_RE, sent)
            ):
                deal = None
        if deal is None:
            continue
        if _negation_before(_unconditional(sent), min(deal.start(), place.start() - sent_start)):
            continue
        a = min(place.start(), sent_start + deal.start())
        b = max(place.end(), sent_start + deal.end())
        return _op_finding(views, a, b, "pay:discount", Confidence.OFF_PLATFORM_PAY)
    return None


def _pay_anchored(views: Views, s: str) -> Finding | None:
    """A verb or means of paying with a place off the platform or saving the fee."""
    checked = -1
    for anchor in lx.PAY_ANY_RE.finditer(s):
        sent, sent_start = sentence(s, anchor.start(), anchor.end())
        if sent_start == checked:
            continue
        checked = sent_start
        # The place (or the fee saved) first: most sentences have none, and then no veto
        # needs looking for.
        place = _place(sent)
        if place is None:
            fee = lx.FEE_RE.search(sent)
            if fee is None or lx.SAVE_RE.search(sent) is None:
                continue
            if not _saving_named(sent, fee):
                continue  # "show the platform fee (20%) on the invoice": the share is the fee's
            if lx.HERE_RE.search(sent) is not None:
                continue  # "the site takes 20%, so my quote here covers the fee": no saving
            place = fee
        if _beside_outside(lx.KEEP_HERE_RE, sent) or _beside_outside(lx.PAY_PROJECT_NEG_RE, sent):
            continue
        if _beside_outside(lx.SPEC_RE, sent):
            continue
        if _negation_before(_unconditional(sent), anchor.start() - sent_start):
            continue
        a = min(anchor.start(), sent_start + place.start())
        b = max(anchor.end(), sent_start + place.end())
        return _op_finding(views, a, b, "pay:outside", Confidence.OFF_PLATFORM_PAY)
    return None


def _saving_named(sent: str, fee: re.Match[str]) -> bool:
    """A saving in ``sent`` besides the fee: a saving word, or a "%" that is not the fee's own
    share ("the 20% fee", "platform fee (20%)", "potongan platform 20%")."""
    for m in lx.SAVE_RE.finditer(sent):
        if m.group() != "%":
            return True
        if not (fee.start() - 16 <= m.start() <= fee.end() + 16):
            return True
    return False


def _party_list(s: str, place: re.Match[str]) -> bool:
    """``place`` ("between us") is followed by a third party ("between us and the payment
    processor"): a list of who shares something, not a deal kept between the two parties."""
    return (
        lx.PARTY_LIST_RE.match(s, place.end()) is not None
        and lx.BETWEEN_RE.fullmatch(place.group()) is not None
    )


def _place(sent: str) -> re.Match[str] | None:
    """The first place off the platform in ``sent`` that is no list of parties and is not
    itself negated ("pague pelo site, não por fora")."""
    return next(
        (
            m
            for m in lx.OUTSIDE_RE.finditer(sent)
            if not _party_list(sent, m)
            and not _negated_place(sent, m)
            and not _direct_offer(sent, m)
        ),
        None,
    )


# A place word followed by the thing it lies inside: "elsewhere in this thread", "en otro lugar
# del documento", "ailleurs dans le CSS", "في مكان ثاني من الملف". Prepositions per language;
# Arabic glues its article to the noun, Turkish and Hindi put the thing before the place.
_PLACE_SCOPE = re.compile(
    r"\s+(?:in|on|of|within|inside|across|del|de la|de los|de las|dentro del?|en el|en la|en"
    r"|no|na|nos|nas|do|da|dos|das|du|des|dans|sur|im|in der|in dem|auf der|nel|nella|della"
    r"|dello|w|we|в|во|на|из|من|في|dalam|sa)\s+(?:(?:the|this|that|our|your|el|la|le|les"
    r"|lo|il|este|esta|ese|esa|ce|cette|cet|der|die|das|dem|den|этом|этой|этого|ang"
    r"|itu|ini)\s+)?(\w+(?:\s+\w+)?)"
)
# Things that are themselves off the platform or someone's own, beyond what ``_SELF_OUTSIDE``
# finds: "elsewhere on the internet", "w prywatnej", "en otro lugar de mi web".
_OUTSIDE_SCOPE = re.compile(
    r"(?<!\w)(?:internet|online|prywatn\w*|social\w*|redes|réseaux|reseaux|my|mi|mis|meu"
    r"|minha|mon|ma|mes|mein\w*|mio|mia|mój|moj\w*|мо[йеяи]\w*|mera|meri)(?!\w)"
)
# "direct" inflected as an adjective ("directa", "directe", "direktes") or before an offer
# names the platform's direct offer, not a way around it.
_DIRECT_ADJECTIVE = re.compile(
    r"(?:[aeo]s?|e[mnrs])(?!\w)|\s+(?:offers?|angebot\w*|oferta|offre|offerta|ofert\w*"
    r"|proposals?|hire|invites?)(?!\w)"
)
# A place that names an app, a platform, a chat or privacy is itself somewhere else.
_SELF_OUTSIDE = re.compile(r"app|apl|plat|chat|web|site|sitio|priv|личк|лично|خاص|تطبيق|منص|ऐप|एप")
# "another way" tried as a method: "koi aur tareeka try karte hain", "другой способ реализации".
_WAY_TRIED = re.compile(
    r"\s+(?:\w+\s+){0,1}(?:try|tried|aazma\w*|azma\w*|आजमा\w*|आजमा\w*|probar|intentar"
    r"|tentar|essayer|versuchen|provare|spróbowa\w*|попроб\w*|реализ\w*|dene\w*|coba\w*"
    r"|subukan)(?!\w)"
)


def _scoped_place(s: str, place: re.Match[str]) -> bool:
    """The place word names a spot inside a document, page or thread, or a way of doing the
    work, not somewhere else to talk: the thing named after it is neither outside the platform
    nor private, and no channel."""
    if place.group() in ("direct", "direkt") and _DIRECT_ADJECTIVE.match(s, place.end()):
        return True  # "una oferta directa", "ein direktes Angebot", "direct offer": a feature
    if _SELF_OUTSIDE.search(place.group()) is not None:
        return False  # "ibang app na lang", "privately on the app": the place is the move
    scope = _PLACE_SCOPE.match(s, place.end())
    if scope is not None:
        thing = scope.group(1)
        if (
            _OUTSIDE_SCOPE.search(thing) is None
            # "por fuera del sitio", "outside of the platform": the platform is what is left
            and lx.PLATFORM_WORD_RE.search(thing) is None
            and _SELF_OUTSIDE.search(thing) is None
        ) and not any(c != "elsewhere" and p.search(thing) for c, p in lx.CHANNEL_CATEGORIES):
            return True
    return _WAY_TRIED.match(s, place.end()) is not None


def _refused_channel(s: str, ch: re.Match[str]) -> bool:
    """A negation, then one verb, then the channel ("no tengo otra app", "I don't use
    WhatsApp"). A negation word right before the channel is not counted: Portuguese "no" is
    "in the" ("me chama no app verde") and German "'ne" is "a"."""
    before = s[max(0, ch.start() - 30) : ch.start()]
    for neg in lx.NEGATION_RE.finditer(before):
        if _REFUSING_VERB.fullmatch(before[neg.end() :]):
            return True
    return False


# Between a negation and the channel: one verb, with a clitic before it and a preposition after
# it ("no me paso a WhatsApp", "I don't move to Telegram", "non vado su Telegram").
_REFUSING_VERB = re.compile(
    r"\s+(?:(?:me|te|se|lo|la|le|nos|mi|ti|ci|vi|si|ne)\s+)?\w+\s+"
    r"(?:(?:a|al|en|na|no|para|pra|au|sur|su|on|to|auf|zu|na)\s+)?"
)


# A negation put after what it negates (Turkish "değil", Hindi "nahi", "नहीं").
_NEGATION_AFTER = re.compile(r"\s*,?\s*(?:degil|değil|nahi|nahin|नहीं|नही)(?!\w)")


def _negated_place(sent: str, place: re.Match[str]) -> bool:
    """A negation word right before the place (at most one word between: "não por fora",
    "not outside the platform", "pas en dehors") or a postposed one right after it
    ("platform ke bahar nahi"): the place is refused, not proposed. A negation inside the place
    ("não pelo site", "not through the platform") is part of it and does not count."""
    before = sent[max(0, place.start() - 24) : place.start()]
    for neg in lx.NEGATION_RE.finditer(before):
        if re.fullmatch(r"\s+(?:\w+\s+)?", before[neg.end() :]):
            return True
    return _NEGATION_AFTER.match(sent, place.end()) is not None


# Round 31: the platform as what a means is compared against ("c'est plus simple que passer
# par l'appli", "entspannter als über die Plattform", "быстрее, чем через сайт", "easier than
# going through the app"): a "than" said before it (after a comparative where "que" and "che"
# also mean "that"), or after it in the languages that say it after ("platform se zyada
# aasaan", "platformdan daha kolay"). The platform so named keeps nothing here.
_THAN_BEFORE = re.compile(
    fold(
        r"(?<!\w)(?:than|als|niż|чем|daripada|ketimbang|dibanding(?:kan)?|kaysa|kesa|keysa"
        r"|(?:plus|moins|mieux|menos|mejor|melhor|più|meno|meglio) (?:\w+ )?(?:que|qu'|do que"
        r"|che(?! altro)|di)|(?:es|é|sale|resulta|fica|seria|sería|c'est) (?:más|mais) \w+ (?:que"
        r"|do que)|plutôt que|rather than|instead of|statt|anstatt|invece che|invece di"
        r"|en vez de|en lugar de|em vez de|ao invés de|au lieu de|zamiast|вместо"
        r"|(?:أسهل|اسهل|أسرع|اسرع|أحسن|احسن|أرخص|ارخص|أفضل|افضل|أضمن|اضمن|أريح|اريح) من)"
        # (words up to the platform, not across a comma: "más fácil que pagar por PayPal,
        # pagamos por la plataforma" compares PayPal, not the platform)
        r"(?:\s+[^\s,;:]+){0,4}?\s*$"
    )
)
_THAN_AFTER = re.compile(
    fold(
        r"\s*(?:se|से) (?:zyada|jyada|ज्यादा|ज्यादा|behtar|बेहतर|aasaan|asaan|आसान|easy|sasta"
        r"|सस्ता|fast|jaldi|जल्दी)(?!\w)|(?<=[dt][ae]n) daha(?!\w)"
    )
)
_THAN_SPAN = 40  # characters before a place its "than" may end in


def _compared_against(sent: str, a: int, b: int) -> bool:
    """``sent[a:b]`` (the platform or here) is what something else is compared against."""
    if _THAN_BEFORE.search(sent, max(0, a - _THAN_SPAN), a) is not None:
        return True
    return _THAN_AFTER.match(sent, b) is not None


# Round 31: "here" negated after it, in German order ("dann machen wir den Vertrag hier gar
# nicht erst"): no keeping here. (A negation before it is left alone: "don't pay outside,
# only here" keeps it.)
_NICHT_AFTER = re.compile(r"\s+(?:gar |uberhaupt |erst )?(?:nicht|nie)(?!\w)")


def _here_negated(sent: str, m: re.Match[str]) -> bool:
    """The "here" (or keep-here phrase) ``m`` in ``sent`` is negated right after it, or is
    where a negated verb of paying pays ("we do not pay through this site")."""
    if _NICHT_AFTER.match(sent, m.end()) is not None:
        return True
    lo = max(0, m.start() - _NEG_PAY_SPAN)
    for neg in lx.NEGATION_RE.finditer(sent, lo, m.start()):
        between = _WORDS_BETWEEN.fullmatch(sent, neg.end(), m.start())
        if between is not None and lx.PAY_VERB_RE.search(between.group()) is not None:
            return True
    return False


_NEG_PAY_SPAN = 30  # characters before the platform a negated "pay" may start in
_WORDS_BETWEEN = re.compile(r"(?:\s+[^\s,;:.!?]+){1,3}\s*")


def _clear_of_places(pattern: lx.Finder, sent: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` in ``sent`` that lie in no place-off-the-platform phrase (the
    places are found only once a match is)."""
    places: list[tuple[int, int]] | None = None
    for m in pattern.finditer(sent):
        if places is None:
            places = [p.span() for p in lx.OUTSIDE_RE.finditer(sent)]
        if any(a <= m.start() and m.end() <= b for a, b in places):
            continue
        if pattern is lx.KEEP_HERE_RE and any(a < m.start() < b for a, b in places):
            continue  # round 28: "statt hier über Karte": the place's "here" starts the phrase
        if pattern is lx.KEEP_HERE_RE and _blamed_clause(sent, m.start(), m.end(), -1):
            continue  # round 26: "bo przez platformę to trwa tydzień": the platform blamed
        if (pattern is lx.KEEP_HERE_RE or pattern is lx.HERE_RE) and _here_negated(sent, m):
            continue  # round 31: "keinen Vertrag hier", "den Vertrag hier gar nicht erst"
        if (pattern is lx.KEEP_HERE_RE or pattern is lx.PAY_PROJECT_NEG_RE) and _compared_against(
            sent, m.start(), m.end()
        ):
            # round 31: "entspannter als über die Plattform", "plus simple que passer par
            # l'appli": the platform left behind, no product being built
            continue
        yield m


def _beside_outside(pattern: lx.Finder, sent: str) -> bool:
    """``pattern`` matches in ``sent`` outside every place-off-the-platform phrase: "outside
    the app" names no product being built, and "rather than through the site" or "no need to
    go through the platform" keeps nothing here."""
    return next(_clear_of_places(pattern, sent), None) is not None


def _payment_kept_here(sent: str) -> bool:
    """``sent`` keeps a payment on the platform: a keep-here phrase ("from the milestone",
    "through the platform") that is neither part of a place off it nor refused ("pay me directly
    on PayPal, not from the milestone")."""
    return any(
        not _negation_before(sent, m.start()) for m in _clear_of_places(lx.KEEP_HERE_RE, sent)
    )


def _spec_talk(s: str, a: int, b: int) -> bool:
    """The sentence around ``s[a:b]`` is a product spec: its payers are customers or users,
    or a system does the sending ("customers pay directly in the app with Pix")."""
    sent, _ = sentence(s, a, b)
    return _beside_outside(lx.SPEC_RE, sent)


def _negated(s: str, a: int, b: int) -> bool:
    sent, start = sentence(s, a, b)
    return _negation_before(sent, a - start)


_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s[-–—]\s")


def _negation_before(sent: str, offset: int) -> bool:
    """A negation word in ``sent`` before ``offset`` (matched on the whole sentence, so "no"
    can see that an app name follows it: Portuguese "no Teams" means "on Teams")."""
    if offset <= 0:
        return False
    # A negation in an earlier clause negates that clause ("no need for the middleman, just
    # send it my way", "don't pay through the site, pay me directly").
    clause = max((m.end() for m in _CLAUSE_BREAK.finditer(sent, 0, offset)), default=0)
    places: list[tuple[int, int]] | None = None
    for m in lx.NEGATION_RE.finditer(sent, 0, len(sent)):
        if m.start() < clause:
            continue
        if m.end() <= offset:
            # A negation inside a place off the platform is part of it ("não pelo site",
            # "buradan değil", "nggak usah lewat platform"), not of the move.
            if places is None:
                places = [p.span() for p in lx.OUTSIDE_RE.finditer(sent)]
            if any(a <= m.start() and m.end() <= b for a, b in places):
                continue
        if m.start() >= offset:
            return False
        if _portuguese_no(sent, m):
            continue
        if _NEGATED_HAVE.match(sent, m.end()) is not None and "?" in sent[m.end() :]:
            continue  # "não tem outro canto pra gente conversar?": a request, not a refusal
        if m.end() <= offset:
            return True
    return False


# "no" before a means of payment is Portuguese "in the" ("tenho conta no Revolut"); the apps
# and a few means are left out of ``lexicon.NEGATION_RE`` itself
_NO_BEFORE_A_MEANS = re.compile(r"\s+(?=" + lx.PAY_METHOD_SOURCE + ")")
# the Portuguese words "no" follows as "in the" (English "no" starts a clause: "; no crypto")
_PT_BEFORE_NO = re.compile(
    r"(?<!\w)(?:conta|pago|paga|pagar|pague|pagamento|manda|mande|mandar|envia|envie|enviar"
    r"|transfere|transferir|deposita|depositar|recebo|receber|aceito|tenho|cai|faz|fazer|faco"
    r"|posso|pode|so|tbm|tambem|direto|chave)\s+$"
)


def _portuguese_no(s: str, m: re.Match[str]) -> bool:
    """The negation ``m`` is Portuguese "no" ("in the") before a means of payment ("conta no
    Revolut", "paga no Skrill"), or anywhere in a Portuguese sentence, which negates with
    "não" ("mandando áudio aqui no carro")."""
    if m.group() != "no":
        return False
    if _PT_SENTENCE.search(s) is not None and _ES_SENTENCE.search(s) is None:
        return True
    return (
        _NO_BEFORE_A_MEANS.match(s, m.end()) is not None
        and _PT_BEFORE_NO.search(s, 0, m.start()) is not None
    )


# Round 26: words only Portuguese has (folded: "não" is "nao"), and Spanish ones that rule it
# out ("pero", "usted"), so that "no" in a Portuguese sentence is read as "in the"
_PT_SENTENCE = re.compile(
    r"(?<!\w)(?:nao|voce|voces|vc|pra|tua|teu|entao|beleza|obrigad[oa]|tambem|muito|tudo"
    r"|mandando|fazendo|estou|tenho|posso)(?!\w)"
)
_ES_SENTENCE = re.compile(
    r"(?<!\w)(?:pero|usted|ustedes|tengo|puedo|quiero|hay|muy|tambien|gracias|porque)(?!\w)"
)


# A negated "have" or "there is" in a question asks for the thing ("don't you have another
# app?", "não tem outro canto?", "no hay otra forma?", "gibt es keinen anderen Weg?").
_NEGATED_HAVE = re.compile(
    r"\s+(?:(?:you|u|ya|tu|vc|voce|du|ihr|sie|ty|ka|kayo|kamu|anda|lo|es)\s+)?(?:have|has|got"
    r"|tem|tens|temos|hay|tienes|tiene|tenes|gibt|hast|habt|haben|c'e|ce|hai|avete|ma|masz"
    r"|macie|есть|var|ada|may|meron|y a|il y a)(?!\w)"
)


def _op_finding(views: Views, a: int, b: int, value: str, confidence: float) -> Finding:
    start, end = views.norm.span(a, b)
    return Finding("off_platform", start, end, views.text[start:end], value, confidence)


# --- round 11: contact moves ---------------------------------------------------------------

# Round 24: the writer's other account offered as the place to talk ("dusre account pe msg
# karo", "у меня есть второй аккаунт, давай туда", "yung isa kong account ang gamitin natin"):
# an account the guard does not see. Only the writer's own ("my", a first-person verb), so
# "the other account manager" and "the client's second account" stay out.
_OTHER_ACCOUNT_RE = re.compile(
    fold(
        r"(?<!\w)(?:my (?:other|second|alt|backup|new) (?:account|profile|acc)"
        r"|mi otra cuenta|mi segunda cuenta|mi otro perfil|minha outra conta|minha segunda conta"
        r"|meu outro perfil|mon autre compte|mon deuxième compte|mon second compte"
        r"|meinen? (?:anderen|zweiten) (?:account|konto|profil)|meinem (?:anderen|zweiten)"
        r" (?:account|konto|profil)|il mio altro (?:account|profilo)"
        r"|l'altro mio (?:account|profilo)|sul mio altro (?:account|profilo)"
        r"|(?:moje|mojego|moim|na moje) (?:drugie|inne|drugim|innym) kont\w*|drugie konto"
        r"|mam (?:drugi|inny|drugie|inne) (?:profil|konto)"
        r"|(?:мой|моём|мне в|на мой|в мой) (?:второй|другой|запасной) (?:аккаунт|профиль|акк)\w*"
        r"|у меня есть (?:второй|другой|запасной) (?:аккаунт|профиль|акк)"
        r"|(?:मेरे|मेरा) दूसरे? (?:अकाउंट|अकॉउंट|प्रोफाइल|आईडी)|दूसरे अकाउंट|(?:mere |mera )?"
        r"(?:dusre|doosre|dusra|doosra|dusri|doosri) (?:account|acc|profile|id)"
        r"|حسابي (?:الثاني|التاني|الآخر)|الحساب (?:الثاني|التاني|الآخر) (?:حقي|تبعي)"
        r"|(?:diğer|öbür|ikinci|yedek) hesab(?:ım|ıma|ımdan|ımda)"
        r"|akun(?:ku| aku| saya)? (?:yang )?(?:lain|kedua|satunya)(?:ku| aku| saya)?"
        r"|isa kong account|ibang account ko|pangalawang account ko|other account ko)(?!\w)"
    )
)
_OTHER_ACCOUNT_SCAN = StartScan(_OTHER_ACCOUNT_RE)


# (a cheap test first: every phrase of ``_OTHER_ACCOUNT_RE`` holds one of these words)
_ACCOUNT_WORDS = frozenset(
    fold(
        "account acc profile cuenta perfil conta compte konto konta koncie kontem profil"
        " profilo аккаунт аккаунте аккаунта аккаунту акк профиль профиле अकाउंट अकॉउंट प्रोफाइल"
        " आईडी حسابي الحساب hesabım hesabıma hesabımdan hesabımda akun akunku id"
    ).split()
)


def _other_account(views: Views) -> Finding | None:
    s = views.norm.s
    if _ACCOUNT_WORDS.isdisjoint(views.words):
        return None
    m = next(iter(_OTHER_ACCOUNT_SCAN.finditer(s)), None)
    if m is None:
        return None
    sent, start = sentence(s, m.start(), m.end())
    if _negation_before(sent, m.start() - start) or _product_sentence(s, m.start(), m.end()):
        return None
    return _op_finding(views, m.start(), m.end(), "comm:other_account", _CONTACT_CONF)


def contact_moves(views: Views) -> list[Finding]:
    """A move of the conversation elsewhere with no identifier and no named app: a verb of
    reaching or talking to the other party beside a place or way that is not this platform
    ("where else can I find you", "is there a faster way to reach you", "on parle ailleurs"),
    or a personal contact offered, asked for or swapped ("I'll leave you my contact", "gimme
    your socials", "let's swap contacts"). Product talk ("the contacts page", "the personal
    number field") and a stay here ("keep it here") are left alone."""
    s = views.norm.s
    words = views.words
    other = _other_account(views)
    if other is not None:
        return [other]
    # round 20: the writer's own number said to be in a document they sent or on their page
    # ("Meine Nummer steht auf dem Angebot", "telefonum faturada yazıyor", "मेरा नंबर मेरी
    # वेबसाइट के कॉन्टैक्ट पेज पर है"): the number given as a place to look it up
    if lx.MY_NUMBER_GATE.may_match(s, words) and (
        # round 30: or the writer's site ("контакты для связи у меня на сайте")
        lx.DOCUMENT_GATE.may_match(s, words) or lx.SITE_WORD_RE.search(s) is not None
    ):
        for i, own in enumerate(lx.MY_NUMBER_RE.finditer(s)):
            if i >= _CONTACT_TRIES:
                break
            if _NUMBER_OF.match(s, own.end()) is not None:
                continue  # "mi número de pedido está en la factura": a thing's number
            if _DESIGN_BRIEF.search(sentence(s, own.start(), own.end())[0]) is not None:
                continue  # "Auf der Visitenkarte soll meine Nummer rechts unten stehen": a brief
            # a document first: a site's contact page is read whole, never as a page built
            found = _own_site_near(s, own, lx.DOCUMENT_RE, site_first=False) or _own_site_near(
                s, own, lx.SITE_WORD_RE, site_first=False
            )
            if found is not None:
                return [_op_finding(views, *found, "comm:contact_document", _CONTACT_CONF)]
    if not lx.CONTACT_ANY_GATE.may_match(s, words):
        return []
    if lx.CONTACT_ANY_PLACE_GATE.may_match(s, words) and lx.CONTACT_REACH_GATE.may_match(s, words):
        for i, m in enumerate(lx.CONTACT_REACH_RE.finditer(s)):
            if i >= _CONTACT_TRIES:
                break
            if _FOR_THE_READER.match(s, m.end()) is not None:
                continue  # "I can find you a faster way to run it": found for them, not them
            sent, start = sentence(s, m.start(), m.end())
            if _here_unnegated(sent):
                continue  # "a quicker way to reach you on here", "dich hier schneller erreichen"
            place = _contact_near(s, m, lx.CONTACT_ANY_PLACE_RE, _CONTACT_REACH_SPAN)
            if place is not None:
                return [_op_finding(views, *place, "comm:contact_elsewhere", _CONTACT_CONF)]
    if lx.CONTACT_ELSEWHERE_GATE.may_match(s, words) and lx.CONTACT_TALK_GATE.may_match(s, words):
        for i, m in enumerate(lx.CONTACT_TALK_RE.finditer(s)):
            if i >= _CONTACT_TRIES:
                break
            place = _contact_near(s, m, lx.CONTACT_ELSEWHERE_RE, _CONTACT_TALK_SPAN)
            if place is not None:
                return [_op_finding(views, *place, "comm:contact_elsewhere", _CONTACT_CONF)]
    if lx.CONTACT_OWN_GATE.may_match(s, words) and lx.CONTACT_GIVE_GATE.may_match(s, words):
        for i, m in enumerate(lx.CONTACT_OWN_RE.finditer(s)):
            if i >= _CONTACT_TRIES:
                break
            if not _own_contact_ends(s, m.end()):
                continue  # "your order number", "mis redes neuronales": a thing, not a contact
            given = _contact_near(
                s, m, lx.CONTACT_GIVE_RE, _CONTACT_GIVE_SPAN, product=True, place=False
            )
            if given is not None and not _here_between(s, m, given):
                if lx.NEGATION_RE.search(s, given[1], given[1] + _GIVEN_NEGATED) is not None:
                    continue  # "personal number share nahi karta": the giving refused
                if _giving_refused(s, m, given):
                    continue
                return [_op_finding(views, *given, "comm:contact_given", _CONTACT_CONF)]
    # round 17: "all my contacts are on my website", "i miei contatti sono sul mio sito";
    # round 18: either order, a contact word with no possessive beside the writer's own site
    # ("dane kontaktowe są w stopce na mojej stronie") and a personal contact beside a site
    # with none ("mera sab contact detail website pe hai")
    if lx.OWN_SITE_GATE.may_match(s, words) and lx.CONTACT_WORD_GATE.may_match(s, words):
        for i, site in enumerate(lx.OWN_SITE_RE.finditer(s)):
            if i >= _CONTACT_TRIES:
                break
            found = _own_site_near(s, site, lx.CONTACT_WORD_RE, site_first=True)
            if found is not None:
                return [_op_finding(views, *found, "comm:contact_site", _CONTACT_CONF)]
    if lx.CONTACT_OWN_GATE.may_match(s, words) and lx.SITE_WORD_GATE.may_match(s, words):
        for i, own in enumerate(lx.CONTACT_OWN_RE.finditer(s)):
            if i >= _CONTACT_TRIES:
                break
            found = _own_site_near(s, own, lx.SITE_WORD_RE, site_first=False)
            if found is not None:
                return [_op_finding(views, *found, "comm:contact_site", _CONTACT_CONF)]
    if lx.CONTACT_SWAP_GATE.may_match(s, words):
        for i, m in enumerate(lx.CONTACT_SWAP_RE.finditer(s)):
            if i >= _CONTACT_TRIES:
                break
            sent, start = sentence(s, m.start(), m.end())
            if _SWAP_AMONG_OTHERS.search(sent) is not None:
                continue  # "let attendees exchange contacts": a feature for other people
            if not _contact_spoiled(sent, m.start() - start, product=True):
                return [_op_finding(views, m.start(), m.end(), "comm:contact_swap", _CONTACT_CONF)]
    return []


_CONTACT_TRIES = 6
# What follows "my number" when it numbers a thing or ranks: "de client", "of the order",
# "one priority".
_THING_NUMBER = re.compile(
    r"\s+(?:one|uno|um|un|eins|jeden|один|ek|bir|satu|isa)\s+(?:priority|thing|goal|prioridad"
    r"|prioridade|priorite|priorität|priorita|priorytet)|\s+(?:de|do|da|di|del|of|fur|von|des"
    r"|du)\s+(?:client\w*|cliente\w*|kunde\w*|pedido|commande|ordine|order|zamowieni\w*"
    r"|заказ\w*|siparis\w*|pesanan|facture|factura|fattura|rechnung|invoice|dossier|ticket"
    r"|referenc\w*|projet|proyecto|projeto|progetto|projekt\w*|contrat\w*|contrato|contract)"
)
# A design brief: the document is being made, the number is what goes on it ("bitte zwei
# Entwürfe", "kartvizit tasarımında", "for the business card design").
_DESIGN_BRIEF = re.compile(
    r"(?<!\w)(?:design\w*|redesign\w*|disen\w*|desenh\w*|entw[uü]rf\w*|gestalt\w*|tasar[iı]m\w*"
    r"|desain\w*|disegn\w*|projekt\w*|дизайн\w*|макет\w*|डिजाइन|डिजाइन|تصميم\S*|layout\w*"
    r"|mockup\w*|template\w*|vorlage\w*|plantilla\w*|modele\w*|maquette\w*|logo\w*|draft\w*"
    r"|rechts unten|links unten|sag altta|sol altta|on the back|on the front)(?!\w)"
)
# "My number" followed by what it numbers: "mi número de pedido", "il mio numero di ordine",
# "my number of the order" (an order, a ticket, a customer: no phone).
_NUMBER_OF = re.compile(r"\s+(?:de|do|da|di|del|dell\w*|of|for|fur|von|des|du|d')(?!\w)")
# What is found or written "for" the reader is the object after the verb: "find you a faster
# way", "te encuentro una manera", "ti trovo un modo", "I-message kita ng paraan".
_FOR_THE_READER = re.compile(
    r"\s+(?:a|an|the|some|my|un|una|uno|unos|el|la|los|las|une|le|les|des|mon|ma|il|lo|gli"
    r"|um|uma|o|os|as|ein|eine|einen|das|die|den|ng|bir)(?!\w)"
)
# A way or place followed by what it is for: a way "to", "para", "buat", "للـ" something. Only
# a way to reach or talk to someone keeps it a contact move ("another way to reach you").
_WAY_FOR = re.compile(
    r"\s+(?:to|for|de|del|para|pour|per|di|zu|um|do|dla|для|чтобы|ke liye|untuk|buat|biar"
    r"|sa|para sa|na|icin|için)\s+|\s*لل|\s+ل(?=\S)(?!و(?:\s|$)|ما(?:\s|$)|ان(?:\s|$))"
)
_CONTACT_STEM = re.compile(
    r"reach|contact|touch|talk|chat|speak|writ|messag|msg|call|ping|find|comunic|contat|habl"
    r"|escrib|parl|joindre|ecri|erreich|kontakt|schreib|sprech|sentir|scriv|trov|napis|pogad"
    r"|rozmaw|связ|общ|напис|позвон|найти|baat|sampark|تواصل|كلم|كلام|راسل|اوصل|ulas|yaz"
    r"|konus|hubung|ngobrol|kontak|usap|tawag|mahanap|raggiung|rintracc|localiz|encontr|achar"
    r"|contatt|znalez|skontakt|dhoond|dhund|makontak|ulas|joins|बात|संपर्क|कॉन्टैक्ट|मैसेज|fal"
    r"|convers|makausap|gadac|rozmaw"
    r"|iletisim|ulas"
)


# "Sooner, when the edits are in": a time, not another channel.
_WHEN_CLAUSE = re.compile(
    r"\s*,?\s*(?:when|once|cuando|quando|quand|wenn|sobald|kiedy|jak|когда|как только|jab"
    r"|जब|عندما|لما|zaman|kapag|pag|ketika|kalau|begitu)(?!\w)"
)


def _here_unnegated(sent: str) -> bool:
    """A word for "here" in the sentence that is neither negated ("when you're not on here",
    "burada çevrimiçi değilken", "jab aap yahan online nahi") nor part of a place elsewhere
    ("غير هنا", "besides here")."""
    for here in lx.HERE_RE.finditer(sent):
        around = sent[max(0, here.start() - 25) : here.end() + 25]
        if lx.NEGATION_RE.search(around) or _HERE_NEGATED_AFTER.search(around):
            continue
        if (
            _CHAT_NOUN_BEFORE.search(sent, max(0, here.start() - 24), here.start()) is not None
            or _CHAT_NOUN_AFTER.match(sent, here.end()) is not None
        ):
            continue  # "the chat here is slow", "тут чат неудобный": the place complained of
        if any(
            p.start() <= here.start() and here.end() <= p.end()
            for p in lx.CONTACT_ANY_PLACE_RE.finditer(sent)
        ):
            continue
        return True
    return False


# This chat or site named right beside the word for "here": the subject of a complaint, not
# where the talk should stay ("the chat here keeps lagging", "тут чат неудобный").
_CHAT_NOUNS = (
    r"(?:chat|site|website|platform|app|inbox|messages|messaging|notifications|sitio|plataforma"
    r"|pagina|seite|plattform|sito|piattaforma|czat|strona|portal|чат|сайт|платформ\w*"
    r"|переписк\w*|चैट|साइट|الشات|الدردشة|المحادثة|الموقع|المنصة|sohbet|obrolan|aplikasi)"
)
_CHAT_NOUN_BEFORE = re.compile(r"(?<!\w)" + _CHAT_NOUNS + r"\s+$")
_CHAT_NOUN_AFTER = re.compile(r"\s+" + _CHAT_NOUNS + r"(?!\w)")
# Negations written after what they negate or fused to it ("değilken", "नहीं", "мо", "gak").
_HERE_NEGATED_AFTER = re.compile(
    r"(?<!\w)(?:degil\w*|nahi|nahin|नहीं|مو|مش|غير|gak|nggak|ga|tidak|hindi|di|not)(?!\w)"
)


def _place_for_other(s: str, place: re.Match[str]) -> bool:
    """The place or way is somewhere in the work ("woanders im Code"), or a way of doing
    something that is not reaching or talking to someone, said after the way ("a better way to
    structure the database") or before it, in languages that put the purpose first ("milestone
    पूरा करने का कोई और तरीका", "teslim tarihine yetişmenin başka bir yolu")."""
    return _scoped_place(s, place) or _way_to_do_other(s, place) or _purpose_before(s, place)


# A purpose said before the way: a verbal noun with its genitive or "for" (hi "करने का", "के
# लिए", hi-Latn "karne ka", "ke liye", tr "yetişmenin", "bitirmek için").
_PURPOSE_BEFORE = re.compile(
    r"(?:\S+(?:ने|ne|nay)\s+(?:का|की|के|ka|ki|ke)|के लिए|ke liye|ke liye|\w+m[ae](?:nin|sinin)"
    r"|\w+m[ae]k (?:icin|için|yerine))\s+$"
)


def _purpose_before(s: str, place: re.Match[str]) -> bool:
    lo = max(0, place.start() - 40)
    before = _PURPOSE_BEFORE.search(s, lo, place.start())
    if before is None:
        return False
    return _CONTACT_STEM.search(s, max(lo, before.start() - 16), before.end()) is None


def _way_to_do_other(s: str, place: re.Match[str]) -> bool:
    """The way or place is for doing something that is not reaching or talking to someone:
    "a better way to structure the database", "cara lain untuk notifikasi", "طريقة ثانية
    للتصميم"."""
    way_for = _WAY_FOR.match(s, place.end())
    if way_for is None:
        return False
    return _CONTACT_STEM.search(s, way_for.end(), way_for.end() + 24) is None


# A personal contact ends its phrase: after it (and perhaps "personal" or "private") comes the
# end, a stop, a pronoun, a verb of giving or a word that closes a request or starts its reason
# ("your number pls", "te dejo mi contacto para que hablemos", "kişisel numaramı ister misin"),
# not a word that makes it something else ("your order number", "mis redes neuronales",
# "contatos de fornecedores", "номер заказа").
_OWN_CONTACT_ADJECTIVE = re.compile(
    r"\s+(?:perso|personal|personnel|personale|personnelle|prive|privee|privado|privada"
    r"|privato|privata|private|privat|privaten|pessoal|particular|prywatny|osobisty|личный"
    r"|kisisel|pribadi|خاصة|الخاص|الشخصي|خاص|ثانية|ثاني|تانية|تاني|بتاعي|بتاعك)(?!\w)"
)
_OWN_CONTACT_END = re.compile(
    r"\s*(?:$|[.,!?;:)\-\u061f\u060c\u0964]|\s(?:da|do)\s*(?:$|[.,!?;])|\sو\S"
    r"|\s(?:and|so|pls|plz|please|here|then|if|too|also|just|in case|so that|for later"
    r"|y|e|et|und|i|и|aur|or|o|ou|oder|ya|pa|po|naman|na|dong|kak|bro|bhai|ji|toh|to|bhi"
    r"|por favor|porfa|porfavor|s'il|bitte|per favore|prosze|пожалуйста|pliss|plis"
    r"|para que|para|pra|pour|pour que|pour qu'on|damit|dann|cosi|perche|solo|juste|falls"
    r"|when|quand|cuando|quando|wenn|sobald|kiedy|когда|jab|kalau|pag|kapag"
    r"|zeby|чтобы|taaki|ताकि|तो|और|बस|عشان|علشان|لكي|حتى|tapos|para|biar|supaya|kalau|ki"
    r"|aqui|aca|ici|hier|qui|tutaj|здесь|тут|yahan|dito|sini|burada|هنا|mo|ko|nyo|niyo"
    r"|sayo|sa iyo|sakin|sa akin|kamu|mu|aku|saya|anda|lo|lu|dedo|bhej\w*|dena|dijiye"
    r"|chahiye|चाहिए|दे|दो|दीजिए|भेज\S*|मिल|apa(?=\s*\?)|berapa|mil|sakta|sakti|milega|ve|mi|me|te|ti|toi|moi|mir"
    r"|dir|mnie|мне|тебе|al|to me|with me|privately|in private|en privado|em privado"
    r"|فيك|لك|لو سمحت|من فضلك|بعد|بكرة|بكره|الحين|دلوقتي"
    r"|en prive|in privato|prywatnie|в личку|лично|directly|direct|directo|directamente"
    r"|direto|diretamente|directement|direkt|diretto|direttamente|bezposrednio|напрямую"
    r"|seedha|langsung|diretso"
    # round 33: soon or later ("ich geb dir meine Nummer gleich in der nächsten Nachricht")
    r"|gleich|sofort|spater|nachher|later|soon|luego|despues|depois|plus tard|dopo|subito"
    r"|pozniej|zaraz|потом|позже|сейчас|baad mein|nanti|sonra|hemen|mamaya|بعدين)"
    r"(?![\w\u0900-\u097f]))"
)


def _own_contact_ends(s: str, end: int) -> bool:
    adjective = _OWN_CONTACT_ADJECTIVE.match(s, end)
    if adjective is not None:
        end = adjective.end()
    if _OWN_CONTACT_END.match(s, end) is not None:
        return True
    gap = re.compile(r"\s+").match(s, end)
    return gap is not None and lx.CONTACT_GIVE_RE.match(s, gap.end()) is not None


# Contacts exchanged by other people, in a product: "between attendees", "lets users swap".
_SWAP_AMONG_OTHERS = re.compile(
    r"(?<!\w)(?:between|among|entre|zwischen|tra|fra|miedzy|между|beech|بين|arasinda|antar"
    r"|sa pagitan|users|usuarios|usuarios|utilisateurs|nutzer|utenti|uzytkownik\w*"
    r"|пользовател\w*|участник\w*|katilimci\w*|peserta|lets|allow\w*|enable\w*|permit\w*"
    r"|permett\w*|ermoglich\w*|consent\w*|pozwal\w*|позвол\w*|memungkinkan|payagan|يسمح"
    r"|\w+(?:ebilmeli|abilmeli))(?!\w)"
)
_CONTACT_REACH_SPAN = 60
_CONTACT_GIVE_SPAN = 40
_CONTACT_TALK_SPAN = 30
_CONTACT_CONF = Confidence.OFF_PLATFORM_COMM


_GIVEN_NEGATED = 8  # characters after a verb of giving its negation may start in ("… nahi")
_GIVING_NEGATED_BEFORE = 16  # characters before the contact or the verb a negation may start in
_GIVING_NEGATED_AFTER = 40  # and after them ("meine Nummer gebe ich nicht raus")


def _giving_refused(s: str, m: re.Match[str], given: tuple[int, int]) -> bool:
    """The giving of the contact ``m`` (``given`` spans it and the verb) is negated in its sentence
    ("Di ko pwedeng ibigay number ko", "meine Nummer gebe ich nicht raus") or held back until
    a contract ("meine Nummer gebe ich erst raus, wenn ein Vertrag steht")."""
    lo, hi = min(m.start(), given[0]), max(m.end(), given[1])
    sent, start = sentence(s, lo, hi)
    a = max(start, lo - _GIVING_NEGATED_BEFORE)
    # within the clause ("No problem, leave your number": the "no" is the problem's)
    a = max([a] + [c.end() for c in _CLAUSE_BREAK.finditer(s, a, lo)])
    # after the verb only where it comes last ("vou te deixar meu contato pra gente não se
    # perder" negates the losing, not the giving)
    b = hi
    if given[1] > m.end():  # the verb last: to the end of its clause ("gebe ich nicht raus")
        stop = _CLAUSE_END.search(s, hi, min(start + len(sent), hi + _GIVING_NEGATED_AFTER))
        b = stop.start() if stop is not None else min(start + len(sent), hi + _GIVING_NEGATED_AFTER)
    if (
        lx.NEGATION_RE.search(s, a, b) is not None
        or _DI_KO.search(s, a, b) is not None
        or _NOT_YET.search(s, a, b) is not None
    ):
        return True
    return any(
        _UNTIL_BEFORE.search(sent, max(0, c.start() - _UNTIL_SPAN), c.start()) is not None
        for c in _CONTRACT_WORD.finditer(sent)
    )


# Before the contract: "until", "before", "without" shortly before a contract word ("bis ein
# Vertrag steht", "sin contrato", "до контракта", "sözleşme olmadan" is said after)
_UNTIL_BEFORE = re.compile(
    r"(?<!\w)(?:until|till|before|without|bis|ohne|vor|hasta|sin|antes|ate|sem|jusqu'?\w*|sans"
    r"|avant|fino|senza|prima|dopoki|bez|przed|до|без|sampai|tanpa|sebelum|hangga|bago|walang"
    r"|jab tak|बिना|قبل|بدون|من غير)(?!\w)"
)
_UNTIL_SPAN = 25


_DI_KO = re.compile(r"(?<!\w)di (?:ko|mo|namin|natin|niyo|nyo|ka|ako)(?!\w)")  # Tagalog "'di ko"
_DI_KO_SPAN = 30
# "'di" with a verb of taking or using ("di ako tumatanggap ng GCash"; "di ko na babayaran
# dito, GCash na lang" refuses the platform, not the means)
_DI_TAKING = re.compile(
    r"(?<!\w)di (?:ako|kami|ko|namin) (?:\S+ )?(?:tumatanggap|tatanggap|tinatanggap|gumagamit"
    r"|gagamit|ginagamit|nagpapabayad)(?!\w)"
)
_CLAUSE_END = re.compile(r"[,;:.!?\u060c\u061f\u0964]")
# Not yet, not gladly ("gebe ich erst raus, sobald …", "ungern", "only once we start")
_NOT_YET = re.compile(
    r"(?<!\w)(?:erst(?! mal| einmal)|sobald|ungern|grundsatzlich|only (?:once|after|when)"
    r"|once we|solo cuando|so quando|seulement (?:quand|apres)|solo quando|dopo che|dopiero"
    r"|только после|tabhi)(?!\w)"
)


def _here_between(s: str, m: re.Match[str], span: tuple[int, int]) -> bool:
    """A word for "here" between the contact ``m`` and the other end of ``span`` ("Di ko po
    kailangan ng email niyo, dito niyo na lang po i-send"): what is given goes here."""
    lo, hi = (m.end(), span[1]) if span[0] == m.start() else (span[0], m.start())
    return lx.HERE_RE.search(s, lo, hi) is not None


def _contact_near(
    s: str,
    m: re.Match[str],
    other: re.Pattern[str],
    span: int,
    *,
    product: bool = False,
    place: bool = True,
) -> tuple[int, int] | None:
    """The span from ``m`` to a match of ``other`` within ``span`` characters of it in the
    same sentence, unless the sentence turns the move down or talks about a product (with
    ``product``, anywhere in the sentence; else outside the span: "I can reach you faster if
    you turn on notifications", while "jak strona padnie" names the site, not a product).
    With ``place`` (``other`` is a place or a way), a place in the work or a way to do
    something else does not count; a verb of giving ("اترك لك") is no place."""
    sent, start = sentence(s, m.start(), m.end())
    lo, hi = max(start, m.start() - span), min(start + len(sent), m.end() + span)
    for o in other.finditer(s, lo, hi):
        if place and (_place_for_other(s, o) or _WHEN_CLAUSE.match(s, o.end())):
            continue  # "woanders im Code", "cara lain buat export": not somewhere to talk
        a, b = min(m.start(), o.start()), max(m.end(), o.end())
        if _contact_spoiled(sent, a - start, product=product):
            return None
        if not product and any(
            not (a - start <= p.start() and p.end() <= b - start)
            for p in lx.COMM_PROJECT_NEG_RE.finditer(sent)
        ):
            return None
        return a, b
    return None


# A requirement for the site ("must be visible on my website", "tienen que salir en mi web",
# "muss auf meiner Website stehen", "harus muncul di website saya", "web sitemde görünmeli").
_SITE_SPEC = re.compile(
    r"(?<!\w)(?:must|should|need to|needs to|has to|have to|tiene[n]? que|deben?|debe\w*|doi[tv]\w*"
    r"|muss\w*|m[uü]ssen|sollte\w*|dev[eo]\w*|musz\w*|powinn\w*|должн\w*|нужно|надо|harus"
    r"|perlu|chahiye|kailangan|dapat|يجب|\w+m[ae]l[iı]|appear\w*|show\w*|display\w*|visible"
    r"|needs?|want|wants|redesign\w*|build\w*|create|design\w*|necesit\w*|precis\w*|brauch\w*"
    r"|trzeba|potrzeb\w*|doda\w*|agreg\w*|adicion\w*|ajout\w*|aggiung\w*|добав\w*|ekle\w*"
    r"|tambah\w*|idagdag"
    # round 18: work on the site ("update karna hai", "add my number to the site")
    r"|updat\w*|add|adding|added|chang\w*|replac\w*|karna hai|lagana|daalna|dalna|aktualiz\w*"
    r"|actualiz\w*|atualiz\w*|mettre a jour|aggiorn\w*|обнов\w*|guncelle\w*|perbarui)(?!\w)"
)


def _own_site_near(
    s: str, anchor: re.Match[str], other: re.Pattern[str], *, site_first: bool
) -> tuple[int, int] | None:
    """The span from ``anchor`` to a match of ``other`` on either side of it in its sentence:
    one is a site, the other a contact word, and one of them the writer's own ("my contacts
    are on my website", "my website has a contact page"). None when "here" comes between them,
    the sentence is a requirement for the site, refuses, keeps here or talks about a product;
    the site itself is no product word ("na mojej stronie": the writer's site, not a page being
    built). ``site_first``: ``anchor`` is the site."""
    sent, start = sentence(s, anchor.start(), anchor.end())
    lo = max(start, anchor.start() - _CONTACT_SITE_SPAN)
    hi = min(start + len(sent), anchor.end() + _CONTACT_SITE_SPAN)
    for found in other.finditer(s, lo, hi):
        if found.start() < anchor.end() and anchor.start() < found.end():
            continue
        site, contact = (anchor, found) if site_first else (found, anchor)
        a, b = min(contact.end(), site.end()), max(contact.start(), site.start())
        if lx.HERE_RE.search(s, a, b) is not None:
            return None  # "tüm bilgilerim burada profilimde, web sitemde ise …": here first
        if _SITE_SPEC.search(sent) is not None:
            return None  # "all my contacts must be visible on my website": the site being built
        # the site and the contact words are no product words ("contact page" on my site)
        blanked = sent
        spans = [site.span(), contact.span()]
        if other is lx.DOCUMENT_RE and site.start() > contact.end():
            # round 30: the page of a document the contact is on is no product ("coordonnées
            # complètes figurent en dernière page du CV", "na última página do CV")
            spans = [(contact.start(), site.end())]
        for part in sorted(spans):
            pa, pb = part[0] - start, part[1] - start
            blanked = blanked[:pa] + " " * (pb - pa) + blanked[pb:]
        if _contact_spoiled(blanked, contact.start() - start, product=True):
            return None
        return min(contact.start(), site.start()), max(contact.end(), site.end())
    return None


_CONTACT_SITE_SPAN = 60


def _contact_spoiled(sent: str, offset: int, *, product: bool) -> bool:
    if lx.KEEP_HERE_RE.search(sent) is not None or _negation_before(sent, offset):
        return True
    return product and (
        lx.PRODUCT_RE.search(sent) is not None or lx.COMM_PROJECT_NEG_RE.search(sent) is not None
    )


# --- round 11: payment moves ------------------------------------------------------------------
# Moving the payment off the platform with no identifier: billing the other party oneself or
# through one's own business, paying privately or in cash, settling the rest between the two,
# skipping the platform's checkout. Each rule pairs two classes of ``lexicon`` (round 11) in one
# sentence; talk of a product, its users, or paying through the platform's own means vetoes it.


def payment_moves(views: Views) -> Finding | None:
    """The first payment move of rounds 11 and 13 in the message, if any: the gated rules of
    round 11, then skipping the platform, the split payment and the direct discount."""
    s = views.norm.s
    if lx.PAY6_GATE.may_match(s, views.words):
        for kind, rule in _PAY6_RULES:
            if lx.PAY6_GATES[kind].may_match(s, views.words):
                found = rule(views, s)
                if found is not None:
                    return found
    return (
        _skip_platform(views, s)
        or _split_payment(views, s)
        or (_direct_discount(views, s) if "%" in s else None)
    )


# Round 13: the payment split, one part here and the rest apart ("the first milestone through
# here, and the rest you wire me separately", "la mitad por acá y la otra mitad aparte",
# "acconto qui e il saldo a parte", "половину через безопасную сделку, половину переводом").
_REST_FRAGMENTS = (
    r"the rest",
    r"the other half",
    r"the remaining",
    r"the balance",
    r"la otra mitad",
    r"el resto",
    r"el saldo",
    r"a outra metade",
    r"o resto",
    r"o saldo",
    r"l'autre moitie",
    r"le reste",
    r"le solde",
    r"die andere halfte",
    r"den rest",
    r"der rest",
    r"die restlichen",
    r"l'altra meta",
    r"il resto",
    r"il saldo",
    r"reszt\w*",
    r"drug\w* polow\w*",
    r"половину",
    r"остат\w*",
    r"остальное",
    r"baaki",
    r"baki",
    r"kalan\w*",
    r"gerisi\w*",
    r"diger yarisi",
    r"الباقي",
    r"والباقي",
    r"النص التاني",
    r"sisanya",
    r"separuhnya",
    r"yung kalahati",
    r"yung natitira",
    r"yung kulang",
    # round 18: a second half word after a first one here ("moitié ici, moitié en direct",
    # "half here, half via Wise"), the second part ("a drugą bezpośrednio")
    r"half",
    r"mitad",
    r"metade",
    r"moitie",
    r"halfte",
    r"polow[aeyę]",
    r"drug[aą]",
    r"druga czesc",
    # round 18: the next ones (milestones, parts) after a first one
    r"los siguientes",
    r"las siguientes",
    r"the next ones",
    r"the next milestones",
    r"the others",
    r"os seguintes",
    r"os proximos",
    r"les suivants",
    r"les prochains",
    r"die nachsten",
    r"die weiteren",
    r"i successivi",
    r"i prossimi",
    r"kolejne",
    r"следующие",
    r"agle wale",
    r"sonrakiler\w*",
    r"selanjutnya",
    r"yung susunod",
    r"baaki aadha",
    r"बाकी आधा",
    r"setengahnya(?: lagi)?",
    # round 19: the difference and the others ("I'll Zelle you the difference", "lo demás por
    # PayPal", "os outros você me paga direto", "остальные 9000 отдам другим способом")
    r"the difference",
    r"la diferencia",
    r"lo demas",
    r"a diferenca",
    r"o restante",
    r"os outros",
    r"os demais",
    r"la difference",
    r"die differenz",
    r"la differenza",
    r"roznic\w*",
    r"разниц\w*",
    r"остальные",
    r"farki\w*",
    r"الفرق",
    r"selisih\w*",
    r"yung diperensya",
)
_SECOND_HALF_FRAGMENTS = (
    r"the second half",
    r"second half",
    r"la segunda mitad",
    r"a segunda metade",
    r"la seconde moitie",
    r"la deuxieme moitie",
    r"die zweite halfte",
    r"la seconda meta",
    r"drug\w* polow\w*",
    r"вторую половину",
    r"dusra half",
    r"ikinci yarisi",
    r"ikinci yari",
    r"paruh kedua",
    r"setengah lagi",
    r"النص التاني",
    r"النصف الثاني",
    r"yung second half",
    r"yung kalahati",
)
_SPLIT_REST = compile_words(_REST_FRAGMENTS)
_SPLIT_GATE = lx.fragment_gate([*_REST_FRAGMENTS, *_SECOND_HALF_FRAGMENTS])
_SPLIT_APART = compile_fast(
    r"(?<!\w)(?:separately|apart|aside|on the side|aparte|por fuera|por separado|a parte|a part"
    r"|de votre cote|de ton cote|hors site|en dehors|separat|getrennt|privat|osobno|oddzielnie"
    r"|отдельно|переводом|напрямую|alag se|ayrica|ayri|disaridan|terpisah|langsung ke aku"
    r"|hiwalay|diretso sa akin|wire me|by wire|virement|bonifico|przelewem|havale\w*|برا|بره"
    r"|por fora|personally|personalmente|pessoalmente|personnellement|personlich|osobiscie|лично"
    # round 18: directly ("moitié en direct", "a drugą bezpośrednio")
    r"|en direct|directly|directamente|diretamente|directement|direttamente|direkt|direto|directo"
    r"|bezposrednio|dogrudan|langsung|direkta"
    r"|без сайта|sahsen|secara pribadi|sakin|sa akin|privately|en privado|em particular"
    r"|outside|hors (?:de la )?plateforme|ausserhalb|außerhalb|poza serwisem|poza platform\w*"
    r"|बाहर से|bahar se|di luar|sa labas|fuori|disaridan|вне (?:сайта|биржи|площадки)"
    r"|ويسترن يونيون|western union|google pay|गूगल पे|gpay"
    # round 19: another way ("остальные отдам другим способом", "sisanya transfer manual")
    r"|другим способом|иначе|de otra (?:forma|manera)|por otro lado|de outro jeito|de outra forma"
    r"|d'une autre (?:facon|maniere)|anderweitig|in altro modo|innym sposobem|inaczej"
    r"|dusre tarike se|baska (?:yoldan|sekilde)|cara lain|ibang paraan|بطريقة (?:ثانية|تانية)"
    r"|transfer manual|tf manual)(?!\w)"
)
# round 17: settled between the two ("gerisini aramızda hallederiz", "والباقي منتحاسب عليه
# لحالنا", "der Rest läuft nebenher", "yung kulang sa atin na lang"); not a word of money, so
# only with a sum or a word of paying in the sentence
_SPLIT_BETWEEN = compile_fast(
    r"(?<!\w)(?:between us|entre nosotros|entre nos|entre nous|unter uns|tra (?:di )?noi"
    r"|miedzy nami|между нами|aapas mein|apas mein|आपस में|aramizda|aramızda|antara kita|sa atin"
    r"|nebenher|بيننا|لحالنا)(?!\w)"
)
_SPLIT_HERE = compile_fast(
    r"(?<!\w)(?:here|through here|via the platform|milestone|escrow|por aca|por aqui|aqui|ici"
    r"|hier|qui|tutaj|tu|здесь|тут|через (?:безопасную )?сделку|через площадку|yahan|idhar"
    # round 18: through the site or its system ("mitad por la página", "przez system")
    r"|por la pagina|por la plataforma|pela pagina|pela plataforma|par le site|uber die seite"
    r"|przez (?:serwis|system|strone|platforme)|через (?:сайт|систему)|through the (?:site|system)"
    r"|هنا|هون|burada|burda|di sini|disini|dito|acompte|acconto|anticipo|deposit|anzahlung"
    r"|zaliczk\w*|аванс|kapora|dp|sinal|entrada|la mitad|half|половину"
    # round 17: the offer, order or contract here with a smaller sum ("im Angebot hier",
    # "в заказе указать сумму поменьше", "ऑफर में कम अमाउंट")
    r"|offer|oferta|angebot|offre|offerta|oferc\w*|заказ\w*|ऑफर|ऑफर|माइलस्टोन|teklif\w*"
    r"|penawaran|kontrata|contract|contrato|contrat|vertrag|umow\w*|مرحلة|ميلستون"
    # round 19: on the platform ("moitié par PayPal, moitié sur la plateforme")
    r"|on the (?:platform|site)|en la plataforma|na plataforma|sur (?:la plateforme|le site)"
    r"|auf der (?:plattform|seite)|sulla piattaforma|sul sito|na platformie|на (?:платформе|сайте)"
    r"|platform pe|platformda|di platform|sa platform)(?!\w)"
)


# The second half: the first is the one paid here, so no "here" is needed ("a segunda metade
# pode me mandar por fora", "вторую половину можно мне лично, без сайта").
_SECOND_HALF = compile_words(_SECOND_HALF_FRAGMENTS)


def _split_payment(views: Views, s: str) -> Finding | None:
    """One part paid here and the rest apart: a word for the rest or the other half, after a
    part named here (or a deposit, the escrow, a first half), and a word for "apart",
    "separately" or a transfer after it, in one sentence; not refused, not kept here."""
    if not _SPLIT_GATE.may_match(s, views.words):
        return None
    rests = sorted([*_SPLIT_REST.finditer(s), *_SECOND_HALF.finditer(s)], key=lambda m: m.start())
    for i, rest in enumerate(rests):
        if i >= _CONTACT_TRIES:
            break
        sent, st = sentence(s, rest.start(), rest.end())
        a = rest.start() - st
        apart = _SPLIT_APART.search(sent, rest.end() - st, rest.end() - st + 80)
        if apart is None and (re.search(r"\d", sent) or lx.PAY_ANY_RE.search(sent)):
            apart = _SPLIT_BETWEEN.search(sent, rest.end() - st, rest.end() - st + 80)
        if apart is None:
            # round 18: the rest paid by a named means ("el resto me lo pagas por Bizum")
            apart = lx.PAY_METHOD_RE.search(sent, rest.end() - st, rest.end() - st + 80)
        if apart is None:
            # round 19: a means in the rest word's own clause, before it ("and I'll Zelle you
            # the difference", "y por PayPal lo demás")
            clause = max((m.end() for m in _CLAUSE_BREAK.finditer(sent, 0, a)), default=0)
            apart = lx.PAY_METHOD_RE.search(sent, clause, a)
        if apart is None:
            # round 18: the first part paid by a named means and the rest here ("die Anzahlung
            # zahl ich dir per Wise, der Rest läuft dann hier über den Meilenstein")
            first = _first_part_apart(sent, a, rest.end() - st)
            if first is not None:
                return _op_finding(views, st + first, rest.end(), "pay:split", _SPLIT_CONF)
            continue
        second = rest.re is _SECOND_HALF
        if _HALF_OR_PART.fullmatch(rest.group()) is not None:
            here_part = _SPLIT_HERE.search(sent, 0, a)
            if here_part is not None and here_part.group() in _WEAK_HERE:
                continue  # "Hier j'ai fini la moitié …, l'autre moitié direct demain"
        if apart is None or (
            not second
            and _SPLIT_HERE.search(sent, 0, a) is None
            and lx.KEEP_HERE_RE.search(sent, 0, a) is None
        ):
            continue
        after = sent[a:]
        if _beside_outside(lx.KEEP_HERE_RE, after) or _through_platform(after):
            continue  # "the rest through the platform too"
        if _negation_before(sent, apart.start()):
            continue
        here = _SPLIT_HERE.search(sent, 0, a)
        if here is not None:
            # the site named as the part here is no product or spec ("mitad por la página",
            # "przez system")
            sent = sent[: here.start()] + " " * (here.end() - here.start()) + sent[here.end() :]
        if _beside_outside(lx.SPEC_RE, sent) or lx.PRODUCT_RE.search(sent):
            continue
        lo, hi = st + min(a, apart.start()), st + max(rest.end() - st, apart.end())
        return _op_finding(views, lo, hi, "pay:split", _SPLIT_CONF)
    return None


_SPLIT_CONF = Confidence.OFF_PLATFORM_PAY
# round 18's half and part words, and the here words that are everyday words elsewhere (French
# "hier" yesterday, "qui" who, "tu" you): with a half word, only a plain here counts
_HALF_OR_PART = re.compile(r"half|mitad|metade|moitie|halfte|polow[aeyę]|drug[aą]|druga czesc")
_WEAK_HERE = frozenset({"hier", "qui", "tu"})


def _first_part_apart(sent: str, a: int, b: int) -> int | None:
    """Where a means of payment names how a first part is paid, before the rest word
    ``sent[a:b]`` that is kept here right after it; None unless so (negated, a spec or product
    talk is none)."""
    if _SPLIT_HERE.search(sent, b, b + 40) is None and not lx.KEEP_HERE_RE.search(sent, b, b + 60):
        return None
    method = None
    for found in lx.PAY_METHOD_RE.finditer(sent, 0, a):
        method = found  # the last means before the rest word
    if method is None or _negation_before(sent, method.start()):
        return None
    if _beside_outside(lx.SPEC_RE, sent) or lx.PRODUCT_RE.search(sent):
        return None
    return method.start()


# A long message's whole-text scans of these patterns try a match only where one can start.
# (a short message too; from starts of 10 characters: half the tries of 6 on chat messages)
_MOVE_CUES = StartScan(lx.MOVE_CUE_RE, short=True, chars=10)
_KNOWS = StartScan(lx.KNOW_RE)
_FEES = StartScan(lx.FEE_RE)
_FILE_SERVICES = StartScan(lx.FILE_SERVICE_RE)
_DIRECT_PAYS = StartScan(lx.DIRECT_PAY_RE)
_SENTENCE_SCANS = {
    pattern: StartScan(pattern)
    for pattern in (
        lx.PAY6_BILL_RE,
        lx.PAY6_PRIVATE_RE,
        lx.PAY6_SETTLE_RE,
        lx.PAY6_SKIP_RE,
        lx.PAY6_MIDDLE_RE,
        lx.PAY6_CASH_RE,
        lx.PAY6_LESS_RE,
    )
}


def _first_per_sentence(
    s: str, pattern: re.Pattern[str]
) -> Iterator[tuple[re.Match[str], str, int]]:
    """The first match of ``pattern`` in each sentence of ``s``, with its sentence and the
    sentence's start: each sentence is found and read once (linear in a long message)."""
    end = -1
    scan = _SENTENCE_SCANS.get(pattern)
    for m in (scan or pattern).finditer(s):
        if m.start() < end:
            continue
        sent, start = sentence(s, m.start(), m.end())
        end = start + len(sent)
        yield m, sent, start


def _clause(sent: str, a: int, b: int) -> str:
    """The clause of ``sent`` around ``sent[a:b]`` (split at commas, semicolons, dashes)."""
    lo, hi = _clause_span(sent, a, b)
    return sent[lo:hi]


def _clause_span(sent: str, a: int, b: int) -> tuple[int, int]:
    """Where the clause of ``sent`` around ``sent[a:b]`` starts and ends."""
    lo = max((m.end() for m in _CLAUSE_BREAK.finditer(sent, 0, a)), default=0)
    after = _CLAUSE_BREAK.search(sent, b)
    return lo, after.start() if after is not None else len(sent)


def _kept_here(sent: str, clause: str) -> bool:
    """Paying or billing kept on the platform: a keep-here phrase, "here" or the platform's own
    means in the clause (another clause may keep only a part here: "the second half privately,
    the first one here is fine"), or talk of a product or its users in the sentence."""
    return bool(
        _beside_outside(lx.KEEP_HERE_RE, clause)
        or _beside_outside(lx.HERE_RE, clause)
        or _through_platform(clause)
        or _beside_outside(lx.PAY_PROJECT_NEG_RE, clause)
        or _beside_outside(lx.SPEC_RE, sent)
    )


def _through_platform(text: str) -> bool:
    """The platform's own means named as the way ("through the milestone tool", "über die
    Plattform"), not inside a place off it ("sin pasar por la web") nor refused."""
    found = lx.PAY6_THROUGH_RE.search(text)
    if found is None:
        return False
    away = [m.span() for m in lx.OUTSIDE_RE.finditer(text)]
    away += [m.span() for m in lx.PAY6_WITHOUT_RE.finditer(text)]
    for m in lx.PAY6_THROUGH_RE.finditer(text):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in away):
            continue
        if lx.NEGATION_RE.search(text, max(0, m.start() - 16), m.start()) is not None:
            continue
        return True
    return False


def _bill_own(views: Views, s: str) -> Finding | None:
    """Billing the other party oneself or through one's own business ("I'll invoice you
    myself", "mi agencia te factura el resto", "stell ich dir selbst in Rechnung", "aku tagih
    sendiri"), or directly, separately, or away from the platform."""
    words = views.words
    if not (
        lx.PAY6_BILL_EVIDENCE_GATE.may_match(s, words)
        or any(stem in s for stem in lx.DIRECT_WORD_STEMS)
        or (lx.OUTSIDE_GATE.may_match(s, words) and lx.OUTSIDE_ANY.search(s, words))
    ):
        return None  # no word of billing apart anywhere: no sentence to read for one
    for bill, sent, st in _first_per_sentence(s, lx.PAY6_BILL_RE):
        a, b = bill.start() - st, bill.end() - st
        lo, hi = max(0, a - 60), min(len(sent), b + 60)
        evidence = [
            *lx.PAY6_OWN_RE.finditer(sent, lo, hi),
            *lx.DIRECT_WORD_RE.finditer(sent, lo, hi),
            *lx.PAY6_WITHOUT_RE.finditer(sent, lo, hi),
            *lx.PAY6_PRIVATE_RE.finditer(sent, lo, hi),
        ]
        place = _place(sent)
        if place is not None:
            evidence.append(place)
        # "privately or to the company?", "prywatnie czy firmowo": whom to bill, a choice
        if all(_OR_AFTER.match(sent, m.end()) is not None for m in evidence):
            continue
        if "?" in sent[b:] and _ALTERNATIVE.search(sent, b) is not None:
            continue  # "fatturo privatamente o con partita IVA?": asked which, not proposed
        if _kept_here(sent, _clause(sent, a, b)) or _negation_before(sent, a):
            continue
        if _platform_named(sent):
            continue  # "the platform will charge you directly", "..., the platform handles it"
        return _op_finding(views, bill.start(), bill.end(), "pay:bill", Confidence.OFF_PLATFORM_PAY)
    return None


def _platform_named(sent: str) -> bool:
    """The platform or the site named in ``sent`` outside every place off it ("sin pasar por
    la web", "ohne die Plattform") and not refused ("через сайт не надо", "not on the site")."""
    found = lx.PAY6_PLATFORM_RE.search(sent)
    if found is None:
        return False
    away = [m.span() for m in lx.OUTSIDE_RE.finditer(sent)]
    away += [m.span() for m in lx.PAY6_WITHOUT_RE.finditer(sent)]
    for m in lx.PAY6_PLATFORM_RE.finditer(sent):
        if any(a <= m.start() < b for a, b in away):
            continue
        lo = max(0, m.start() - 24)
        if lx.NEGATION_RE.search(sent, lo, m.start()) or lx.PAY6_AWAY_RE.search(
            sent, lo, m.start()
        ):
            continue  # "hors site", "wag na dumaan sa site"
        if lx.NEGATION_RE.match(sent, m.end() + 1) is not None:
            continue  # a negation put after it: "через сайт не надо"
        return True
    return False


def _pay_private(views: Views, s: str) -> Finding | None:
    """Paying the writer privately, on the side ("zahlst du mir privat", "me la pagas en
    privado", "ادفعه لي على جنب", "bayar ke aku secara pribadi")."""
    for place, sent, st in _first_per_sentence(s, lx.PAY6_PRIVATE_RE):
        a, b = place.start() - st, place.end() - st
        pay = lx.PAY6_PAY2_RE.search(sent) or lx.PAY_ANY_RE.search(sent)
        if pay is None or _SEND_ONLY.fullmatch(pay.group()):
            continue
        if _OR_AFTER.match(sent, b) is not None:
            continue  # "made out to me privately or to my company?": a choice, not a move
        if _kept_here(sent, _clause(sent, min(a, pay.start()), max(b, pay.end()))):
            continue
        if _negation_before(sent, min(a, pay.start())):
            continue
        lo, hi = st + min(a, pay.start()), st + max(b, pay.end())
        return _op_finding(views, lo, hi, "pay:private", Confidence.OFF_PLATFORM_PAY)
    return None


# "Or" between two ways, in a question: which way is asked, none proposed.
_ALTERNATIVE = re.compile(r"\s(?:or|o|ou|oder|czy|albo|или|ya|veya|yoksa|atau|o kaya|أو|او)\s")
# An alternative right after the place ("privat oder auf die Firma", "prywatnie czy firmowo").
_OR_AFTER = re.compile(
    r"[^,.;?!]{0,24}?(?<!\w)(?:or|oder|ou|lub|albo|czy|или|либо|veya|yoksa|atau|أو|او|या)(?!\w)"
)


def _settle_between(views: Views, s: str) -> Finding | None:
    """Settling the rest of the money between the two parties ("остаток решим между собой",
    "बाकी हिसाब हम आपस में कर लेंगे", "sisanya kita beresin berdua")."""
    for settle, sent, st in _first_per_sentence(s, lx.PAY6_SETTLE_RE):
        a, b = settle.start() - st, settle.end() - st
        if lx.PAY6_REST_RE.search(sent) is None:
            continue
        lo, hi = max(0, a - 40), min(len(sent), b + 40)
        places = [
            *lx.BETWEEN_RE.finditer(sent, lo, hi),
            *lx.SELF_RE.finditer(sent, lo, hi),
            *lx.PAY6_PRIVATE_RE.finditer(sent, lo, hi),
        ]
        if all(_party_list(sent, m) for m in places):
            continue  # none, or "between us and the agency": a list of parties
        if _kept_here(sent, _clause(sent, a, b)) or _negation_before(sent, a):
            continue
        return _op_finding(
            views, settle.start(), settle.end(), "pay:settle", Confidence.OFF_PLATFORM_PAY
        )
    return None


def _skip_platform(views: Views, s: str) -> Finding | None:
    """Skipping the platform itself to save its cut or for a lower price ("if we skipped the
    platform you don't give them 20%", "gdybyśmy pominęli platformę", "мимо биржи могу за 30
    тысяч вместо 38"): a verb of skipping next to the platform (or its escrow, its middleman
    role, "here"), and money, a share, a price or the fee named in the message; not in product
    talk, not refused."""
    # the word gates first: most messages name no skipping at all
    pay6 = lx.PAY6_GATES["skip"].may_match(s, views.words)
    more = _SKIP_MORE_GATE.may_match(s, views.words)
    if not (pay6 or more) or not lx.PLATFORM_NOUN_GATE.may_match(s, views.words):
        return None
    if (
        "%" not in s
        and not lx.FEE_GATE.may_match(s, views.words)
        and _PRICE.search(s) is None
        and lx.PAY_ANY_RE.search(s) is None
    ):
        return None
    skips = [*lx.PAY6_SKIP_RE.finditer(s)] if pay6 else []
    if more:
        skips.extend(_SKIP_MORE.finditer(s))
    skips.sort(key=lambda m: m.start())
    for skip in skips[:_CONTACT_TRIES]:
        sent, st = sentence(s, skip.start(), skip.end())
        a, b = skip.start() - st, skip.end() - st
        noun = lx.PLATFORM_NOUN_RE.search(sent, b, b + 24) or lx.PLATFORM_NOUN_RE.search(
            sent, max(0, a - 24), a
        )
        if noun is None or _QUALIFIED.match(sent, noun.end()) is not None:
            continue  # "la plataforma de pruebas": another platform, named by what it is for
        if lx.PRODUCT_RE.search(sent) or _beside_outside(lx.SPEC_RE, sent):
            continue  # "users can skip the platform tour"
        if _negation_before(sent, min(a, noun.start())) and skip.re is not _SKIP_MORE:
            continue  # (the extra skips carry their own negation: "nggak lewat sini")
        lo, hi = st + min(a, noun.start()), st + max(b, noun.end())
        return _op_finding(views, lo, hi, "pay:skip_platform", Confidence.OFF_PLATFORM_PAY)
    return None


# A price: a currency sign, a number with a unit of thousands or a currency, or a number
# "instead of" another ("posso scendere a 800 invece di 950", "за 30 тысяч вместо 38").
_PRICE = re.compile(
    r"[$€£₹₺]|\d\s*(?:k|mil|bin|juta|rb|ribu|lakh|тыс\w*)(?!\w)"
    r"|\d[\d.,]*\s*(?:usd|eur|dollars?|euros?|rupees?|руб\w*|lira|tl|pesos?|reais|zl|pln)(?!\w)"
    r"|(?:instead of|invece di|вместо|en vez de|em vez de|au lieu de|statt|zamiast|yerine"
    r"|की जगह|ki jagah|sa halip na|bukan)\s*\d"
)
# More ways to leave the platform out, said with it ("мимо биржи", "प्लेटफॉर्म छोड दें",
# "platform hata do", "siteyi aradan çıkarırsak", "hindi na tayo dadaan dito").
_SKIP_MORE_FRAGMENTS = (
    r"мимо",
    r"छोड दें",
    r"छोड दो",
    r"छोड दीजिए",
    r"hata do",
    r"hata de",
    r"chhod do",
    r"chhod de",
    r"aradan cikar\w*",
    r"nggak lewat",
    r"gak lewat",
    r"tanpa lewat",
    r"ga lewat",
    r"hindi na (?:tayo )?dadaan",
)
_SKIP_MORE = compile_words(_SKIP_MORE_FRAGMENTS)
_SKIP_MORE_GATE = lx.fragment_gate(_SKIP_MORE_FRAGMENTS)


_QUALIFIED = re.compile(
    r"'s?\s+\w|\s+(?:de|of|for|di|do|da|per|для|dla|für|fur)\s+\w|\s+(?:tour|onboarding|settings"
    r"|docs|documentation|release\w*|api|sdk|team|updates?|version|dashboard|tests?)(?!\w)"
)


def _skip_checkout(views: Views, s: str) -> Finding | None:
    """Skipping the platform's checkout or payment, and settling it oneself ("skip the
    checkout here and sort out payment between ourselves", "saltarnos el pago de la
    plataforma y lo vemos tú y yo")."""
    for skip, sent, st in _first_per_sentence(s, lx.PAY6_SKIP_RE):
        a, b = skip.start() - st, skip.end() - st
        checkout = lx.PAY6_CHECKOUT_RE.search(sent, max(0, a - 40), min(len(sent), b + 40))
        if checkout is None:
            continue
        rest = sent[: checkout.start()] + " " + sent[checkout.end() :]
        # Settling it between the two, or paying it oneself: "ourselves" alone may be any
        # task ("skip the checkout tutorial, we'll handle it ourselves").
        if not (
            lx.BETWEEN_RE.search(rest)
            or lx.PAY6_SETTLE_RE.search(rest)
            or (
                (lx.SELF_RE.search(rest) or lx.PAY6_OWN_RE.search(rest))
                and lx.PAY_ANY_RE.search(rest)
            )
        ):
            continue
        if _beside_outside(lx.PAY_PROJECT_NEG_RE, rest) or _beside_outside(lx.SPEC_RE, rest):
            continue
        if _negation_before(sent, min(a, checkout.start())):
            continue
        lo, hi = st + min(a, checkout.start()), st + max(b, checkout.end())
        return _op_finding(views, lo, hi, "pay:skip", Confidence.OFF_PLATFORM_PAY)
    return None


def _without_middle(views: Views, s: str) -> Finding | None:
    """Doing it without the platform "in the middle" ("sin la plataforma en medio",
    "platformu araya sokmadan", "tanpa platform di tengah")."""
    for m, sent, st in _first_per_sentence(s, lx.PAY6_MIDDLE_RE):
        a = m.start() - st
        if _beside_outside(lx.PAY_PROJECT_NEG_RE, sent) or _beside_outside(lx.SPEC_RE, sent):
            continue
        if _negation_before(sent, a):
            continue
        return _op_finding(views, m.start(), m.end(), "pay:middle", Confidence.OFF_PLATFORM_PAY)
    return None


def _cash_hand(views: Views, s: str) -> Finding | None:
    """Paying in cash or in hand ("you pay me in hand", "mi paghi in contanti", "nakit
    verirsen", "bayar tunai pas barang sampai"), no product or its buyers in the sentence."""
    for cash, sent, st in _first_per_sentence(s, lx.PAY6_CASH_RE):
        a, b = cash.start() - st, cash.end() - st
        pay = lx.PAY6_PAY2_RE.search(sent) or next(
            (m for m in lx.PAY_ANY_RE.finditer(sent) if not _SEND_ONLY.fullmatch(m.group())),
            None,
        )
        if pay is None:
            continue
        # "the deposit here, the rest in cash when we meet": "here" keeps only the deposit
        rest = max((m.start() for m in _PAY_REST.finditer(sent, 0, a)), default=0)
        clause = sent[rest:]
        if _kept_here(sent, clause) or _negation_before(sent, min(a, pay.start())):
            continue
        lo, hi = st + min(a, pay.start()), st + max(b, pay.end())
        return _op_finding(views, lo, hi, "pay:cash", Confidence.OFF_PLATFORM_PAY)
    return None


# The rest of the money, set against a part paid here ("the other $1,800", "die restlichen",
# "sisanya", "الباقي").
_PAY_REST = re.compile(
    r"(?<!\w)(?:the other|the rest|the remaining|the balance|rest(?:lichen|liche|)|sisanya|sisa"
    r"|el resto|lo demas|o resto|le reste|il resto|reszt\w*|остат\w*|остальн\w*|baaki|baki"
    r"|kalan\w*|الباقي|والباقي|natitira|yung iba)(?!\w)"
)


def _direct_discount(views: Views, s: str) -> Finding | None:
    """A lower price for coming to the writer directly next time ("contattami direttamente e
    ti faccio il 10% in meno", "пишите сразу мне, сделаю на 10% дешевле")."""
    for less, sent, st in _first_per_sentence(s, lx.PAY6_LESS_RE):
        place = lx.PAY6_DIRECT_ME_RE.search(sent) or _place(sent)
        if place is None:
            continue
        if _kept_here(sent, sent) or _negation_before(sent, min(place.start(), less.start() - st)):
            continue
        lo, hi = st + min(place.start(), less.start() - st), max(st + place.end(), less.end())
        return _op_finding(views, lo, hi, "pay:discount", Confidence.OFF_PLATFORM_PAY)
    return None


# Each rule behind the gate of its anchor's kind (``lexicon.PAY6_GATES``), in this order.
_PAY6_RULES: tuple[tuple[str, Callable[[Views, str], Finding | None]], ...] = (
    ("bill", _bill_own),
    ("private", _pay_private),
    ("settle", _settle_between),
    ("skip", _skip_checkout),
    ("middle", _without_middle),
    ("cash", _cash_hand),
)


def _direct_offer(sent: str, place: re.Match[str]) -> bool:
    """``place`` is "direct" said of an offer, next to it ("send me a direct offer here",
    "kirim penawaran langsung"): the platform's own direct-offer feature, no place off it."""
    if lx.DIRECT_WORD_RE.fullmatch(place.group()) is None:
        return False
    if lx.PAY6_OFFER_RE.match(sent, place.end() + 1) is not None:
        return True  # "direkt teklif", "direct offer"
    before = sent[max(0, place.start() - 16) : place.start()]
    return any(not before[m.end() :].strip() for m in lx.PAY6_OFFER_RE.finditer(before))
