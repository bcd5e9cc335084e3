"""Word lists and compiled patterns the detector matches against normalised text.

Everything here is matched on a lowercased, NFKC-normalised, accent-stripped view, so the
patterns are written without capitals or accents. Cue words cover English, Spanish,
Portuguese, French, Russian and Hindi written in Latin letters.
"""

from __future__ import annotations

import re
from types import MappingProxyType

# --- digits spelled as words ---------------------------------------------------------------

DIGIT_WORDS = MappingProxyType(
    {
        # en
        "zero": "0",
        "oh": "0",
        "nought": "0",
        "one": "1",
        "two": "2",
        "three": "3",
        "four": "4",
        "five": "5",
        "six": "6",
        "seven": "7",
        "eight": "8",
        "nine": "9",
        # es
        "cero": "0",
        "uno": "1",
        "una": "1",
        "dos": "2",
        "tres": "3",
        "cuatro": "4",
        "cinco": "5",
        "seis": "6",
        "siete": "7",
        "ocho": "8",
        "nueve": "9",
        # pt (accents are stripped before matching)
        "um": "1",
        "dois": "2",
        "duas": "2",
        "quatro": "4",
        "sete": "7",
        "oito": "8",
        "nove": "9",
        # fr
        "un": "1",
        "deux": "2",
        "trois": "3",
        "quatre": "4",
        "cinq": "5",
        "sept": "7",
        "huit": "8",
        "neuf": "9",
        # ru
        "ноль": "0",
        "нуль": "0",
        "один": "1",
        "одна": "1",
        "два": "2",
        "две": "2",
        "три": "3",
        "четыре": "4",
        "пять": "5",
        "шесть": "6",
        "семь": "7",
        "восемь": "8",
        "девять": "9",
        # hi (Latin script)
        "shunya": "0",
        "shoonya": "0",
        "sunya": "0",
        "ek": "1",
        "do": "2",
        "teen": "3",
        "char": "4",
        "chaar": "4",
        "paanch": "5",
        "panch": "5",
        "chhe": "6",
        "chhah": "6",
        "chah": "6",
        "chhey": "6",
        "saat": "7",
        "aath": "8",
        "aat": "8",
        "nau": "9",
    }
)
# Two-digit numbers said as one word ("douze", "dieciocho", "восемнадцать"): French and
# Spanish speakers read phone numbers in pairs, so these matter as much as single digits.
TWO_DIGIT_WORDS = MappingProxyType(
    {
        # en
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        # es
        "diez": 10,
        "once": 11,
        "doce": 12,
        "trece": 13,
        "catorce": 14,
        "quince": 15,
        "dieciseis": 16,
        "diecisiete": 17,
        "dieciocho": 18,
        "diecinueve": 19,
        "veintiuno": 21,
        "veintiun": 21,
        "veintidos": 22,
        "veintitres": 23,
        "veinticuatro": 24,
        "veinticinco": 25,
        "veintiseis": 26,
        "veintisiete": 27,
        "veintiocho": 28,
        "veintinueve": 29,
        # pt
        "dez": 10,
        "onze": 11,
        "doze": 12,
        "treze": 13,
        "catorze": 14,
        "quatorze": 14,
        "quinze": 15,
        "dezesseis": 16,
        "dezasseis": 16,
        "dezessete": 17,
        "dezassete": 17,
        "dezoito": 18,
        "dezenove": 19,
        "dezanove": 19,
        # fr (onze, quatorze, quinze shared with pt)
        "dix": 10,
        "douze": 12,
        "treize": 13,
        "seize": 16,
        "dix-sept": 17,
        "dix-huit": 18,
        "dix-neuf": 19,
        # ru
        "десять": 10,
        "одиннадцать": 11,
        "двенадцать": 12,
        "тринадцать": 13,
        "четырнадцать": 14,
        "пятнадцать": 15,
        "шестнадцать": 16,
        "семнадцать": 17,
        "восемнадцать": 18,
        "девятнадцать": 19,
    }
)
TENS_WORDS = MappingProxyType(
    {
        "twenty": 2,
        "thirty": 3,
        "forty": 4,
        "fifty": 5,
        "sixty": 6,
        "seventy": 7,
        "eighty": 8,
        "ninety": 9,
        "veinte": 2,
        "treinta": 3,
        "cuarenta": 4,
        "cincuenta": 5,
        "sesenta": 6,
        "setenta": 7,
        "ochenta": 8,
        "noventa": 9,
        "vinte": 2,
        "trinta": 3,
        "quarenta": 4,
        "cinquenta": 5,
        "sessenta": 6,
        "oitenta": 8,
        "vingt": 2,
        "trente": 3,
        "quarante": 4,
        "cinquante": 5,
        "soixante": 6,
        "quatre-vingts": 8,
        "quatre-vingt": 8,
        "quatre vingt": 8,
        "двадцать": 2,
        "тридцать": 3,
        "сорок": 4,
        "пятьдесят": 5,
        "шестьдесят": 6,
        "семьдесят": 7,
        "восемьдесят": 8,
        "девяносто": 9,
    }
)
_UNIT_ALT = "|".join(
    sorted(
        [k for k, v in DIGIT_WORDS.items() if v != "0"] + list(TWO_DIGIT_WORDS),
        key=len,
        reverse=True,
    )
)

