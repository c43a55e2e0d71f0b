"""Transparent bilingual (es/en) phrase rules for intents.

A rule is a list of phrases with the probability that a text containing one of them has the
intent. Phrases are matched on the featuriser's word tokens (lowercased, accents folded, so
"ojalá" and "ojala" are the same word; "@handles" are the word "user", URLs the word "url";
punctuation between words is ignored). Words must match whole: inflections are listed.

Matching is vectorised over the batch: every token is looked up once in the sorted hashes of
the rule vocabulary, then phrases are matched as n-grams of vocabulary ids, so the cost does
not grow with the number of rules. Where a rule applies:

- ``any``: anywhere in the text;
- ``start``: at the start of a sentence (text start or after "." or "!"), possibly after
  @handles;
- ``percent``: right after a "%" sign ("20% off", "30 % de descuento").

A phrase that lies inside a longer matching phrase of the same intent counts only through
the longer one, so a longer phrase with a low probability is an exception to a shorter one:
"me gustaría saber" (a question) overrides "me gustaría" (a wish).

Two character rules mark questions: "¿" (0.9) and "?" (0.85).

The phrase rules are per language (``RULES_EN``, ``RULES_ES``): a post whose language is
known gets its own language's rules only; posts in other languages or of unknown language get
all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np

from escucha.understand.features import Analysis, HashIndex, word_hashes
from escucha.understand.tablecache import cached_tables, file_fingerprint

Rule = tuple[str, float, str, tuple[str, ...]]  # intent, probability, where, phrases

# What a company would do: (infinitive, present indicative ustedes / vosotros, subjunctive
# forms: present, -ra and -se imperfect). Spanish wishes to a company are these verbs after a
# trigger of hope or request ("ojalá pusieran", "espero que mejoren", "a ver si abrís",
# "deberían poner", "por qué no ponéis"); the same triggers before other verbs are mostly
# sympathy ("ojalá encuentres tu maleta"), curses ("ojalá os arruinéis"), requests about the
# author's own case ("espero que me devuelvan") or sarcasm, and stay below the threshold.
_COMPANY_VERBS: tuple[tuple[str, str, str], ...] = (
    ("poner", "ponen ponéis", "pongan pongáis pusieran pusierais pusiesen pusieseis"),
    ("tener", "", "tengan tengáis tuvieran tuvierais tuviesen tuvieseis"),
    ("hacer", "hacen hacéis", "hagan hagáis hicieran hicierais hiciesen hicieseis"),
    ("abrir", "abren abrís", "abran abráis abrieran abrierais abriesen abrieseis"),
    ("añadir", "añaden añadís", "añadan añadáis añadieran añadierais añadiesen añadieseis"),
    ("volver a", "vuelven a volvéis a", "vuelvan volváis volvieran volvierais volviesen"),
    ("mejorar", "mejoran mejoráis", "mejoren mejoréis mejoraran mejorarais mejorasen mejoraseis"),
    ("bajar", "bajan bajáis", "bajen bajéis bajaran bajarais bajasen bajaseis"),
    ("sacar", "sacan sacáis", "saquen saquéis sacaran sacarais sacasen sacaseis"),
    ("ofrecer", "ofrecen ofrecéis", "ofrezcan ofrezcáis ofrecieran ofrecierais ofreciesen"),
    ("incluir", "incluyen incluís", "incluyan incluyáis incluyeran incluyerais incluyesen"),
    ("permitir", "permiten permitís", "permitan permitáis permitieran permitierais permitiesen"),
    ("cambiar", "cambian cambiáis", "cambien cambiéis cambiaran cambiarais cambiasen"),
    ("renovar", "renuevan renováis", "renueven renovéis renovaran renovarais renovasen"),
    ("quitar", "quitan quitáis", "quiten quitéis quitaran quitarais quitasen quitaseis"),
    ("ampliar", "amplían ampliáis", "amplíen ampliéis ampliaran ampliarais ampliasen"),
    ("dejar de", "dejan de dejáis de", "dejen de dejéis de dejaran de dejarais de dejasen de"),
    ("aprender", "aprenden aprendéis", "aprendan aprendáis aprendieran aprendierais"),
    ("limpiar", "limpian limpiáis", "limpien limpiéis limpiaran limpiarais limpiasen"),
    ("contratar", "contratan contratáis", "contraten contratéis contrataran contratarais"),
    ("invertir", "invierten invertís", "inviertan invirtáis invirtieran invirtierais"),
    ("habilitar", "habilitan habilitáis", "habiliten habilitéis habilitaran habilitarais"),
    ("instalar", "instalan instaláis", "instalen instaléis instalaran instalarais"),
    ("recuperar", "recuperan recuperáis", "recuperen recuperéis recuperaran recuperarais"),
    ("actualizar", "actualizan actualizáis", "actualicen actualicéis actualizaran"),
    ("agilizar", "agilizan agilizáis", "agilicen agilicéis agilizaran agilizarais"),
    ("modernizar", "modernizan modernizáis", "modernicen modernicéis modernizaran"),
    ("implantar", "implantan implantáis", "implanten implantéis implantaran implantarais"),
    ("programar", "programan programáis", "programen programéis programaran programarais"),
    ("reducir", "reducen reducís", "reduzcan reduzcáis redujeran redujerais redujesen"),
    ("aumentar", "aumentan aumentáis", "aumenten aumentéis aumentaran aumentarais"),
    ("apostar por", "apuestan por apostáis por", "apuesten por apostéis por apostaran por"),
    ("volar a", "vuelan a voláis a", "vuelen a voléis a volaran a volarais a volasen a"),
)
_COMPANY_INFINITIVE = tuple(inf for inf, _, _ in _COMPANY_VERBS)
_FORMS = re.compile(r"\w+(?: (?:a|de|por)(?= |$))?")
_COMPANY_PRESENT = tuple(f for _, forms, _ in _COMPANY_VERBS for f in _FORMS.findall(forms))
_COMPANY_SUBJUNCTIVE = tuple(f for _, _, forms in _COMPANY_VERBS for f in _FORMS.findall(forms))
_COMPANY_PRESENT_SUBJUNCTIVE = tuple(
    f for _, _, forms in _COMPANY_VERBS for f in _FORMS.findall(forms)[:2]
)
_OJALA_COMPANY = tuple(
    f"ojalá {pronoun}{verb}"
    for pronoun in ("", "que ", "lo ", "la ", "los ", "las ", "nos ", "me ")
    for verb in (*_COMPANY_SUBJUNCTIVE, "hubiera", "hubiese", "haya")  # "ojalá hubiera wifi"
)
# hope or request, then the company's action ("espero que mejoren", "me gustaría que
# pusierais", "a ver si abrís", "por qué no ponéis"); "me" is left out ("espero que me
# devuelvan el dinero" is the author's own case, not a wish)
_HOPE_COMPANY = (
    tuple(
        f"{trigger} {pronoun}{verb}"
        for trigger in (
            "espero que",
            "esperemos que",
            "esperamos que",
            "quiero que",
            "queremos que",
        )
        for pronoun in ("", "os ", "se ")
        for verb in _COMPANY_PRESENT_SUBJUNCTIVE
    )
    + tuple(
        f"{trigger} {verb}"
        for trigger in (
            "me gustaría que",
            "nos gustaría que",
            "me encantaría que",
            "nos encantaría que",
            "estaría bien que",
            "sería bueno que",
            "sería genial que",
            "sería mejor que",
        )
        for verb in _COMPANY_SUBJUNCTIVE
    )
    + tuple(
        f"{trigger} {pronoun}{verb}"
        for trigger in ("a ver si", "a ver cuándo", "por qué no")
        for pronoun in ("", "os ", "se ")
        for verb in _COMPANY_PRESENT
    )
)
# a modal and the company's action: "deberíais poner wifi", "Iberia debería mejorar",
# "ya podríais volar a Bilbao"; past regrets ("tendrían que haber avisado") are not wishes
_MODAL_COMPANY = tuple(
    f"{modal} {verb}"
    for modal in (
        "deberían",
        "deberíais",
        "debería",
        "deberías",
        "tendrían que",
        "tendríais que",
        "podrían",
        "podríais",
        "ya podrían",
        "ya podríais",
    )
    for verb in _COMPANY_INFINITIVE
)
# exceptions to the modal: past regrets and requests about the author's own case
# ("me podríais cambiar el vuelo")
_MODAL_NOT_WISH = tuple(
    f"{who} {modal} {verb}"
    for who in ("me", "nos")
    for modal in ("podrían", "podríais", "podría")
    for verb in _COMPANY_INFINITIVE
) + tuple(f"{modal} haber" for modal in ("tendrían que", "tendríais que", "podrían", "podríais"))
# a request to the company in the imperative, at the start of a sentence or after "por
# favor" ("Poned más vuelos", "Mejoren su servicio", "Por favor @Iberia dejad de cobrar...";
# a @handle is the word "user" to the matcher)
_IMPERATIVE_COMPANY = (
    "poned",
    "añadid",
    "abrid",
    "quitad",
    "bajad",
    "cambiad",
    "incluid",
    "volved a",
    "sacad",
    "ampliad",
    "contratad",
    "dejad de",
    "pongan",
    "añadan",
    "abran",
    "quiten",
    "bajen",
    "cambien",
    "incluyan",
    "vuelvan a",
    "saquen",
    "amplíen",
    "contraten",
    "dejen de",
    # more verbs of what a company would do ("Aprendan a gestionar...",
    # "Traed vuelos a Rosario")
    "habilitad",
    "habiliten",
    "ofreced",
    "ofrezcan",
    "aprended a",
    "aprendan a",
    "invertid en",
    "inviertan en",
    "traed",
    "traigan",
    "renovad",
    "renueven",
    "actualizad",
    "actualicen",
    "limpiad",
    "limpien",
)
# hope phrases about the author's own case ("sería genial que me respondierais", "si pudieses
# responder a esto sería genial")
_OWN_CASE_HOPE = tuple(
    f"{before}{hope}{after}"
    for hope in (
        "estaría bien",
        "estaría genial",
        "sería genial",
        "sería ideal",
        "sería bueno",
        "sería mejor",
        "sería estupendo",
        "sería útil",
    )
    for before, after in (("", " que me"), ("", " si me"), ("esto ", ""), ("eso ", ""))
)

_PLEASE_ES = (
    "por favor añadan",
    "por favor pongan",
    "por favor hagan",
    "por favor permitan",
    "por favor incluyan",
    "por favor agreguen",
    "por favor poned",
    "por favor añadid",
    "por favor mejorad",
    "por favor mejoren",
    "por favor volved a",
    "por favor vuelvan a",
    "por favor dejad de",
    "por favor dejen de",
)

# Each language's rules apply to the posts of that language only (posts in other languages
# and of unknown language get every rule): folded to ASCII, Spanish written without accents
# often reads as English words ("Reserve" for "reservé", "use", "plan") and the other way round.
RULES_ES: tuple[Rule, ...] = (
    # wish / suggestion / feature request
    (
        "wish",
        0.85,
        "any",
        (*_PLEASE_ES,),
    ),
    # "ojalá" addressed to the company: a subjunctive of what it would do ("ojalá pusieran
    # wifi", "ojalá lo renovasen"); "ojalá" alone is mostly sympathy, hope or a curse (below)
    ("wish", 0.85, "any", _OJALA_COMPANY),
    ("wish", 0.8, "any", _HOPE_COMPANY),
    ("wish", 0.7, "any", _MODAL_COMPANY),
    ("wish", 0.6, "start", _IMPERATIVE_COMPANY),
    (
        "wish",
        0.6,
        "any",
        tuple(
            f"por favor {handle}{verb}"
            for handle in ("", "user ")
            for verb in _IMPERATIVE_COMPANY
            if f"por favor {handle}{verb}" not in _PLEASE_ES
        ),
    ),
    ("wish", 0.05, "any", _MODAL_NOT_WISH),
    ("wish", 0.05, "any", _OWN_CASE_HOPE),
    (
        "wish",
        0.7,
        "start",
        (
            "para cuándo",
            "a ver cuándo",
        ),
    ),
    (
        "wish",
        0.6,
        "any",
        (
            "mejorad",
            "mejoren",
            "que pongan",
            "que pongáis",
            "que pusieran",
            "que pusierais",
            "que añadan",
            "que añadáis",
            "que incluyan",
            "que incluyáis",
        ),
    ),
    (
        "wish",
        0.8,
        "any",
        (
            "estaría bien",
            "estaría genial",
            "estaría guay",
            "sería genial",
            "sería ideal",
            "sería bueno",
            "sería estupendo",
            "sería mejor",
            "sería interesante",
            "sería útil",
        ),
    ),
    (
        "wish",
        0.75,
        "any",
        (
            "me gustaría que",
            "nos gustaría que",
            "me encantaría que",
            "nos encantaría que",
            "me gustaría ver",
            "nos gustaría ver",
            "mi sugerencia",
            "una sugerencia",
            "otra sugerencia",
            "sugerencia para",
            "os propongo",
            "les propongo",
            "sugiero",
            "no estaría de más",
            "no estaría mal",
            "no sería mala idea",
        ),
    ),
    (
        "wish",
        0.6,
        "any",
        (
            "deberían",
            "deberíais",
            "tendrían que",
            "no deberían dejar",
            "no deberían permitir",
            "no deberíais dejar",
            "no deberíais permitir",
            "hace falta",
            "falta un",
            "falta una",
            "faltaría un",
            "faltaría una",
            "necesitamos un",
            "necesitamos una",
            "necesitamos más",
        ),
    ),
    # Spanish advice to other customers ("te recomiendo", "merece la pena", "si vas...",
    # sentence-initial "evita", "reserva"): a suggestion in the SemEval-2019 Task 9 sense, but
    # in posts to brands mostly praise, promotion or a warning, not a request to the company
    # (the annotation guideline of a wish): weak evidence, below the wish threshold alone
    (
        "wish",
        0.25,
        "any",
        (
            "te recomiendo",
            "os recomiendo",
            "les recomiendo",
            "le recomiendo",
            "recomiendo que",
            "mi consejo",
            "un consejo",
            "no dejes de",
            "no dejéis de",
            "no dejen de",
            "no te pierdas",
            "no os perdáis",
            "no se pierdan",
            "asegúrate de",
            "asegúrese de",
            "aseguraos de",
            "vale la pena",
            "merece la pena",
            "imprescindible",
            "recomiendo",
            "recomendable",
            "aconsejo",
            "os aconsejo",
            "te aconsejo",
            "no recomiendo",
        ),
    ),
    (
        "wish",
        0.25,
        "start",
        (
            "prueba",
            "probad",
            "pide",
            "pedid",
            "evita",
            "evitad",
            "eviten",
            "reserva",
            "reservad",
            "lleva",
            "llevad",
            "ten en cuenta",
            "tened en cuenta",
            "si vas",
            "si vais",
            "si quieres",
            "si queréis",
            "si puedes",
            "si podéis",
        ),
    ),
    # weak evidence that counts with the model's support: "should"; "ojalá", "me gustaría" and
    # "sugerencia" alone (mostly sympathy, personal wishes or a request for help)
    (
        "wish",
        0.3,
        "any",
        ("ojalá", "me gustaría", "nos gustaría", "sugerencia", "sugerencias", "propongo"),
    ),
    # exceptions: longer phrases that are not wishes although a shorter wish phrase is inside
    (
        "wish",
        0.05,
        "any",
        (
            "me gustaría saber",
            "me gustaría que me",
            "me encantaría que me",
            "nos gustaría que nos",
            "nos encantaría que nos",
            "me gustaría preguntar",
            "me gustaría consultar",
            "nos gustaría saber",
            "gracias por la sugerencia",
            "gracias por las sugerencias",
            "deberían haber",
            "deberían haberme",
            "deberían habernos",
            "deberíais haber",
            "deberíais haberme",
            "no deberían",
            "no deberíais",
            "deberían quitarles",
            "deberían quitarle",
            "deberían cerrar",
            "deberían cerrarla",
            "deberían cerrarles",
            "deberían despedir",
            "deberían despedirles",
            "deberían multar",
            "deberían multarles",
            "deberían denunciar",
            "deberían denunciarles",
            "deberían encerrar",
            "deberían preocupar",
            "deberían preocuparse",
            "deberíais cerrar",
            "deberíais despedir",
            "deberían saber",
            "deberíais saber",
            "deberían avergonzarse",
            "deberíais avergonzaros",
            "deberían darles",
            "deberían daros",
            "ojalá pudiera",
            "ojalá pudiese",
            "ojalá que encuentres",
            "ojalá encuentres",
            "ojalá se",
            "ojalá te",
            "ojalá os",
            "ojalá pronto",
            "ojalá hubiera sido",
            "ojalá hubiese sido",
            "ojalá hubiera podido",
            "ojalá hubiese podido",
            "me propongo",
            "no hace falta",
            "no le hace falta",
            "no me hace falta",
            "no nos hace falta",
            "no te hace falta",
        ),
    ),
    # complaint / concern
    (
        "complaint",
        0.85,
        "any",
        (
            "reclamación",
            "reclamaciones",
            "me quejo",
            "queja formal",
            "poner una queja",
            "vergonzoso",
            "vergüenza",
            "estafa",
            "estafas",
            "estafadores",
            "ladrones",
            "pésimo",
            "pésima",
            "pésimos",
            "pésimas",
            "nefasto",
            "nefasta",
            "lamentable",
            "lamentables",
            "indignante",
            "nunca más",
            "jamás",
            "hijos de puta",
            "hijos de putas",
            "mierda",
            "puteo",
            "desgraciados",
            "miserables",
            "calamidad",
            "explotadores",
            "me cago en",
            "ni caso",
            "de traca",
            "cínicos",
            "chorizos",
            "indigno",
            "indigna",
            "sinvergüenza",
            "sinvergüenzas",
            "vergonzosa",
            "vergonzosos",
            "desastre",
            "desastrosa",
            "desastroso",
            "inútiles",
            "incompetentes",
            "incompetencia",
            "ineptos",
            "ineptitud",
            "impresentable",
            "impresentables",
            "inaceptable",
            "intolerable",
            "timo",
            "timadores",
            "engañando",
            "engañados",
            "abusivo",
            "abusivos",
            "tomadura de pelo",
            "indignado",
            "indignada",
            "indignados",
            "indignación",
            "harto",
            "harta",
            "hartos",
            "qué asco",
            "la peor aerolínea",
            "la peor compañía",
            "el peor servicio",
            "peor atención",
            "pésimo servicio",
            "mala atención",
            "mal servicio",
            "maltratáis",
            "maltratan",
            "no volveré a volar",
            "no vuelvo a volar",
            "no volveré a viajar",
            "no vuelvo a viajar",
        ),
    ),
    (
        "complaint",
        0.75,
        "any",
        (
            "han perdido",
            "habeis perdido",
            "perdieron mi",
            "perdió mi",
            "me perdieron",
            "me perdéis",
            "me pierden",
            "nos perdieron",
            "perdéis",
            "pierden maletas",
            "pierden las maletas",
            "maleta perdida",
            "maletas perdidas",
            "equipaje perdido",
            "valija perdida",
            "valijas perdidas",
            "extraviado",
            "extraviada",
            "extraviados",
            "extraviadas",
            "extraviaron",
            "extravió",
            "sin mi maleta",
            "sin mis maletas",
            "sin maletas",
            "sin mi equipaje",
            "sin equipaje",
            "sin mi valija",
            "maletas que no llegan",
            "maleta no llega",
            "no aparece",
            "rompéis",
            "rompen",
            "rompieron",
            "han roto",
            "habéis roto",
            "maleta rota",
            "maletas rotas",
            "destrozado",
            "destrozada",
            "destrozaron",
            "destruyeron",
            "dejado tirado",
            "dejado tirados",
            "dejó tirados",
            "dejaron tirados",
            "dejan tirado",
            "dejan tirados",
            "dejáis tirado",
            "dejáis tirados",
            "tirados en",
            "tirado en",
            "me han cancelado",
            "nos han cancelado",
            "me cancelaron",
            "nos cancelaron",
            "me cancelan",
            "nos cancelan",
            "me anula",
            "me anulan",
            "me anularon",
            "cancelaron",
            "de retraso",
            "con retraso",
            "retrasar mi vuelo",
            "retrasado mi vuelo",
            "de demora",
            "con demora",
            "sin avisar",
            "sin previo aviso",
            "sin ningún aviso",
            "sin explicación",
            "sin ninguna explicación",
            "sin dar explicaciones",
            "sin solución",
            "nadie me atiende",
            "nadie nos atiende",
            "nadie atiende",
            "nadie contesta",
            "nadie responde",
            "nadie da",
            "nadie se hace cargo",
            "no atienden",
            "no me atienden",
            "no me contestan",
            "no me responden",
            "no me dan",
            "no dan respuesta",
            "siguen sin",
            "sigo sin",
            "seguimos sin",
            "aún sin",
            "todavía sin",
            "sin darme",
            "seguimos esperando",
            "llevo esperando",
            "llevamos esperando",
            "horas esperando",
            "no devuelven",
            "no me han devuelto",
            "no me reembolsan",
            "no pagan",
            "no pagáis",
            "no me pagan",
            "no me pagáis",
            "cobrar de más",
            "cobrado de más",
            "cobran de más",
            "me cobraron",
            "me han cobrado",
            "nos cobraron",
            "nos han cobrado",
            "me quieren cobrar",
            "te cobra hasta",
            "te cobran hasta",
            "cobra hasta",
            "cobran hasta",
            "me obligaron",
            "nos obligaron",
            "me obligan",
            "nos obligan",
            "obligarnos",
            "no me deja",
            "no nos deja",
            "da error",
            "no consigo",
            "no logro",
            "me hizo perder",
            "me han hecho perder",
            "perdí la conexión",
            "perdí el enlace",
            "he perdido la conexión",
            "qué pena que",
            "me la perdieron",
            "me las perdieron",
            "me lo perdieron",
            "me la han perdido",
            "me las han perdido",
            "qué habéis hecho con",
            "qué han hecho con",
            "dónde está mi maleta",
            "dónde están mis maletas",
            "dónde está mi equipaje",
            "dónde está mi valija",
            "tortura",
            "me colgó",
            "me colgaron",
            "me cuelgan",
            "no cumple",
            "no cumplen",
            "no cumplís",
            "no paga",
            "no ponen solución",
            "no pongan solución",
            "no dan solución",
            "cobrarte",
            "cobrarme",
            "cobrarnos",
            "para cobrar",
            "otra vez tarde",
            "tarde otra vez",
            "como siempre tarde",
            "retraso como siempre",
            "haciendo cola",
            "maletas que faltan",
            "maleta que falta",
            "no es normal",
            "no es de recibo",
            "no hay derecho",
            "no debería ser así",
            "lo veis normal",
            "os parece normal",
            "os parece legal",
            "les parece normal",
            "ya basta",
            "es increíble que",
            "cómo es posible que",
            "deberían aprender de",
            "deberíais aprender de",
            "retraso de",
            "horas de retraso",
            "todavía no",
            "todavía estoy esperando",
            "sigo esperando",
            "no funciona",
            "no me devuelven",
            "no contestan",
            "no responden",
            "reembolso",
            "reembolsos",
            "devolución",
            "overbooking",
            "sin respuesta",
        ),
    ),
    # Spanish words of the usual problems (luggage, delays, cancellations, charges, errors):
    # not enough alone, a complaint together with a negative tone
    (
        "complaint",
        0.65,
        "any",
        (
            "mi maleta",
            "mis maletas",
            "mi equipaje",
            "mi valija",
            "mis valijas",
            "retraso",
            "retrasado",
            "retrasada",
            "demora",
            "cancelado",
            "cancelada",
            "cancelación",
            "problema",
            "problemas",
            "un error",
            "error en",
            "dio error",
            "falla",
            "fallo",
            "colas",
            "esperando",
            "cobrar",
            "cobra",
            "cobran",
            "cobráis",
            "caro",
            "caros",
            "carísimo",
            "indemnización",
            "indemnizaciones",
            "reclamar",
            "reclamo",
            "separados",
            "incidencia",
            "anulada",
            "anulado",
        ),
    ),
    # question (besides the "¿" and "?" character rules)
    (
        "question",
        0.7,
        "start",
        (
            "cómo",
            "qué",
            "por qué",
            "cuándo",
            "dónde",
            "quién",
            "cuál",
            "cuánto",
            "alguien sabe",
            "pueden",
            "podrían",
            "puedo",
            "hay alguna",
        ),
    ),
    # praise
    (
        "praise",
        0.85,
        "any",
        (
            "gracias",
            "bravo",
            "enhorabuena",
            "felicidades",
            "felicitaciones",
            "excelente servicio",
            "excelente atención",
            "buen servicio",
            "me encanta",
            "me encantan",
            "os quiero",
            "los amo",
            "la mejor",
        ),
    ),
    # promotional / spam / self-promotion
    (
        "promo",
        0.9,
        "any",
        (
            "sígueme",
            "suscríbete",
            "mi canal",
            "código descuento",
            "código de descuento",
            "haz clic",
            "enlace en bio",
            "enlace en mi bio",
            "gana dinero",
            "seguidores gratis",
        ),
    ),
    (
        "promo",
        0.7,
        "any",
        (
            "sorteo",
            "sorteos",
            "oferta de",
            "oferta en",
            "oferta para",
            "ofertas de",
            "ofertas en",
            "ofertas para",
            "descuento del",
            "oferta exclusiva",
            "ofertas exclusivas",
            "compra ya",
            "reserva ya",
            "plazas limitadas",
            "inscríbete",
            "no te lo pierdas",
            "empleo",
            "estamos contratando",
        ),
    ),
    (
        "promo",
        0.7,
        "percent",
        (
            "dto",
            "de descuento",
        ),
    ),
)

RULES_EN: tuple[Rule, ...] = (
    # wish / suggestion / feature request
    (
        "wish",
        0.9,
        "any",
        (
            "i wish",
            "we wish",
            "wish you",
            "wish they",
            "wish there",
            "wish it",
            "wish i could",
        ),
    ),
    (
        "wish",
        0.85,
        "any",
        (
            "please add",
            "please allow",
            "please make",
            "please let",
            "please consider",
            "please bring",
            "please support",
            "please include",
            "please fix",
        ),
    ),
    (
        "wish",
        0.8,
        "any",
        (
            "it would be great",
            "it would be nice",
            "it would be cool",
            "it would be awesome",
            "it would be useful",
            "it would be helpful",
            "it would be better",
            "would be great if",
            "would be nice if",
            "would be awesome if",
            "would love to see",
            "would love it if",
            "would love if",
            "i'd love to see",
            "id love to see",
            "i'd love if",
            "i'd love it if",
        ),
    ),
    (
        "wish",
        0.75,
        "any",
        (
            "i would like to see",
            "i would like you to",
            "i would like if",
            "i'd like to see",
            "i'd like you to",
            "feature request",
            "suggestion",
            "i suggest",
            "i propose",
            "i recommend that",
            "why not add",
            "add an option",
            "add a feature",
            "add a option",
            "add a button",
            "add a setting",
            "add the feature",
            "add the option",
            "add the button",
            "add the setting",
        ),
    ),
    (
        "wish",
        0.6,
        "any",
        (
            "should add",
            "should have",
            "should make",
            "should allow",
            "should be able",
            "should consider",
            "should provide",
            "should offer",
            "should include",
            "should support",
            "should let",
            "should bring",
            "you guys should",
            "need to add",
            "needs to add",
            "need to have",
            "needs to have",
            "need to be able",
            "needs to be able",
        ),
    ),
    # advice to other customers, transferable across domains: "I recommend", "make sure you",
    # "avoid", "no te pierdas" (a suggestion in the SemEval-2019 Task 9 sense)
    (
        "wish",
        0.7,
        "any",
        (
            "i recommend",
            "i would recommend",
            "i'd recommend",
            "id recommend",
            "would highly recommend",
            "highly recommend",
            "strongly recommend",
            "i would suggest",
            "i'd suggest",
            "id suggest",
            "i strongly suggest",
            "my advice",
            "word of advice",
            "a word of warning",
            "my tip",
            "top tip",
            "you should",
            "you shouldn't",
            "you should not",
            "you must",
            "you'll want to",
            "you will want to",
            "you might want to",
            "you may want to",
            "you need to",
            "you have to",
            "make sure you",
            "make sure to",
            "be sure to",
            "don't forget to",
            "do not forget to",
            "don't bother",
            "do not bother",
            "is a must",
            "well worth",
            "worth a visit",
            "worth the extra",
            "travelers should",
            "travellers should",
            "guests should",
        ),
    ),
    (
        "wish",
        0.6,
        "start",
        (
            "try",
            "ask for",
            "avoid",
            "request",
            "insist",
            "beware",
            "be aware",
            "be prepared",
            "bring",
            "book",
            "reserve",
            "remember to",
            "keep in mind",
            "bear in mind",
            "note that",
            "check out",
            "go for",
            "opt for",
            "look for",
            "stay away",
            "skip",
            "pack",
            "consider",
            "definitely",
        ),
    ),
    (
        "wish",
        0.55,
        "any",
        (
            "recommend",
            "recommended",
            "suggest",
            "advise",
            "advisable",
            "if you want",
            "if you are looking",
            "if you're looking",
            "if you are planning",
            "if you plan",
            "if you get the chance",
            "if you have the chance",
            "if possible",
            "is a good idea",
            "good idea to",
            "best to",
            "better to",
            "it's worth",
            "it is worth",
            "worth it",
            "would not recommend",
            "wouldn't recommend",
            "don't stay",
            "do not stay",
            "don't book",
            "do not book",
            "don't expect",
            "do not expect",
            "look elsewhere",
            "stay elsewhere",
        ),
    ),
    (
        "wish",
        0.5,
        "start",
        (
            "if you",
            "ask",
            "take",
            "walk",
            "head",
            "eat",
            "visit",
            "use",
            "choose",
            "plan",
            "expect",
            "allow",
            "stay",
        ),
    ),
    ("wish", 0.3, "any", ("should",)),
    (
        "wish",
        0.05,
        "any",
        (
            "thanks for the suggestion",
            "thank you for the suggestion",
            "you should be ashamed",
            "you should feel",
            "you should know",
            "should have been",
            "should have had",
            "should arrive",
            "should be arriving",
            "should be here",
            "should be there",
            "should not have",
            "shouldn't have",
            "should've been",
        ),
    ),
    (
        "complaint",
        0.85,
        "any",
        (
            "worst airline",
            "worst service",
            "worst customer",
            "worst experience",
            "worst company",
            "unacceptable",
            "ridiculous",
            "ridiculously",
            "disgusted",
            "rip off",
            "ripoff",
            "scam",
            "scams",
            "scammers",
            "never again",
            "never flying",
            "never fly",
            "not happy",
            "very disappointed",
        ),
    ),
    (
        "complaint",
        0.75,
        "any",
        (
            "hour late",
            "hours late",
            "hour delay",
            "hours delay",
            "hour delayed",
            "hours delayed",
            "delayed again",
            "delayed for",
            "lost my bag",
            "lost my bags",
            "lost my luggage",
            "lost my suitcase",
            "lost our bag",
            "lost our bags",
            "lost our luggage",
            "lost our suitcase",
            "still waiting",
            "doesn't work",
            "doesnt work",
            "not working",
            "on hold for",
            "been on hold",
            "no one answers",
            "no one helps",
            "nobody answers",
            "nobody helps",
            "refund",
            "refunds",
            "refunded",
            "no answer",
            "terrible service",
        ),
    ),
    (
        "question",
        0.7,
        "start",
        (
            "how",
            "what",
            "why",
            "when",
            "where",
            "who",
            "which",
            "can you",
            "could you",
            "is there",
            "are there",
            "do you",
            "does",
            "did",
            "will you",
            "would you",
            "is it",
        ),
    ),
    (
        "praise",
        0.85,
        "any",
        (
            "thank you",
            "thanks",
            "thx",
            "kudos",
            "great job",
            "well done",
            "amazing service",
            "amazing crew",
            "amazing staff",
            "amazing job",
            "great service",
            "love you",
            "love your",
            "love this",
            "love flying",
            "you rock",
            "best airline",
        ),
    ),
    (
        "promo",
        0.9,
        "any",
        (
            "check out my",
            "subscribe to my",
            "check my channel",
            "visit my",
            "follow me",
            "my channel",
            "promo code",
            "discount code",
            "use code",
            "click here",
            "click the link",
            "link in bio",
            "make money",
            "earn money",
            "free gift",
            "free iphone",
            "free followers",
        ),
    ),
    (
        "promo",
        0.7,
        "any",
        (
            "giveaway",
            "giveaways",
            "buy now",
            "shop now",
            "book now",
            "limited time",
            "limited offer",
            "don't miss",
            "dont miss",
            "we're hiring",
            "were hiring",
        ),
    ),
    ("promo", 0.7, "percent", ("off",)),
)
RULES: tuple[Rule, ...] = (*RULES_EN, *RULES_ES)
RULE_LANGUAGES: tuple[str, ...] = ("en",) * len(RULES_EN) + ("es",) * len(RULES_ES)
CHAR_RULES: tuple[tuple[str, float, str], ...] = (("question", 0.9, "¿"), ("question", 0.85, "?"))

_WORD = re.compile(r"\w+")
_WHERE = ("any", "start", "percent")
_DOT, _BANG = map(ord, ".!")  # characters that end a sentence


class RuleMatcher:
    """All RULES compiled into one vocabulary and one sorted key table per phrase length.

    ``languages`` gives each rule's language ("" or None: every language); a rule of one
    language is not applied to posts known to be in another (see ``scores``)."""

    def __init__(
        self, rules: Sequence[Rule] = RULES, languages: Sequence[str] | None = None
    ) -> None:
        rule_langs = [""] * len(rules) if languages is None else list(languages)
        if len(rule_langs) != len(rules):
            raise ValueError("one language per rule")
        self._langs = ("", *sorted(set(rule_langs) - {""}))
        entries = [
            (text, _WORD.findall(text), (intent, prob, _WHERE.index(where), lang))
            for (intent, prob, where, texts), lang in zip(rules, rule_langs, strict=True)
            for text in texts
        ]
        # every word of every phrase hashed in one call (one call per phrase was most of the
        # time to build the matchers, paid at every start of the reader)
        hashes = word_hashes([w for _, words, _ in entries for w in words]).tolist()
        phrases: dict[tuple[int, ...], tuple[str, float, int, str]] = {}
        at = 0
        for text, words, value in entries:
            key = tuple(hashes[at : at + len(words)])
            at += len(words)
            if key in phrases:
                raise ValueError(f"phrase {text!r} is in two rules")
            phrases[key] = value
        vocab = sorted({h for key in phrases for h in key})
        self._index = HashIndex(np.array(vocab, dtype=np.uint64))
        ids = {h: i for i, h in enumerate(vocab)}
        self._base = len(vocab) + 1
        self._intents = tuple(dict.fromkeys(intent for intent, _, _, _ in rules))
        longest = max((len(key) for key in phrases), default=1)
        if self._base**longest >= 2**63:  # an n-gram's key is an int64 number in base _base
            raise ValueError(f"{len(vocab)} words in phrases of up to {longest}: keys overflow")
        # an n-gram's key: sum of its words' vocabulary ids times _base ** position; each
        # phrase's keys of its first 1, 2, ... words are built one word at a time
        powers = [self._base**i for i in range(longest)]
        by_length: dict[int, list[tuple[int, tuple[str, float, int, str]]]] = {}
        starts: dict[int, set[int]] = {n: set() for n in range(1, longest + 1)}
        for key, value in phrases.items():
            code = 0
            for n, h in enumerate(key, start=1):
                code += ids[h] * powers[n - 1]
                if n < len(key):
                    starts[n].add(code)
            by_length.setdefault(len(key), []).append((code, value))
        # per length: sorted keys, probability, place, intent, language (index in _langs)
        self._tables: dict[int, tuple[np.ndarray, ...]] = {}
        for n, group in sorted(by_length.items()):
            group.sort()
            self._tables[n] = (
                np.array([k for k, _ in group], dtype=np.int64),
                np.array([v[1] for _, v in group]),
                np.array([v[2] for _, v in group]),
                np.array([self._intents.index(v[0]) for _, v in group]),
                np.array([self._langs.index(v[3]) for _, v in group]),
            )
        # per length n: the sorted keys of every n-word phrase and n-word start of a longer
        # phrase, each with its row in _tables[n] (-1: none) and whether it starts a longer one
        self._steps: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for n in range(1, longest + 1):
            phrase_keys = self._tables[n][0] if n in self._tables else np.zeros(0, np.int64)
            longer = np.array(sorted(starts[n]), dtype=np.int64)
            step_keys = np.union1d(phrase_keys, longer)
            row = np.searchsorted(phrase_keys, step_keys)
            is_phrase = np.isin(step_keys, phrase_keys)
            self._steps.append(
                (step_keys, np.where(is_phrase, row, -1), np.isin(step_keys, longer))
            )
        # one-word keys are vocabulary ids: the first step is a direct lookup by id
        self._first_pos = np.full(len(vocab), -1, dtype=np.int64)
        self._first_pos[self._steps[0][0]] = np.arange(self._steps[0][0].size)

    @classmethod
    def cached(
        cls, rules: Sequence[Rule] = RULES, languages: Sequence[str] | None = None
    ) -> RuleMatcher:
        """The matcher for ``rules``, its tables read from the startup cache (building the
        matchers took about 50 ms at every start); keyed by the rules themselves and by the
        code that compiles and hashes them."""
        here = Path(__file__)
        fingerprint = "|".join(
            [
                file_fingerprint(here),
                file_fingerprint(here.with_name("features.py")),
                repr(rules),
                repr(languages),
            ]
        )
        state = cached_tables("rules", fingerprint, None, lambda: cls(rules, languages)._state())
        out = cls.__new__(cls)
        out._index = HashIndex(state["vocab"])
        out._base = state["vocab"].size + 1
        out._intents = tuple(state["intents"].tolist())
        out._langs = tuple(state["languages"].tolist())
        out._tables = {}
        for n in state["lengths"].tolist():
            out._tables[n] = tuple(state[f"table{n}_{i}"] for i in range(5))
        out._steps = []
        for n in range(int(state["longest"][0])):
            keys, row, longer = (state[f"step{n + 1}_{i}"] for i in range(3))
            out._steps.append((keys, row, longer))
        out._first_pos = state["first_pos"]
        return out

    def _state(self) -> dict[str, np.ndarray]:
        """This matcher's tables as named arrays (what ``cached`` stores)."""
        state = {
            "vocab": self._index.keys,
            "intents": np.array(self._intents, dtype=str),
            "languages": np.array(self._langs, dtype=str),
            "lengths": np.array(sorted(self._tables), dtype=np.int64),
            "longest": np.array([len(self._steps)], dtype=np.int64),
            "first_pos": self._first_pos,
        }
        for n, table in self._tables.items():
            state.update({f"table{n}_{i}": arr for i, arr in enumerate(table)})
        for n, step in enumerate(self._steps, start=1):
            state.update({f"step{n}_{i}": arr for i, arr in enumerate(step)})
        return state

    def scores(
        self, a: Analysis, intents: Sequence[str], langs: Sequence[str] | None = None
    ) -> np.ndarray:
        """Highest rule probability per (text, intent); 0 where no rule matches. With
        ``langs`` (one per text), a text in a language that has rules gets only its own
        language's rules and the language-free ones; other texts get every rule."""
        out = np.zeros((a.n_docs, len(intents)), dtype=np.float64)
        column = {name: j for j, name in enumerate(intents)}
        for intent, prob, char in CHAR_RULES:
            if intent in column:
                docs = a.doc[a.cp == ord(char)]
                out[docs, column[intent]] = np.maximum(out[docs, column[intent]], prob)
        t = a.tokens
        vid = self._index.find(t.hash).astype(np.int64)
        cand = np.flatnonzero(vid >= 0)
        to_column = np.array([column.get(k, -1) for k in self._intents])
        covered: np.ndarray | None = None  # (token, column): inside a longer phrase's match
        doc_lang = np.zeros(a.n_docs, dtype=np.int64)
        if langs is not None:
            code = {lang: i for i, lang in enumerate(self._langs) if lang}
            doc_lang = np.fromiter(map(code.get, langs, repeat(0)), np.int64, len(langs))
        matches = self._matches(vid, t.doc, cand)
        for n in sorted(self._tables, reverse=True):
            _, probs, where, intent_ids, rule_lang = self._tables[n]
            at, rule = matches[n]
            if not at.size:
                continue
            lang, post = rule_lang[rule], doc_lang[t.doc[at]]
            ok = self._where_ok(a, at, where[rule]) & ((lang == 0) | (post == 0) | (lang == post))
            at, rule = at[ok], rule[ok]
            cols = to_column[intent_ids[rule]]
            keep = cols >= 0
            at, rule, cols = at[keep], rule[keep], cols[keep]
            if covered is None:
                covered = np.zeros((vid.size, len(intents)), dtype=bool)
            inside = np.ones(at.size, dtype=bool)
            for i in range(n):
                inside &= covered[at + i, cols]
            at, rule, cols = at[~inside], rule[~inside], cols[~inside]
            for i in range(n):
                covered[at + i, cols] = True
            np.maximum.at(out, (t.doc[at], cols), probs[rule])
        return out

    def _matches(
        self, vid: np.ndarray, doc: np.ndarray, cand: np.ndarray
    ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Per phrase length n: token positions where an n-word phrase starts, and its row in
        _tables[n]. The n-gram keys grow one word at a time, kept only while they start some
        phrase, so most tokens are dropped after one lookup."""
        none = np.zeros(0, dtype=np.int64)
        out = dict.fromkeys(self._tables, (none, none))
        at, key = cand, vid[cand]
        for n, (step_keys, rows, longer) in enumerate(self._steps, start=1):
            if n > 1:
                room = at + n <= vid.size
                at, key = at[room], key[room]
                v = vid[at + n - 1]
                ok = (v >= 0) & (doc[at + n - 1] == doc[at])
                at, key = at[ok], key[ok] + v[ok] * self._base ** (n - 1)
            if not at.size:
                break
            if n == 1:
                pos = self._first_pos[key]
                found = pos >= 0
            else:
                pos = np.searchsorted(step_keys, key).clip(0, step_keys.size - 1)
                found = step_keys[pos] == key
            at, key, pos = at[found], key[found], pos[found]
            row = rows[pos]
            hit = row >= 0
            if n in self._tables:
                out[n] = (at[hit], row[hit])
            at, key = at[longer[pos]], key[longer[pos]]
        return out

    def _where_ok(self, a: Analysis, at: np.ndarray, where: np.ndarray) -> np.ndarray:
        """Whether each match is in its rule's place; the place tests run on their matches only."""
        ok = where == 0
        for code, test in ((1, _sentence_start), (2, _after_percent)):
            sel = np.flatnonzero(where == code)
            if sel.size:
                ok[sel] = test(a, at[sel])
        return ok


def _sentence_start(a: Analysis, at: np.ndarray, max_handles: int = 4) -> np.ndarray:
    """Whether each token starts a sentence, skipping up to ``max_handles`` @handles."""
    t, cp = a.tokens, a.cp
    result = np.zeros(at.size, dtype=bool)
    live = np.arange(at.size)  # matches still undecided: each step goes back one @handle
    cur = at
    for _ in range(max_handles + 1):
        if not live.size:
            break
        prev = np.maximum(cur - 1, 0)
        first = (cur == 0) | (t.doc[prev] != t.doc[cur])
        gap = np.zeros(live.size, dtype=bool)
        for d in (1, 2, 3):
            p = t.start[cur] - d
            c = cp[np.maximum(p, 0)]
            gap |= (p >= t.end[prev]) & ((c == _DOT) | (c == _BANG))
        done = first | gap
        result[live[done]] = True
        handle = ~done & (cp[np.maximum(t.start[prev] - 1, 0)] == ord("@"))
        live, cur = live[handle], prev[handle]
    return result


def _after_percent(a: Analysis, at: np.ndarray) -> np.ndarray:
    start = a.tokens.start[at]
    before = a.cp[np.maximum(start - 1, 0)]
    before2 = a.cp[np.maximum(start - 2, 0)]
    return (before == ord("%")) | ((before == ord(" ")) & (before2 == ord("%")))


@lru_cache(maxsize=1)
def _default_matcher() -> RuleMatcher:
    return RuleMatcher.cached(RULES, RULE_LANGUAGES)


def rule_scores(
    a: Analysis, intents: Sequence[str], langs: Sequence[str] | None = None
) -> np.ndarray:
    """RULES applied to a featurised batch (see RuleMatcher.scores); with ``langs``, each
    language's rules apply to its own posts only."""
    return _default_matcher().scores(a, intents, langs)
