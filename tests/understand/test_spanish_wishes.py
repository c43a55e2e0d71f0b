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
]
NOT_WISHES = [
    "@Iberia ojalá encuentres pronto tu equipaje, qué mala suerte",
    "@Iberia ojalá os arruinéis",
    "@Iberia espero que te devuelvan la maleta pronto",
    "@Iberia me encantaría que me devuelvan el dinero del billete",
    "@Iberia me podríais cambiar el vuelo al lunes?",
    "@Iberia tendrían que haber avisado antes de cancelar",
    "@Iberia qué bien, otra hora de retraso",
]


@pytest.mark.parametrize("text", WISHES)
def test_requests_to_the_company_are_wishes(reader, text):
    (reading,) = reader.read([text], ["es"])
    assert "wish" in reading.intent_labels


@pytest.mark.parametrize("text", NOT_WISHES)
def test_sympathy_curses_and_own_case_are_not_wishes(reader, text):
    (reading,) = reader.read([text], ["es"])
    assert "wish" not in reading.intent_labels