# "cinquante-six", "treinta y cuatro", "vinte e um", "vingt et un", "soixante-dix-huit",
# "twenty one", "сорок два"; a lone digit word or two-digit word otherwise.
DIGIT_WORD_RE = re.compile(
    r"(?<![\w])(?:(?P<tens>"
    + "|".join(sorted(TENS_WORDS, key=len, reverse=True))
    + r")(?:(?:\s*-\s*|-et-|\s+(?:y|e|et|and)\s+|\s+)(?P<unit>"
    + _UNIT_ALT
    + r")(?![\w-]))?|(?P<two>"
    + "|".join(sorted(TWO_DIGIT_WORDS, key=len, reverse=True))
    + r")|(?P<word>"
    + "|".join(sorted(DIGIT_WORDS, key=len, reverse=True))
    + r"))(?![\w])"
)
REPEAT_RE = re.compile(
    r"(?<![\w])(?P<rep>double|doble|dobro|duplo|triple|triplo|тройная|двойная|dubble)\s+(?P<d>\d)"
)

# --- obfuscated "@" and "." ----------------------------------------------------------------

# Sentinels: a bare spoken "at" becomes WEAK_AT, a spoken "dot" becomes WORD_DOT and a spoken
# "point"/"punto" becomes WEAK_DOT, so the email check can ask for more evidence for them.
WEAK_AT = "\ue000"
WEAK_DOT = "\ue001"
WORD_DOT = "\ue002"

_AT_WORDS = r"at|@|arroba|arobase|собака|ат"
_DOT_WORDS = r"dot|\.|punto|ponto|point|точка|дот"
BRACKET_AT_RE = re.compile(
    r"\s*(?:\[\s*(?:" + _AT_WORDS + r")\s*\]|\(\s*(?:" + _AT_WORDS + r")\s*\)"
    r"|\{\s*(?:" + _AT_WORDS + r")\s*\}|<\s*(?:" + _AT_WORDS + r")\s*>)\s*"
)
BRACKET_DOT_RE = re.compile(
    r"\s*(?:\[\s*(?:" + _DOT_WORDS + r")\s*\]|\(\s*(?:" + _DOT_WORDS + r")\s*\)"
    r"|\{\s*(?:" + _DOT_WORDS + r")\s*\}|<\s*(?:" + _DOT_WORDS + r")\s*>)\s*"
)
WORD_AT_RE = re.compile(
    r"(?<=[a-z0-9_])\s+(?:at the rate(?: of)?|@|arroba|arobase|собака)\s+(?=[a-z0-9])"
    r"|(?P<weak>(?<=[a-z0-9_])\s+at\s+(?=[a-z0-9]))"
)
WORD_DOT_RE = re.compile(
    r"(?<=[a-z0-9])\s+(?:(?P<dot>dot|\.)|(?P<weak>punto|ponto|point|точка))\s+(?=[a-z0-9])"
)
SPACED_RUN_RE = re.compile(r"(?<!\S)\S(?: \S){5,}(?!\S)")
# "t dot me slash olena": a spoken slash, only between host/path-like pieces.
WORD_SLASH_RE = re.compile(r"(?<=[a-z0-9_\ue002])\s+(?:slash|barra|слэш|слеш)\s+(?=[a-z0-9_+])")

