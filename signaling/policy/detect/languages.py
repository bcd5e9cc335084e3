"""Every language's words, in one place.

Adding a language is one :class:`Language` entry in ``LANGUAGES``: its number words (digits,
two-digit words, tens, hundreds, multipliers such as "double"), its words for "@", "." and
"/", the names it gives the "@" symbol, and its phrases for moving a conversation and for
paying (verbs, places off the platform, fee and discount words). ``lexicon`` compiles the
union of all languages into the patterns the rules use, so a word added here is matched in
every message whatever its language.

Entries are written with their real spelling (accents, Cyrillic, Arabic, Devanagari): they are
folded the same way as messages (lowercase, accents stripped, look-alikes folded). Word lists
hold plain words; ``*_phrases`` hold regular-expression fragments (lowercase, ``\\w`` for an
inflection ending, ``\\s+`` or a space between words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def _m(**kw: str) -> Mapping[str, str]:
    return MappingProxyType(kw)


@dataclass(frozen=True)
class Language:
    """The words one language uses for contact details and for moving off the platform."""

    code: str
    name: str
    # number words: word -> digit, word -> value
    digits: Mapping[str, str] = field(default_factory=dict)
    two_digit: Mapping[str, int] = field(default_factory=dict)
    tens: Mapping[str, int] = field(default_factory=dict)
    hundreds: Mapping[str, int] = field(default_factory=dict)
    multipliers: Mapping[str, int] = field(default_factory=dict)  # "double" -> 2
    plus_words: tuple[str, ...] = ()  # "plus" before a country code
    # obfuscated addresses
    at_words: tuple[str, ...] = ()  # a spoken "@" between two pieces ("arroba")
    weak_at_words: tuple[str, ...] = ()  # also an everyday word ("at"): needs more evidence
    dot_words: tuple[str, ...] = ()  # a spoken "." ("dot")
    weak_dot_words: tuple[str, ...] = ()  # also an everyday word ("punto", "point")
    slash_words: tuple[str, ...] = ()
    underscore_words: tuple[str, ...] = ()
    at_symbol_names: tuple[str, ...] = ()  # "the at sign": the symbol named as a thing
    # apps and places
    app_names: tuple[str, ...] = ()  # local spellings of messaging apps (regex fragments)
    meeting_tools: tuple[str, ...] = ()  # local spellings of meeting tools
    app_words: tuple[str, ...] = ()  # the word "app" (for euphemisms: "the green app")
    app_colours: tuple[str, ...] = ()  # colours and logos apps are named by
    username_words: tuple[str, ...] = ()  # "username", "usuario", "nick"
    handle_connectors: tuple[str, ...] = ()  # small words between an app and a handle
    # intent: regex fragments
    move_phrases: tuple[str, ...] = ()  # "let's continue", "write me", "what's your"
    meeting_cues: tuple[str, ...] = ()  # "call", "llamada", "созвон"
    pay_verbs: tuple[str, ...] = ()  # "pay", "pagar", "zahlen"
    pay_methods: tuple[str, ...] = ()  # local payment means ("bonifico", "przelew")
    outside_phrases: tuple[str, ...] = ()  # "outside the platform", "directly"
    fee_phrases: tuple[str, ...] = ()  # "fee", "commission", "the platform's cut"
    save_phrases: tuple[str, ...] = ()  # "save", "skip", "avoid", "discount", "% off"
    product_phrases: tuple[str, ...] = ()  # "field", "form": talk about a product being built
    negations: tuple[str, ...] = ()
    keep_here_phrases: tuple[str, ...] = ()  # "only here", "through the platform"
    phone_cues: tuple[str, ...] = ()  # "number", "call", "whatsapp"
    not_phone_cues: tuple[str, ...] = ()  # "tracking", "VAT", "invoice": an id follows
    email_cues: tuple[str, ...] = ()


_COMMON_APPS = (
    "whats ?app\\w{0,4}",
    "telegram\\w{0,4}",
    "signal\\w{0,2}",
    "viber",
    "skype",
    "discord",
    "messenger",
    "instagram",
)

LANGUAGES: tuple[Language, ...] = (
    Language(
        "en",
        "English",
        digits=_m(
            zero="0", oh="0", nought="0", one="1", two="2", three="3", four="4", five="5",
            six="6", seven="7", eight="8", nine="9",
        ),
        two_digit={
            "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
            "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
        },
        tens={
            "twenty": 2, "thirty": 3, "forty": 4, "fifty": 5, "sixty": 6, "seventy": 7,
            "eighty": 8, "ninety": 9,
        },
        multipliers={"double": 2, "dubble": 2, "triple": 3, "treble": 3},
        plus_words=("plus",),
        weak_at_words=("at",),
        at_words=("at the rate of", "at the rate", "at sign", "at symbol", "at-sign"),
        dot_words=("dot",),
        weak_dot_words=("point",),
        slash_words=("slash",),
        underscore_words=("underscore",),
        at_symbol_names=("at sign", "at symbol", "at-sign", "the at", "@ sign", "@ symbol"),
        app_words=("app", "apps", "application"),
        app_colours=(
            "green", "blue", "purple", "yellow", "bird", "paper plane", "plane", "ghost",
            "camera", "speech bubble", "lock",
        ),
        username_words=("username", "user name", "user", "handle", "nick", "nickname", "id"),
        handle_connectors=("is", "my", "it's", "its", "as", "on", "under", "at", "there"),
        move_phrases=(
            "continue on", "move (?:to|over)", "switch to", "hop (?:on|over)", "come (?:to|over)",
            "(?:we can|let's) (?:chat|talk|text) (?:on|in|over)",
        ),
        meeting_cues=("call", "meet", "meeting", "video", "invite", "session"),
        pay_verbs=("pay", "paid", "paying", "payment", "settle", "send the money", "transfer"),
        product_phrases=("field", "fields", "form", "input", "checkout", "column"),
        pay_methods=("bank", "wise", "gcash"),
        outside_phrases=(
            "outside (?:of )?(?:the |this )?(?:platform|site|app)", "off[- ]?platform",
            "off (?:the|this) (?:platform|site)", "directly", "direct",
        ),
        fee_phrases=("fees?", "commission", "(?:the |platform )?cut", "escrow"),
        save_phrases=(
            "sav(?:e|es|ing)", "skip", "avoid", "without", "no", "\\d+ ?% off", "discount",
            "knock \\w+ off", "cheaper",
        ),
        phone_cues=("number", "cell", "phone", "call", "text", "ring"),
        not_phone_cues=(
            "tracking", "track", "waybill", "parcel", "shipment", "label number", "duns", "ein",
            "vat", "company no", "registration", "reg no", "iban", "swift", "bic", "routing",
            "placeholder", "account number",
        ),
        email_cues=("email", "mail", "write", "reach", "contact", "send"),
    ),
    Language(
        "es",
        "Spanish",
        digits=_m(
            cero="0", uno="1", una="1", dos="2", tres="3", cuatro="4", cinco="5", seis="6",
            siete="7", ocho="8", nueve="9",
        ),
        two_digit={
            "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
            "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
            "veintiuno": 21, "veintiún": 21, "veintidós": 22, "veintitrés": 23,
            "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26, "veintisiete": 27,
            "veintiocho": 28, "veintinueve": 29,
        },
        tens={
            "veinte": 2, "treinta": 3, "cuarenta": 4, "cincuenta": 5, "sesenta": 6,
            "setenta": 7, "ochenta": 8, "noventa": 9,
        },
        multipliers={"doble": 2, "triple": 3},
        plus_words=("más",),
        at_words=("arroba",),
        weak_dot_words=("punto",),
        slash_words=("barra", "diagonal"),
        underscore_words=("guion bajo",),
        at_symbol_names=("arroba",),
        app_words=("app", "aplicación", "aplicacion"),
        app_colours=("verde", "azul", "morada", "del pajarito", "del avioncito", "del fantasma"),
        username_words=("usuario", "nombre de usuario", "nick"),
        handle_connectors=("mi", "es", "en", "como", "soy", "pero"),
        move_phrases=(
            "sigamos", "continuemos", "hablemos", "pasemos", "seguimos (?:por|en)",
            "podemos (?:seguir|hablar|continuar|pasar)", "vamos a (?:seguir|hablar)", "escr[ií]beme",
            "agr[eé]game", "añ[aá]deme", "ll[aá]mame", "m[aá]ndame", "p[aá]same", "dame tu",
            "cu[aá]l es tu", "tienes", "me pasas", "mi (?:n[uú]mero|correo|whatsapp|telegram|email|cel)",
        ),
        meeting_cues=("llamada", "videollamada", "reuni[oó]n", "charla", "hablar", "hablamos", "nos vemos"),
        pay_verbs=(
            "pag(?:a|ar|as|o|ue|ues|amos|ame|arte|arme|ale)", "p[aá]game", "transfi[eé]reme",
            "deposita\\w*",
        ),
        product_phrases=("campo", "formulario", "pasarela"),
        pay_methods=("transferencia", "dep[oó]sito", "bizum", "nequi", "daviplata", "mercado pago"),
        outside_phrases=("por fuera", "fuera de (?:la|esta) plataforma", "directo", "directamente"),
        fee_phrases=("comisi[oó]n",),
        save_phrases=("descuento", "ahorr\\w*", "sin", "evitar"),
        negations=("nunca", "jam[aá]s"),
        keep_here_phrases=("solo por aqu[ií]", "por la plataforma", "aqu[ií] mismo"),
        phone_cues=("n[uú]mero", "tel[eé]fono", "celular", "m[oó]vil", "ll[aá]m\\w*"),
        not_phone_cues=("seguimiento", "env[ií]o", "cif", "nif", "iban", "factura"),
        email_cues=("correo", "escr[ií]b\\w*"),
    ),
    Language(
        "pt",
        "Portuguese",
        digits=_m(
            zero="0", um="1", uma="1", dois="2", duas="2", três="3", quatro="4", cinco="5",
            seis="6", meia="6", sete="7", oito="8", nove="9",
        ),
        two_digit={
            "dez": 10, "onze": 11, "doze": 12, "treze": 13, "catorze": 14, "quatorze": 14,
            "quinze": 15, "dezesseis": 16, "dezasseis": 16, "dezessete": 17, "dezassete": 17,
            "dezoito": 18, "dezenove": 19, "dezanove": 19,
        },
        tens={
            "vinte": 2, "trinta": 3, "quarenta": 4, "cinquenta": 5, "sessenta": 6,
            "setenta": 7, "oitenta": 8, "noventa": 9,
        },
        multipliers={"dobro": 2, "duplo": 2, "triplo": 3},
        plus_words=("mais",),
        at_words=("arroba",),
        weak_dot_words=("ponto",),
        slash_words=("barra",),
        underscore_words=("underline", "sublinhado"),
        at_symbol_names=("arroba",),
        app_words=("app", "aplicativo", "aplicação"),
        app_colours=("verde", "azul", "roxo", "do passarinho", "do aviãozinho", "do fantasminha"),
        username_words=("usuário", "nome de usuário", "nick"),
        handle_connectors=("meu", "é", "no", "na", "mas", "como"),
        move_phrases=(
            "vamos (?:continuar|conversar|falar|seguir)", "bora (?:continuar|conversar|falar)",
            "podemos (?:continuar|conversar|falar)", "me chama", "me adiciona", "me liga",
            "me manda", "me passa", "manda (?:seu|teu)", "qual (?:[eé] )?(?:o )?(?:seu|teu)",
            "voc[eê] tem", "tem (?:whatsapp|zap|telegram)",
            "meu (?:n[uú]mero|whatsapp|zap|telegram|email|e-mail|contato)", "me chame",
        ),
        meeting_cues=("chamada", "videochamada", "conversar", "falar", "reuni[aã]o", "agendar"),
        pay_verbs=("pag(?:a|ar|o|ue|amento|ou|ando)", "me paga", "transfer\\w*", "deposit\\w*"),
        product_phrases=("campo", "formul[aá]rio", "checkout", "m[aá]scara"),
        pay_methods=("pix", "chave pix", "boleto", "transfer[eê]ncia"),
        outside_phrases=("por fora", "fora da plataforma", "direto", "diretamente"),
        fee_phrases=("taxa", "comiss[aã]o"),
        save_phrases=("desconto", "econom\\w*", "sem", "evitar"),
        negations=("nunca", "n[aã]o"),
        keep_here_phrases=("aqui mesmo", "s[oó] por aqui", "pela plataforma"),
        phone_cues=("n[uú]mero", "telefone", "celular", "liga", "ligue", "zap", "whats", "fone"),
        not_phone_cues=("rastreio", "rastreamento", "cnpj", "cpf", "nota fiscal", "m[aá]scara"),
        email_cues=("escrev\\w*",),
    ),
    Language(
        "fr",
        "French",
        digits=_m(
            zéro="0", un="1", une="1", deux="2", trois="3", quatre="4", cinq="5", six="6",
            sept="7", huit="8", neuf="9",
        ),
        two_digit={
            "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
            "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19,
        },
        tens={
            "vingt": 2, "trente": 3, "quarante": 4, "cinquante": 5, "soixante": 6,
            "quatre-vingts": 8, "quatre-vingt": 8, "quatre vingt": 8,
        },
        multipliers={"double": 2, "triple": 3},
        plus_words=("plus",),
        at_words=("arobase", "arrobase", "a commercial"),
        weak_dot_words=("point",),
        slash_words=("slash", "barre oblique"),
        underscore_words=("tiret bas", "underscore"),
        at_symbol_names=("arobase", "signe arobase", "a commercial"),
        app_words=("app", "appli", "application"),
        app_colours=("verte", "bleue", "violette", "à l'oiseau", "au fantôme", "à l'avion"),
        username_words=("pseudo", "identifiant", "nom d'utilisateur", "utilisateur"),
        handle_connectors=("mon", "ma", "est", "c'est", "sur", "mais", "comme"),
        move_phrases=(
            "continuons", "on continue", "on peut (?:continuer|parler|discuter)", "parlons",
            "on passe (?:sur|à|en)", "passons (?:sur|à)", "ajoute-moi", "ajoutez-moi", "[ée]cris-moi",
            "[ée]crivez-moi", "appelle-moi", "appelez-moi", "envoie-moi", "envoyez-moi",
            "donne-moi", "donnez-moi", "quel est (?:ton|votre)", "tu as", "vous avez",
            "mon (?:num[ée]ro|whatsapp|telegram|mail|email|e-mail)", "contacte-moi",
            "contactez-moi",
        ),
        meeting_cues=("appel", "visio", "parler", "discuter", "rendez-vous", "cr[ée]neau"),
        pay_verbs=(
            "pai(?:e|es|ent|era\\w*|ement)", "pay(?:er|e|es|ez|ons|é)", "r[ée]gl(?:er|ons|ez|e)",
            "vire(?:r|z|ment)",
        ),
        product_phrases=("champ", "formulaire"),
        pay_methods=("virement", "lydia", "paylib"),
        outside_phrases=(
            "hors (?:de la )?plateforme", "en dehors de la plateforme", "en direct", "directement",
        ),
        fee_phrases=("frais", "commission"),
        save_phrases=("remise", "r[ée]duction", "-\\s?\\d+ ?%", "[ée]viter", "sans", "pas de", "[ée]conomis\\w*"),
        negations=("ne", "pas", "jamais"),
        keep_here_phrases=("uniquement ici", "via la plateforme", "ici"),
        phone_cues=("num[ée]ro", "t[ée]l[ée]phone", "portable", "appel\\w*", "appelle"),
        not_phone_cues=("suivi", "colis", "siret", "siren", "tva", "facture", "d[ée]faut"),
        email_cues=("courriel", "[ée]cri\\w*"),
    ),
    Language(
        "de",
        "German",
        digits=_m(
            null="0", eins="1", zwei="2", zwo="2", drei="3", vier="4", fünf="5",
            sechs="6", sieben="7", acht="8", neun="9",
        ),
        two_digit={"zehn": 10, "elf": 11, "zwölf": 12},
        multipliers={"doppel": 2, "doppelte": 2, "doppelt": 2, "dreifach": 3},
        plus_words=("plus",),
        at_words=("klammeraffe", "at-zeichen"),
        weak_dot_words=("punkt",),
        slash_words=("schrägstrich",),
        underscore_words=("unterstrich",),
        at_symbol_names=("at-zeichen", "at zeichen", "klammeraffe"),
        app_words=("app",),
        app_colours=("grün\\w*", "blau\\w*", "lila", "mit dem vogel", "mit dem papierflieger"),
        username_words=("benutzername", "nutzername", "username", "nick"),
        handle_connectors=("mein", "meine", "ist", "bei", "auf", "aber", "als", "unter"),
        move_phrases=(
            "lass uns (?:auf|bei|in|über|per|\\w+ )?", "schreib(?:en sie)? mir", "ruf mich an",
            "meld dich", "melde dich", "schick mir", "gib mir deine", "hast du",
            "weiterschreiben", "weiter(?:machen|reden)",
        ),
        meeting_cues=("telefonier\\w*", "anruf", "videocall", "gespr[äa]ch", "termin", "treffen"),
        pay_verbs=("zahl\\w*", "bezahl\\w*", "abrechn\\w*", "überweis\\w*"),
        product_phrases=("feld", "felder", "formular\\w*"),
        pay_methods=("überweisung", "sofortüberweisung"),
        outside_phrases=(
            "außerhalb der plattform", "ausserhalb der plattform", "direkt", "an der plattform vorbei",
        ),
        fee_phrases=("gebühr\\w*", "provision"),
        save_phrases=("rabatt", "spar\\w*", "ohne"),
        negations=("nicht", "nie", "kein\\w*"),
        keep_here_phrases=("nur hier", "über die plattform", "hier über"),
        phone_cues=("nummer", "telefon\\w*", "handy", "ruf", "anruf\\w*"),
        not_phone_cues=(
            "sendungsnummer", "sendung", "ust-idnr", "ust", "handelsregister", "hrb", "steuernummer",
            "rechnungsnummer", "platzhalter",
        ),
        email_cues=("schreib\\w*", "kontakt"),
    ),
    Language(
        "it",
        "Italian",
        digits=_m(
            zero="0", uno="1", due="2", tre="3", quattro="4", cinque="5", sei="6", sette="7",
            otto="8", nove="9",
        ),
        two_digit={"dieci": 10, "undici": 11, "dodici": 12},
        multipliers={"doppio": 2, "doppia": 2, "triplo": 3, "tripla": 3},
        plus_words=("più",),
        at_words=("chiocciola", "chiocciolina"),
        weak_dot_words=("punto",),
        slash_words=("barra", "slash"),
        underscore_words=("trattino basso", "underscore"),
        at_symbol_names=("chiocciola", "la chiocciola"),
        app_words=("app", "applicazione"),
        app_colours=("verde", "blu", "azzurra", "viola", "con l'uccellino", "con l'aeroplanino"),
        username_words=("nome utente", "utente", "username", "nick"),
        handle_connectors=("il", "mio", "è", "su", "ma", "come", "sono"),
        move_phrases=(
            "sentiamoci", "scrivimi", "chiamami", "passiamo (?:su|a)", "continuiamo (?:su|in)",
            "aggiungimi", "mandami", "dammi il tuo", "hai (?:whatsapp|telegram)",
            "il mio (?:numero|whatsapp|telegram)",
        ),
        meeting_cues=("chiamata", "videochiamata", "call", "riunione", "sentiamo"),
        pay_verbs=("pag(?:a|are|ami|hi|herò|o|amento)", "bonific\\w*"),
        product_phrases=("campo", "modulo", "pagina di pagamento"),
        pay_methods=("bonifico", "satispay", "postepay"),
        outside_phrases=("fuori dalla piattaforma", "direttamente", "diretto"),
        fee_phrases=("commission\\w*",),
        save_phrases=("sconto", "risparmi\\w*", "senza", "evitare"),
        negations=("non", "mai"),
        keep_here_phrases=("solo qui", "tramite la piattaforma"),
        phone_cues=("numero", "telefono", "cellulare", "chiamami", "chiama"),
        not_phone_cues=("tracciamento", "spedizione", "partita iva", "iva", "rea", "fattura", "esempio"),
        email_cues=("scrivi\\w*",),
    ),
    Language(
        "pl",
        "Polish",
        digits=_m(
            zero="0", jeden="1", jedynka="1", dwa="2", dwójka="2", trzy="3", trójka="3",
            cztery="4", czwórka="4", pięć="5", piątka="5", sześć="6", szóstka="6",
            siedem="7", siódemka="7", osiem="8", ósemka="8", dziewięć="9", dziewiątka="9",
        ),
        multipliers={
            "podwójna": 2, "podwójne": 2, "podwójny": 2, "dwie": 2, "potrójna": 3,
        },
        at_words=("małpa", "malpa", "małpka"),
        weak_dot_words=("kropka",),
        slash_words=("ukośnik",),
        underscore_words=("podkreślnik",),
        at_symbol_names=("małpa", "małpka"),
        app_words=("aplikacj\\w*", "apk\\w*", "appk\\w*"),
        app_colours=("zielon\\w*", "niebiesk\\w*", "fioletow\\w*", "z ptaszkiem", "z samolocikiem"),
        username_words=("nick", "nazwa użytkownika", "login"),
        handle_connectors=("mój", "to", "na", "ale", "jako", "jest"),
        move_phrases=(
            "napisz(?: do mnie)?", "pisz", "przejdźmy", "dodaj mnie", "zadzwoń", "dzwoń",
            "odezwij się", "podaj (?:swój|mi)", "masz (?:whatsapp|telegram)",
        ),
        meeting_cues=("rozmow\\w*", "spotkani\\w*", "call\\w*", "wideo\\w*"),
        pay_verbs=("zapła\\w*", "płać", "płac\\w*", "przelej\\w*", "wpłac\\w*", "rozliczmy"),
        product_phrases=("pol[ae]", "formularz\\w*"),
        pay_methods=("przelew\\w*", "blik\\w*", "revolut\\w*"),
        outside_phrases=("poza platform\\w*", "bezpośrednio", "bez platformy"),
        fee_phrases=("prowizj\\w*",),
        save_phrases=("rabat\\w*", "zniżk\\w*", "oszczędz\\w*", "bez"),
        negations=("nie", "nigdy"),
        keep_here_phrases=("tylko tutaj", "przez platformę"),
        phone_cues=("numer", "telefon\\w*", "zadzwoń", "dzwoń", "komórk\\w*"),
        not_phone_cues=(
            "przesyłki", "przesyłka", "nip", "regon", "krs", "faktura", "przykładowy", "zł", "kwot\\w*",
        ),
        email_cues=("pisz", "napisz", "mail\\w*"),
    ),
    Language(
        "ru",
        "Russian",
        digits=_m(
            ноль="0", нуль="0", один="1", одна="1", единица="1", два="2", две="2", двойка="2",
            двойки="2", три="3", тройка="3", тройки="3", четыре="4", четверка="4", пять="5",
            пятерка="5", пятерки="5", шесть="6", шестерка="6", семь="7", семерка="7",
            семерки="7", восемь="8", восьмерка="8", девять="9", девятка="9",
        ),
        two_digit={
            "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13,
            "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17,
            "восемнадцать": 18, "девятнадцать": 19,
        },
        tens={
            "двадцать": 2, "тридцать": 3, "сорок": 4, "пятьдесят": 5, "шестьдесят": 6,
            "семьдесят": 7, "восемьдесят": 8, "девяносто": 9,
        },
        hundreds={
            "сто": 1, "двести": 2, "триста": 3, "четыреста": 4, "пятьсот": 5, "шестьсот": 6,
            "семьсот": 7, "восемьсот": 8, "девятьсот": 9,
        },
        multipliers={"двойная": 2, "двойной": 2, "тройная": 3, "тройной": 3},
        plus_words=("плюс",),
        at_words=("собака", "собачка", "эт"),
        weak_dot_words=("точка", "дот"),
        slash_words=("слэш", "слеш"),
        underscore_words=("подчеркивание", "нижнее подчеркивание"),
        at_symbol_names=("собака", "собачка"),
        app_words=("приложени\\w*", "мессенджер\\w*"),
        app_colours=("зел[её]н\\w*", "син\\w*", "фиолетов\\w*", "с самол[её]тиком", "с птичкой"),
        username_words=("ник", "логин", "юзернейм", "имя пользователя"),
        handle_connectors=("мой", "меня", "в", "на", "а", "это", "как"),
        move_phrases=(
            "давай\\w*", "продолжим", "перейд[её]м", "пиши", "напиши\\w*", "добавь\\w*", "скинь\\w*",
            "дай\\w* (?:свой|ваш)", "какой у (?:тебя|вас)", "есть (?:ли )?(?:у тебя|у вас)",
            "мой (?:номер|телеграм|ватсап|email|имейл)", "звони\\w*", "позвони\\w*", "свяжи\\w*",
            "общаться", "общени\\w*", "переписк\\w*",
        ),
        meeting_cues=("созвон\\w*", "звон\\w*", "встреч\\w*", "поговор\\w*", "собеседован\\w*"),
        pay_verbs=(
            "оплат\\w*", "заплат\\w*", "плати\\w*", "плачу", "перевед\\w*", "переве[дс]\\w*",
            "рассчита\\w*",
        ),
        product_phrases=("пол[еяю]", "форм[аеуы]"),
        pay_methods=("на карту", "карт\\w*", "перевод\\w*", "сбп", "qiwi", "юмани"),
        outside_phrases=("вне платформы", "мимо платформы", "минуя платформу", "напрямую"),
        fee_phrases=("комисси\\w*",),
        save_phrases=("скидк\\w*", "сэконом\\w*", "без", "не платить"),
        negations=("не", "нельзя"),
        keep_here_phrases=("только здесь", "через платформу"),
        phone_cues=("телефон", "номер", "мобил\\w*", "ватсап", "вотсап", "звон\\w*"),
        not_phone_cues=("трек", "инн", "огрн", "кпп", "сч[её]т", "маска", "заказ", "сумм\\w*", "₽", "руб\\w*"),
        email_cues=("почт\\w*", "мейл", "имейл"),
    ),
    Language(
        "hi",
        "Hindi (Latin script)",
        digits=_m(
            shunya="0", shoonya="0", sunya="0", ek="1", do="2", teen="3", char="4", chaar="4",
            paanch="5", panch="5", chhe="6", chhah="6", chah="6", chhey="6", saat="7", aath="8",
            aat="8", nau="9",
        ),
        at_words=("at the rate",),
        username_words=("username", "id"),
        handle_connectors=("pe", "par", "mera", "meri", "hai", "h", "nahi", "hoon"),
        app_words=("app", "wale app"),
        app_colours=("hare", "hara", "neele", "neela", "green", "blue"),
        move_phrases=(
            "baat kar\\w*", "add kar\\w*", "message kar\\w*", "msg kar\\w*", "call kar\\w*",
            "ping kar\\w*", "contact kar\\w*", "bhej\\w*", "de do", "dedo", "batao", "bataiye",
            "mera (?:number|whatsapp|email|telegram|no)", "meri (?:email|id)",
            "aapka (?:number|whatsapp|email|telegram)", "tumhara (?:number|whatsapp|email|telegram)",
            "chalo", "chaliye", "pe baat", "par baat",
        ),
        meeting_cues=("call kar\\w*", "baat", "milte", "meeting kar\\w*"),
        pay_verbs=("pay kar\\w*", "payment kar\\w*", "bhej\\w*", "de do"),
        product_phrases=("field", "form"),
        outside_phrases=("platform (?:ke|se) bahar", "seedha", "seedhe", "direct"),
        fee_phrases=("fees?", "commission"),
        save_phrases=("bach\\w*", "nahi", "discount", "kat\\w*"),
        negations=("nahi", "nahin", "mat"),
        keep_here_phrases=("yahin par", "platform se hi", "platform pe hi"),
        phone_cues=("karo", "kare", "number", "likho"),
        not_phone_cues=("gstin", "gst", "courier", "tracking", "invoice"),
    ),
    Language(
        "hi-deva",
        "Hindi (Devanagari)",
        digits=_m(
            शून्य="0", एक="1", दो="2", तीन="3", चार="4", पांच="5", पाँच="5", छह="6", छः="6",
            सात="7", आठ="8", नौ="9",
        ),
        multipliers={"डबल": 2, "ट्रिपल": 3},
        at_words=("एट", "ऐट", "एट द रेट"),
        dot_words=("डॉट", "डाट"),
        at_symbol_names=("एट साइन",),
        app_names=("व्हाट्सएप", "व्हाट्सऐप", "टेलीग्राम", "डिस्कॉर्ड", "स्काइप", "इंस्टाग्राम"),
        meeting_tools=("ज़ूम", "जूम", "गूगल मीट", "टीम्स"),
        app_words=("ऐप", "एप"),
        app_colours=("हरे", "हरा", "नीले", "नीला"),
        username_words=("यूज़रनेम", "यूजरनेम", "आईडी"),
        handle_connectors=("पर", "मेरा", "मेरी", "है"),
        move_phrases=("बात कर\\w*", "मैसेज कर\\w*", "कॉल कर\\w*", "भेज\\w*", "जुड़\\w*", "ऐड कर\\w*"),
        meeting_cues=("कॉल", "मीटिंग", "बात"),
        pay_verbs=("पेमेंट", "भुगतान", "पैसे", "भेज\\w*"),
        product_phrases=("फ़ील्ड", "फील्ड", "फॉर्म"),
        outside_phrases=("प्लेटफॉर्म के बाहर", "प्लेटफ़ॉर्म के बाहर", "सीधे", "डायरेक्ट"),
        fee_phrases=("कमीशन", "फीस"),
        save_phrases=("छूट", "बच\\w*"),
        negations=("नहीं", "मत"),
        keep_here_phrases=("प्लेटफॉर्म से ही", "यहीं"),
        phone_cues=("नंबर", "नम्बर", "फोन", "फ़ोन", "व्हाट्सएप", "कॉल"),
        not_phone_cues=("ट्रैकिंग", "जीएसटी", "gst", "इनवॉइस", "उदाहरण"),
        email_cues=("ईमेल", "मेल"),
    ),
    Language(
        "ar",
        "Arabic",
        digits=_m(
            صفر="0", واحد="1", اثنان="2", اثنين="2", ثلاثة="3", ثلاث="3", أربعة="4", أربع="4",
            خمسة="5", خمس="5", ستة="6", ست="6", سبعة="7", سبع="7", ثمانية="8", ثمان="8",
            تسعة="9", تسع="9",
        ),
        multipliers={"دبل": 2},
        at_words=("آت", "ات", "أت"),
        dot_words=("دوت",),
        weak_dot_words=("نقطة", "نقطه"),
        at_symbol_names=("علامة آت",),
        app_names=(
            "واتساب", "واتس", "الواتس", "الواتساب", "تيليجرام", "تلغرام", "تليجرام", "ديسكورد",
            "سكايب", "انستغرام", "انستا", "فايبر", "سيجنال",
        ),
        meeting_tools=("زوم", "زووم", "جوجل ميت", "قوقل ميت", "تيمز"),
        app_words=("التطبيق", "تطبيق", "البرنامج"),
        app_colours=("الأخضر", "الاخضر", "الأزرق", "الازرق"),
        username_words=("اسم المستخدم", "المستخدم", "يوزر", "اليوزر", "معرف"),
        handle_connectors=("على", "بس", "هو", "عندي", "ما", "لكن"),
        move_phrases=(
            "كلمني", "راسلني", "تواصل معي", "نكمل", "نتكلم", "خلينا", "اضفني", "ضيفني", "ابعتلي",
            "ارسل لي",
        ),
        meeting_cues=("مكالمة", "اجتماع", "نتكلم", "مكالمه"),
        pay_verbs=("ادفع", "دفع", "حولي", "حول لي", "حول المبلغ", "تحويل"),
        product_phrases=("حقل", "نموذج"),
        pay_methods=("تحويل بنكي", "حسابي", "الحساب البنكي"),
        outside_phrases=("خارج المنصة", "مباشرة", "مباشره", "بره المنصة"),
        fee_phrases=("العمولة", "العموله", "عمولة"),
        save_phrases=("خصم", "نوفر", "بدون"),
        negations=("لا", "ليس", "ما"),
        keep_here_phrases=("عن طريق المنصة", "عبر المنصة", "داخل المنصة"),
        phone_cues=("رقمي", "رقم", "هاتف", "جوال", "واتساب", "اتصل", "راسلني"),
        not_phone_cues=("تتبع", "الشحنة", "السجل التجاري", "الضريبي", "فاتورة", "الافتراضي"),
        email_cues=("ايميل\\w*", "البريد", "بريد"),
    ),
    Language(
        "tr",
        "Turkish",
        digits=_m(
            sıfır="0", bir="1", iki="2", üç="3", dört="4", beş="5", altı="6", yedi="7",
            sekiz="8", dokuz="9",
        ),
                multipliers={"çift": 2},
        at_words=("et işareti",),
        weak_at_words=("et",),
        weak_dot_words=("nokta",),
        slash_words=("eğik çizgi", "slash"),
        underscore_words=("alt çizgi",),
        at_symbol_names=("et işareti", "at işareti"),
        app_words=("uygulama\\w*",),
        app_colours=("yeşil", "mavi", "mor", "kuşlu", "uçaklı"),
        username_words=("kullanıcı adım", "kullanıcı adı", "kullanıcı", "nick"),
        handle_connectors=("adım", "benim", "de", "da", "ama", "ise"),
        move_phrases=(
            "yaz\\w*", "devam edelim", "geçelim", "ekle\\w*", "ara beni", "beni ara", "konuşalım",
            "numaranı ver",
        ),
        meeting_cues=("görüş\\w*", "toplantı", "arama", "konuşalım"),
        pay_verbs=("öde\\w*", "gönder\\w*", "havale\\w*", "yatır\\w*"),
        product_phrases=("alan\\w*", "form\\w*"),
        pay_methods=("havale", "eft", "iban\\w*", "papara"),
        outside_phrases=("platform dışında", "platformun dışında", "doğrudan", "direkt"),
        fee_phrases=("komisyon\\w*", "kesinti"),
        save_phrases=("indirim\\w*", "ödememek", "olmadan"),
        negations=("değil", "yok"),
        keep_here_phrases=("platform üzerinden", "sadece burada"),
        phone_cues=("numaram", "numara\\w*", "telefon\\w*", "ara"),
        not_phone_cues=("kargo", "takip", "vergi", "mersis", "fatura", "örnek", "tl", "tutar"),
        email_cues=("mail\\w*", "e-posta\\w*"),
    ),
    Language(
        "id",
        "Indonesian",
        digits=_m(
            nol="0", kosong="0", satu="1", dua="2", tiga="3", empat="4", lima="5", enam="6",
            tujuh="7", delapan="8", sembilan="9",
        ),
        multipliers={"dobel": 2, "double": 2},
        weak_dot_words=("titik",),
        slash_words=("garis miring",),
        underscore_words=("garis bawah",),
        app_words=("aplikasi", "apk"),
        app_colours=("hijau", "biru", "ungu", "burung", "pesawat kertas"),
        username_words=("username", "nama pengguna", "id"),
        handle_connectors=("saya", "di", "aku", "tapi", "ku"),
        move_phrases=(
            "lanjut (?:di|ke|lewat)", "chat (?:di|ke|lewat)", "hubungi", "kontak (?:saya|aku)",
            "pindah ke", "add (?:saya|aku)", "wa (?:saya|aku)", "ngobrol di",
        ),
        meeting_cues=("meeting", "rapat", "panggilan", "telepon", "video call", "ketemu"),
        pay_verbs=("bayar\\w*", "transfer\\w*", "kirim\\w*"),
        product_phrases=("kolom", "formulir"),
        pay_methods=("rekening", "ovo", "gopay"),
        outside_phrases=("di luar platform", "luar platform", "langsung"),
        fee_phrases=("potongan", "biaya", "komisi"),
        save_phrases=("diskon", "hemat", "nggak kena", "tanpa", "gak kena"),
        negations=("tidak", "jangan"),
        keep_here_phrases=("lewat platform", "melalui platform", "di sini saja"),
        phone_cues=("nomor\\w*", "telepon", "hp", "wa"),
        not_phone_cues=("resi", "npwp", "invoice", "contoh", "rp", "sebesar"),
        email_cues=("kirim", "email"),
    ),
    Language(
        "tl",
        "Tagalog",
        digits=_m(
            sero="0", isa="1", dalawa="2", tatlo="3", apat="4", lima="5", anim="6", pito="7",
            walo="8", siyam="9",
        ),
        weak_dot_words=("tuldok",),
        app_words=("app",),
        app_colours=("blue", "green", "asul", "berde"),
        username_words=("username", "user"),
        handle_connectors=("ang", "ko", "ay", "sa", "pero", "ako"),
        move_phrases=(
            "usap tayo", "mag-usap", "chat mo ako", "i-message mo ako", "tawagan mo ako",
            "i-add mo ako", "lipat tayo",
        ),
        meeting_cues=("call", "usap", "tawag", "meeting"),
        pay_verbs=("magbayad", "magbabayad", "bayad\\w*", "padala\\w*", "send"),
        product_phrases=("field", "form"),
        pay_methods=("gcash", "paymaya", "palawan"),
        outside_phrases=("sa labas ng platform", "labas ng platform", "direkta", "diretso"),
        fee_phrases=("fee",),
        save_phrases=("discount", "walang", "bawas"),
        negations=("hindi", "huwag"),
        keep_here_phrases=("sa platform",),
        phone_cues=("number", "numero", "tawag", "viber"),
        not_phone_cues=("tracking", "tin", "invoice", "placeholder", "₱", "halaga"),
        email_cues=("email",),
    ),
)
