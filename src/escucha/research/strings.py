"""The sentences the survey analysis and the results post say, in each UI language (added to
the catalogues through features/research.py's `strings` hook)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "survey_aapor_statement": (
            "These results come from a self-selected (opt-in) sample of {n} respondents, not "
            "a probability sample: no margin of sampling error applies. Weighting corrects "
            "the sample's composition on the weighting variables only."
        ),
        "survey_modelled_interval": (
            "modelled interval: a Poisson bootstrap over the weighted sample ({draws} draws, "
            "weights kept fixed); not a margin of sampling error"
        ),
        "survey_loop_title": "What you told us: {title}",
        "survey_loop_intro": 'Thank you to the {n} people who answered "{title}".',
        "survey_loop_finding": "{label}: {answer} ({share})",
        "survey_loop_nps": "{label}: net promoter score {score}",
        "survey_loop_caveat": (
            "These are the answers of the people who chose to take part, not a "
            "representative sample of everyone."
        ),
    },
    "es": {
        "survey_aapor_statement": (
            "Estos resultados proceden de una muestra autoseleccionada (opt-in) de {n} "
            "personas, no de una muestra probabilística: no procede ningún margen de error "
            "muestral. La ponderación corrige la composición de la muestra solo en las "
            "variables de ponderación."
        ),
        "survey_modelled_interval": (
            "intervalo modelado: bootstrap de Poisson sobre la muestra ponderada ({draws} "
            "réplicas, con los pesos fijos); no es un margen de error muestral"
        ),
        "survey_loop_title": "Lo que nos contasteis: {title}",
        "survey_loop_intro": "Gracias a las {n} personas que respondieron a «{title}».",
        "survey_loop_finding": "{label}: {answer} ({share})",
        "survey_loop_nps": "{label}: índice de recomendación neta {score}",
        "survey_loop_caveat": (
            "Son las respuestas de quienes decidieron participar, no una muestra "
            "representativa de todo el mundo."
        ),
    },
}


def say(lang: str, key: str, **values: object) -> str:
    """A sentence of these strings in `lang` (English for another language)."""
    return STRINGS.get(lang, STRINGS["en"])[key].format(**values)
