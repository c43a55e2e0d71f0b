"""Spanish wishes on the shipped reader: a request to the company is a wish; sympathy,
curses, the author's own case and past regrets are not (escucha.understand.rules)."""

from __future__ import annotations

import pytest

WISHES = [
    "@Iberia deberían poner wifi en los vuelos largos",
    "@Iberia deberíais poner wifi",
    "@Iberia debería mejorar su sistema de avisos por SMS",
    "@Iberia estaría bien que pusierais enchufes en los asientos",
    "@Iberia me gustaría que pusieran más vuelos a Bilbao",
    "@Iberia por qué no ponéis wifi en los vuelos?",
    "@Iberia a ver si abrís más rutas desde Vigo",
    "@Iberia espero que mejoren el servicio de atención al cliente",
    "@vueling ya podríais volar a Asturias",
    "Por favor @Iberia dejad de cobrar por elegir asiento",
    "@Ryanair_ES Poned más vuelos a Canarias en invierno.",
    "@Iberia Aprendan a gestionar sus sistemas y no abusen de los pasajeros.",
    "@Iberia os propongo un vuelo directo Bilbao-Lisboa",
]
NOT_WISHES = [
    "@Iberia ojalá encuentres pronto tu equipaje, qué mala suerte",
    "@Iberia ojalá os arruinéis",
    "@Iberia espero que te devuelvan la maleta pronto",
    "@Iberia me encantaría que me devuelvan el dinero del billete",
    "@Iberia me podríais cambiar el vuelo al lunes?",
    "@Iberia tendrían que haber avisado antes de cancelar",
    "@Iberia qué bien, otra hora de retraso",
    "Hola @Iberia, si pudieses dar una respuesta a esto sería genial",
    "@Iberia sería genial que me respondierais de una vez",
    "Propongo que se mantenga al rey pero con el salario mínimo",
]


@pytest.mark.parametrize("text", WISHES)
def test_requests_to_the_company_are_wishes(reader, text):
    (reading,) = reader.read([text], ["es"])
    assert "wish" in reading.intent_labels


@pytest.mark.parametrize("text", NOT_WISHES)
def test_sympathy_curses_and_own_case_are_not_wishes(reader, text):
    (reading,) = reader.read([text], ["es"])
    assert "wish" not in reading.intent_labels


# Spanish written without accents reads as English words once folded ("Reservé" -> "reserve",
# "usé" -> "use"): English rules must not fire on Spanish posts, nor Spanish ones on English.
SPANISH_WITHOUT_ACCENTS = [
    "@Iberia Reserve dos vuelos con puntos y puse mal el nombre",
    "Plan de viernes: viajar en avion con @Iberia y leer la revista",
    "@Iberia Use la app ayer para facturar y bien",
]


@pytest.mark.parametrize("text", SPANISH_WITHOUT_ACCENTS)
def test_english_rules_do_not_read_spanish_posts(reader, text):
    (spanish,) = reader.read([text], ["es"])
    assert "wish" not in spanish.intent_labels


def test_each_language_keeps_its_own_rules(reader):
    es, en = reader.read(
        ["@Iberia deberían poner wifi en los vuelos largos", "@united you should add wifi"],
        ["es", "en"],
    )
    assert "wish" in es.intent_labels and "wish" in en.intent_labels
    # the same English request read as Spanish gets no English rule
    (as_spanish,) = reader.read(["@united please add wifi on transatlantic flights"], ["es"])
    assert "wish" not in as_spanish.intent_labels