# --- email --------------------------------------------------------------------------------

EMAIL_RE = re.compile(
    r"(?<![a-z0-9._%+\-\ue001\ue002])"
    r"(?P<local>[a-z0-9_](?:[a-z0-9._%+\-\ue001\ue002]{0,63}[a-z0-9_])?)"
    r"(?P<at>[@\ue000])"
    r"(?P<domain>[a-z0-9](?:[a-z0-9-]{0,62})(?:[.\ue001\ue002][a-z0-9-]{1,63}){1,6})"
    r"(?![a-z0-9-])"
)
WEBMAIL = frozenset(
    """gmail googlemail outlook hotmail live msn yahoo ymail rocketmail icloud me mac
    proton protonmail pm aol gmx zoho yandex mail rambler inbox bk list qq 163 126 rediffmail
    rediff tutanota tuta fastmail hey libero laposte orange free sfr wanadoo uol bol terra ig
    web t-online""".split()
)
PLACEHOLDER_DOMAINS = frozenset(
    {"example.com", "example.org", "example.net", "example.edu", "domain.com", "email.com"}
)
PLACEHOLDER_SUFFIXES = frozenset({"test", "invalid", "example", "localhost", "local", "internal"})
EMAIL_CUE_RE = re.compile(
    r"e-?mail|mail|correo|courriel|почт|мейл|write|reach|contact|send|escrib|escrev|ecri"
)
EMAIL_STOP_LOCALS = frozenset(
    """me us look him her them it this that home work site here there online available
    is are was you we i my our your the a an be meet see call out back him""".split()
)
# "my Gmail ID is priya.sharma92": username and provider given separately.
SPLIT_EMAIL_RE = re.compile(
    r"(?<![\w.@])(?P<prov>gmail|googlemail|hotmail|outlook|yahoo|ymail|protonmail|proton|icloud"
    r"|aol|yandex|zoho|gmx|rediffmail)(?P<conn>(?:\s*(?:id|address|account|mail|username|user"
    r"|is|es|e|est|hai|:|-|=|это)){1,3})\s*[:\-]?\s*(?P<user>[a-z0-9][a-z0-9._-]{2,40}[a-z0-9])"
    r"(?![\w@\ue000])"
)
PROVIDER_DOMAIN = MappingProxyType(
    {
        "gmail": "gmail.com",
        "googlemail": "googlemail.com",
        "hotmail": "hotmail.com",
        "outlook": "outlook.com",
        "yahoo": "yahoo.com",
        "ymail": "ymail.com",
        "protonmail": "protonmail.com",
        "proton": "proton.me",
        "icloud": "icloud.com",
        "aol": "aol.com",
        "yandex": "yandex.ru",
        "zoho": "zoho.com",
        "gmx": "gmx.com",
        "rediffmail": "rediffmail.com",
    }
)

# --- URLs ---------------------------------------------------------------------------------

URL_RE = re.compile(
    r"(?<![\w@.\-/])(?P<scheme>https?://)?"
    r"(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,62})[.\ue002])+[a-z]{2,63})(?![\w-])"
    r"(?::\d{1,5})?(?P<path>[/?#][^\s<>\"'`\[\]{}|\\^]*)?"
)
URL_TRAILING = ".,;:!?)'\"*"

# --- handles ------------------------------------------------------------------------------

