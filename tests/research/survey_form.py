"""A live two-language survey with three pages, used by the distribution and form tests."""

from __future__ import annotations

from escucha.research.definition import Choice, Definition, Group, Kind, Language, Question, Row
from escucha.research.surveys import create_survey, set_status


def _c(name: str, en: str, es: str) -> Choice:
    return Choice(name, {"en": en, "es": es})


YES_NO = (_c("yes", "Yes", "Sí"), _c("no", "No", "No"))
AGREE = (_c("1", "Disagree", "En desacuerdo"), _c("2", "Neutral", "Neutral"),
         _c("3", "Agree", "De acuerdo"))  # fmt: skip
DEFINITION = Definition(
    name="feedback",
    title="Your flights",
    languages=(Language("en", "English"), Language("es", "Español")),
    default_language="en",
    asker={"en": "The Iberia community team", "es": "El equipo de comunidad de Iberia"},
    purpose={"en": "To improve our flights", "es": "Para mejorar nuestros vuelos"},
    use={"en": "Only in aggregate", "es": "Solo de forma agregada"},
    minutes=3,
    children=(
        Group("start", {"en": "Start", "es": "Inicio"}, children=(
            Question("ok", Kind.CONSENT, {"en": "I agree to take part", "es": "Acepto participar"},
                     required=True),
            Question("country", Kind.SINGLE, {"en": "Country", "es": "País"}, required=True,
                     choices=(_c("ES", "Spain", "España"), _c("MX", "Mexico", "México"),
                              _c("US", "USA", "EE. UU."))),
            Question("customer", Kind.SINGLE, {"en": "Did you fly with us?",
                                               "es": "¿Volaste con nosotros?"},
                     required=True, choices=YES_NO, end_if="${customer} = 'no'"),
        )),
        Group("rate", {"en": "Rate", "es": "Valora"}, children=(
            Question("grid", Kind.MATRIX, {"en": "How was it?", "es": "¿Qué tal fue?"},
                     choices=AGREE, rows=(Row("grid_price", {"en": "Price", "es": "Precio"}),
                                          Row("grid_service", {"en": "Service",
                                                               "es": "Servicio"}))),
            Question("age", Kind.INTEGER, {"en": "Your age", "es": "Tu edad"},
                     hint={"en": "In years", "es": "En años"},
                     constraint=". >= 0 and . <= 120",
                     constraint_message={"en": "0 to 120", "es": "de 0 a 120"}),
        )),
        Group("more", {"en": "More", "es": "Más"}, children=(
            Question("uses", Kind.MULTIPLE, {"en": "You use", "es": "Usas"},
                     choices=(_c("app", "The app", "La app"), _c("web", "The web", "La web")),
                     other=True),
            Question("name", Kind.TEXT, {"en": "Your name, ${country}", "es": "Tu nombre"},
                     relevant="${age} >= 18"),
            Question("story", Kind.LONG_TEXT, {"en": "Anything else?", "es": "¿Algo más?"}),
        )),
    ),
)  # fmt: skip


def live_survey(ws) -> int:
    survey = create_survey(ws, DEFINITION)
    set_status(ws, survey.id, "live")
    return survey.id


# What a respondent posts on each page (form fields, each a list of values).
PAGE_1 = {"ok": ["yes"], "country": ["ES"], "customer": ["yes"]}
PAGE_2 = {"grid.grid_price": ["3"], "grid.grid_service": ["2"], "age": ["42"]}
PAGE_3 = {"uses": ["app", "other"], "uses_other": ["kiosk"], "name": ["Ana"],
          "story": ["Fine"]}  # fmt: skip