SKYPE_LIVE_RE = re.compile(r"(?<![\w])(?:skype:)?live:(?:\.cid\.)?[a-z0-9][a-z0-9._-]{2,40}")
DISCORD_TAG_RE = re.compile(r"(?<![\w/#.@-])(?P<name>[a-z0-9_.]{2,32})#(?P<tag>\d{4})(?!\d)")
CHANNEL_RE = re.compile(
    r"(?<![\w@./-])(?P<ch>skype|telegram|telegramm|tg|whats ?app|wechat|weixin|vx|wx|signal"
    r"|viber|discord|instagram|insta|ig|twitter|x|threads|snapchat|snap|kik|matrix|element"
    r"|facebook|fb|messenger|tiktok|line|slack|linkedin|kakaotalk|kakao|zalo|threema|телеграм\w*|телег\w*|тг|ватсап\w*"
    r"|вотсап\w*|вайбер\w*|дискорд\w*|инстаграм\w*|инст\w*|скайп\w*|вичат\w*|вк|vk)(?![\w-])"
)
# Channel names that are also ordinary words: they need an "@" or an explicit "id" word.
WEAK_CHANNELS = frozenset(
    {"x", "ig", "tg", "fb", "line", "signal", "element", "matrix", "threads", "snap", "vx", "wx"}
)
HANDLE_CONNECTORS = frozenset(
    """is id username user handle nick nickname name account acc es e est c'est : - = > as como
    soy sou i'm im am я je suis moi hoon hun
    comme here at on me my mi meu mon ma it's its: это мой мой: ник логин hai he h pe par sur en
    no na @ , via under aqui ici le la o a el el: id: username: handle: mera meri""".split()
)
# Chat-wide mentions in Slack/Discord/Teams: never a person's handle.
BROADCAST_MENTIONS = frozenset({"here", "channel", "everyone", "all", "team", "someone"})
# Words allowed between an @handle and the channel name after it ("@nora on my Telegram").
PRE_CHANNEL_CONNECTORS = frozenset(
    """on in at via over through my our is es e est c'est en no na sur pe par por мой в на
    dm me us or and also""".split()
)
HANDLE_ID_WORDS = frozenset(
    """id username user handle nick nickname usuario usuário utilisateur pseudo ник логин
    id: username: handle: user:""".split()
)
HANDLE_TOKEN_RE = re.compile(r"[@\w.'’:#-]+")
HANDLE_ID_RE = re.compile(r"@?[a-z][a-z0-9._-]{1,38}[a-z0-9_]|@?[a-z0-9_][a-z0-9._-]{2,38}")
AT_HANDLE_RE = re.compile(
    r"(?<![\w@.+\-/\ue000])@(?P<name>[a-z0-9_](?:[a-z0-9_.]{0,30}[a-z0-9_])?)"
)
AT_HANDLE_AFTER_BAD = re.compile(r"[\w/(@-]")
DM_CUE_RE = re.compile(
    r"\b(?:dm|dms|pm|inbox me|message me|msg me|ping me|hit me up|hmu|reach me|find me|add me"
    r"|follow me|contact me|text me|write me|message|mensaje|escribeme|mandame|me escreva"
    r"|me chama|me manda|ecris-moi|contacte-moi|пиши|напиши|добавь|личк|msg karo|message karo"
    r"|ping karo|add karo)\b"
)

# --- meeting tools named without a link ------------------------------------------------------

MEETING_TOOL_RE = re.compile(
    r"(?<![\w.@/-])(?P<tool>zoom|зум\w*|гугл[ -]?мит\w*|тимс\w*|вебекс\w*"
    r"|google meet|g-?meet|hangouts?|ms teams|microsoft teams|teams"
    r"|whereby|jitsi|webex|gotomeeting|goto meeting|bluejeans|facetime|calendly|cal\.com)"
    r"(?![\w/-])"
)
MEETING_CUE_RE = re.compile(
    r"\b(?:call|calls|meet|meeting|chat|talk|video|join|link|invite|instead|are you on|do you"
    r" (?:have|use)|hop on|jump on|session|screen ?share|present|catch up|sync|room|book|slot"
    r"|schedule|llamada|videollamada|reunion|charla|hablar|hablamos|chamada|videochamada"
    r"|conversar|falar|reuniao|appel|visio|parler|discuter|agendar|agenda|reserv\w*|созвон\w*"
    r"|interview|entrevista|entretien|собеседован\w*"
    r"|звон\w*|встреч\w*|поговор\w*|call kar\w*|baat|milte|meeting kar\w*)\b|\?"
)
MEETING_NEG_RE = re.compile(
    r"call button|\bbutton\b|built-?in|in-app|integrat\w*|\bsdk\b|\bapi\b|plugin|webhook|\bbot\b"
    r"|clone|-like|zoom (?:in|out|level|into|factor)\b|pinch|\bmaps?\b|\bimage\b|\bphoto|\blens"
    r"|(?:on|through|via|from|in) (?:the|this) (?:platform|site)|platform'?s|messages call"
    r"|recording|transcri\w*|\bapp\b|feature|\bbuild|develop|integrac\w*|integracao|интеграц\w*"
)

# --- off-platform requests ---------------------------------------------------------------

NEGATION_RE = re.compile(
    r"\b(?:don'?t|do not|dont|never|not|can'?t|cannot|won'?t|wont|no|nunca|nao|ne|pas|jamais"
    r"|не|нельзя|nahi|nahin|mat|avoid|refuse)\b"
)
KEEP_HERE_RE = re.compile(
    r"(?:only|just) (?:here|through|on|via|in)\b|keep(?:ing)? (?:\w+ ){0,2}(?:here|on (?:the|this)"
    r" platform)|stay(?:ing)? (?:here|on (?:the|this) platform)|(?:through|via|within) (?:the|this)"
    r" platform|on the platform until|aqui mesmo|solo por aqui|so por aqui|uniquement ici"
    r"|только здесь|yahin par"
)
CHANNEL_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "phone",
        re.compile(
            r"\b(?:text(?:ing)? me|sms me|whats ?app|whatsap|zap(?:zap)?|viber|signal"
            r"|imessage|sms|phone|cell|mobile"
            r"|(?:my|your|ur|the) (?:\w+ )?number|numero|telefone|telefono|celular|movil|portable"
            r"|telephone|tel|номер\w*|телефон\w*|ватсап\w*|вотсап\w*|вайбер\w*|mobile no"
            r"|contact no)\b"
        ),
    ),
    (
        "handle",
        re.compile(
            r"\b(?:telegram|телеграм\w*|телег\w*|тг|tg|discord|дискорд\w*|skype|скайп\w*|wechat"
            r"|weixin|line app|instagram|insta|инст\w*|facebook|messenger|linkedin|twitter"
            r"|snapchat|kik|slack|kakao\w*|zalo|threema|social media|redes sociales|redes sociais"
            r"|reseaux sociaux)\b"
        ),
    ),
    (
        "email",
        re.compile(
            r"\b(?:e-?mail|gmail|hotmail|outlook|mail|correo|courriel|почт\w*|имейл\w*|емейл\w*"
            r"|мейл\w*|email id)\b"
        ),
    ),
    (
        "elsewhere",
        re.compile(
            r"somewhere else|elsewhere|\boutside (?:of )?(?:the |this )?(?:platform|site|apps?|chat"
            r"|here)|off[- ]?platform|off (?:the|this) (?:platform|site)|another (?:app|platform)"
            r"|other (?:app|platform)|my (?:own )?(?:website|site|web|portfolio site)"
            r"|mi (?:sitio|web|pagina)|meu site|mon site|мой сайт|my (?:personal )?(?:contact"
            r"|contacts"
            r"|details)\b|my name on|fuera de (?:la|esta) plataforma|por fuera|fora da plataforma"
            r"|por fora|en dehors de la plateforme|hors (?:de la )?plateforme|ailleurs"
            r"|вне платформы|за пределами|в другом месте|platform (?:ke|se) bahar|kahin aur"
            r"|they filter|filtered here|directly\b|directamente|diretamente|directement|напрямую"
            r"|en prive|en privado|no privado|в личк\w*|privately|personal chat"
        ),
    ),
)
MOVE_CUE_RE = re.compile(
    r"\b(?:"
    r"(?:do|take) (?:this|it) (?:over|on|via)\b|let(?:'?s| us) (?:continue|move|talk"
    r"|chat|switch|take|go|connect|speak|discuss|keep|do this)"
    r"|(?:can|could|shall|should) we (?:continue|move|talk|chat|switch|take|connect|speak|discuss)"
    r"|(?:move|take|switch|continue|carry on|shift) (?:the |this |our )?(?:convo|conversation|chat"
    r"|discussion|talk|this|it)\b|(?:would|i'?d|we'?d) (?:love|like|prefer"
    r"|rather) to (?:move|continue"
    r"|talk|chat|switch|connect)|keep (?:discussing|talking|chatting)|(?:send|give|share|drop|pass"
    r"|tell|leave) me your|what'?s your|what is your|your (?:\w+ ){0,2}(?:number|email|e-mail"
    r"|whatsapp|telegram|skype|discord|contact|handle|id|wechat|instagram)\s*\?|are you on"
    r"|do you (?:have|use)|you have (?:a |an )?(?:whatsapp|telegram|skype|email|discord)|add me"
    r"|message me|text me|dm me|ping me|email me|e-mail me|mail me|whatsapp me|call me|ring me"
    r"|reach me|contact me|hit me up|write me|write to me|find me|search (?:for )?my|look me up"
    r"|google me|my (?:\w+ )?(?:number|contact|email|e-mail|mail|whatsapp|telegram"
    r"|skype|discord|wechat|cell)"
    r"|(?:chat|talk|continue|discuss\w*|speak) (?:there|on|via|over|in)\b|easier (?:on|over|via)"
    r"|better (?:on|over|via)|faster (?:on|over|via)|once we (?:chat|talk|move)"
    r"|reach out (?:on|via)"
    r"|(?:i'?ll|i will|let me) (?:give|send) you my|text you|send you my"
    # es
    r"|sigamos|continuemos|hablemos|pasemos|seguimos (?:por|en)|podemos (?:seguir|hablar|continuar"
    r"|pasar)|vamos a (?:seguir|hablar)|escribeme|agregame|anademe|llamame|mandame|pasame|dame tu"
    r"|cual es tu|tienes|me pasas|mi (?:numero|correo|whatsapp|telegram|email|cel)"
    # pt
    r"|vamos (?:continuar|conversar|falar|seguir)|podemos (?:continuar|conversar|falar)|me chama"
    r"|me adiciona|me liga|me manda|me passa|manda (?:seu|teu)|qual (?:e )?(?:o )?(?:seu|teu)"
    r"|voce tem|tem (?:whatsapp|zap|telegram)|meu (?:numero|whatsapp|zap|telegram|email|e-mail"
    r"|contato)|me chame"
    # fr
    r"|continuons|on continue|on peut (?:continuer|parler|discuter)|parlons|ajoute-moi|ajoutez-moi"
    r"|ecris-moi|ecrivez-moi|appelle-moi|appelez-moi|envoie-moi|envoyez-moi|donne-moi|donnez-moi"
    r"|quel est (?:ton|votre)|tu as|vous avez|mon (?:numero|whatsapp|telegram|mail|email|e-mail)"
    r"|contacte-moi|contactez-moi"
    # ru
    r"|давай\w*|продолжим|перейд[её]м|пиши|напиши\w*|добавь\w*|скинь\w*|дай\w* (?:свой|ваш)"
    r"|какой у (?:тебя|вас)|есть (?:ли )?(?:у тебя|у вас)|мой (?:номер|телеграм|ватсап|email|имейл)"
    r"|звони\w*|позвони\w*|свяжи\w*|общаться|общени\w*|переписк\w*"
    # hi (Latin)
    r"|baat kar\w*|add kar\w*|message kar\w*|msg kar\w*|call kar\w*|ping kar\w*|contact kar\w*"
    r"|bhej\w*|de do|dedo|batao|bataiye|mera (?:number|whatsapp|email|telegram|no)"
    r"|meri (?:email|id)"
    r"|aapka (?:number|whatsapp|email|telegram)|tumhara (?:number|whatsapp|email|telegram)|chalo"
    r"|chaliye|pe baat|par baat"
    r")"
)
COMM_PROJECT_NEG_RE = re.compile(
    r"\bbot\b|\bapi\b|integrat\w*|\bsdk\b|webhook|newsletter|receipt|template|\bfield\b|feature"
    r"|\bform\b|validat\w*|notification|campaign|carousel|\bposts?\b|deliverable|\bicon\b"
    r"|\bbutton\b|scraper|\bads?\b|login with|sign[- ]?in|\busers?\b"
)
FILE_SERVICE_RE = re.compile(
    r"\b(?:google drive|gdrive|g drive|drive|dropbox|wetransfer|we transfer|onedrive|one drive"
    r"|box\.com|mega|icloud drive|yandex disk|яндекс диск\w*|pcloud|mediafire"
    r"|sharepoint|google docs"
    r"|google sheets|terabox)\b"
)
FILE_VERB_RE = re.compile(
    r"\b(?:send|sending|share|sharing|upload|uploading|put|drop|transfer|instead of attaching"
    r"|mand\w*|envi\w*|envo\w*|sub(?:o|i|e|ir|imos)|pas(?:o|e|a)|закин\w*|кину\w*|download"
    r"|envia\w*|manda\w*|sube|subir|compart\w*|envoie\w*|envoy\w*|partag\w*|depose\w*|отправ\w*"
    r"|скин\w*|загруз\w*|kar do|bhej\w*|over)\b"
)
FILE_NEG_RE = re.compile(
    r"migrat\w*|\bsync|integrat\w*|\bapi\b|backs? up|backup|\bimport|\bexport|connector"
    r"|\bapp\b|feature|integrac\w*|\bfrom (?:google drive|dropbox|onedrive|drive)\b"
)
PAY_METHOD_RE = re.compile(
    r"\b(?:paypal|pay pal|paypal\.me|payoneer|zelle|venmo|cash ?app|pix|upi|paytm|phonepe|gpay"
    r"|google pay|revolut|skrill|western union|moneygram|crypto|bitcoin|btc|usdt|usdc|eth|ethereum"
    r"|binance|tether|bank transfer|wire transfer|bank account|bank details|iban|swift|transferwise"
    r"|clabe|cbu|cvu|routing number|sort code|chave pix|upi id|wallet address|ach|sepa"
    r"|(?:via|through|by|on|over|with|using|my) wise|transferencia|transferencia bancaria"
    r"|transferencia|deposito|virement|перевод\w*|на карту|карт\w*|qiwi|юмани|yoomoney|сбп"
    r"|mercado pago|nequi|bizum|daviplata|interac|e-transfer|wallet|кошел\w*|boleto)\b"
)
PAY_VERB_RE = re.compile(
    r"\b(?:pay|paid|paying|payment|send|sending|deposit|transfer|wire|tip|invoice|accept|fund"
    r"|pagar|pague|paga|pagame|pago|envia|manda|payer|paye|payez|paiement|virement|envoie"
    r"|оплат\w*|заплат\w*|плат\w*|перевед\w*|переве\w*|скин\w*|pay kar\w*|payment kar\w*|bhej\w*"
    r"|de do|upfront|advance|half|balance|remaining|adelanto|anticipo|sinal|acompte|аванс"
    r"|предоплат\w*|(?:paypal|zelle|venmo|cash ?app|wise|revolut|pix|gpay|upi|payoneer)"
    r" (?:me|you|it|us))\b"
)
PAY_PROJECT_NEG_RE = re.compile(
    r"integrat\w*|checkout|\bapi\b|\bsdk\b|gateway|plugin|webhook|implement\w*|\bstore\b|sandbox"
    r"|module|\bsupport\w*|\busers?\b|customers?|\bapp\b|feature|\bflow\b|\bbuild|\bbutton\b"
    r"|\btest\w*|dashboard|integrac\w*|\bshop\b|subscription|billing system|payment method"
)
DIRECT_PAY_RE = re.compile(
    r"work (?:with (?:me|you) )?directly|deal directly|go direct\b|no middleman|without (?:the )?"
    r"(?:platform|middleman|site)|skip (?:the )?(?:platform|contract|fees|escrow"
    r"|commission|middleman)"
    r"|avoid (?:the )?(?:platform |site )?(?:fees?|commission)|sav(?:e|es|ing) (?:us )?(?:both )?"
    r"(?:on )?(?:the )?(?:platform )?(?:fees?|commission)|(?:pay|paid|payment)\w* (?:\w+ ){0,2}"
    r"(?:directly|outside|off[- ]platform|por fuera|por fora|fuera|fora|hors|вне)"
    r"|(?:outside|off) (?:of )?(?:the |this )?(?:platform|site)\W+(?:\w+\W+){0,4}(?:pay|paid"
    r"|payment|transfer|deposit|invoice)|trabajar directamente|trabalhar diretamente"
    r"|travailler directement|работать напрямую|sin comision|sem (?:taxa|comissao)"
    r"|sans commission|без комиссии|fees? (?:bach|bachegi)|seedha payment|direct payment"
    r"|pago directo|pagamento direto|paiement direct|оплат\w* напрямую|напрямую оплат\w*"
    r"|close (?:this|it|the contract) out and (?:work|continue)"
)
OUTSIDE_RE = re.compile(
    r"outside (?:of )?(?:the |this )?(?:platform|site|app)|off[- ]platform|off (?:the|this)"
    r" (?:platform|site)|fuera de (?:la|esta) plataforma|fora da plataforma|en dehors de la"
    r" plateforme|hors (?:de la )?plateforme|вне платформы|мимо платформы|минуя платформу"
    r"|platform (?:ke|se) bahar|directly|directamente|diretamente|directement|напрямую"
    r"|\bdirect[aoe]?\b|\bdiret[ao]\b|\bseedha\b"
)

# --- phones -------------------------------------------------------------------------------

PHONE_CUE_RE = re.compile(
    r"\b(?:call|phone|cell|mobile|\bmob\b|number|\bnum\b|\bno\.|\btel\b|text|sms|whats ?app|\bwa\b"
    r"|viber|signal|telegram|ring|dial|contact|reach|llam\w*|telefono|celular|movil|numero|ligue"
    r"|liga|\bzap\b|appel\w*|telephone|portable|звон\w*|телефон|номер|мобил\w*|ватсап|вотсап"
    r"|karo|kare|area code|codigo de area|\bddd\b|indicatif|код|\bext\b|extension|\bfax\b|hotline"
    r"|\bcontato|\bcontacto|rest is|fone)"
)
PHONE_NEG_RE = re.compile(
    r"(?:isbn|issn|\bean\b|\bupc\b|barcode|imei|serial|\bsn\b|order|invoice|\binv\b|\bref\b"
    r"|reference|ticket|\bcase\b|\bjob\b|\bid\b|epoch|timestamp|\bcard\b|visa|mastercard|amex"
    r"|\bcvv\b|meeting|\bpin\b|passcode|password|\bcode\b|tracking|\bzip\b|postal|version"
    r"|\bbuild\b|\$|usd|eur|gbp|\binr\b|\brs\.?|₹|€|£|price|budget|\bsku\b|\bip\b|\bport\b|\blat\b"
    r"|account|\biban\b|\bpo\b|\bvat\b|\btax\b|\bnif\b|\bcpf\b|\bcnpj\b|\bssn\b|\bpr\b|commit"
    r"|twilio|test number|\bmask\b|placeholder|pedido|commande|заказ)\W*(?:\w+\W+){0,2}$"
)
PHONE_NEG_OVERRIDE_RE = re.compile(
    r"(?:area code|codigo de area|phone|call|dial-?in|dial|whats ?app|cell|mobile|tel|text)\W*"
    r"(?:\w+\W+){0,2}$"
)
DATE_RE = re.compile(r"(?<!\d)\d{1,4}([/.-])\d{1,2}\1\d{2,4}(?!\d)")
PHONE_REGIONS = ("US", "GB", "IN", "AU", "BR", "ES", "MX", "FR", "RU", "PT", "AR", "CO")
PHONE_SEP_CHARS = frozenset(" \t-.|/()\u00a0")
