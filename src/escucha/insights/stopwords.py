"""Small Spanish and English stopword lists for key-phrase extraction, written for escucha.

Words are lower-case and accent-folded (the tokenizer folds before it looks them up).
The lists also hold social-media filler ("rt", "amp", "via") and contractions with the
apostrophe removed ("dont"), because the tokenizer drops apostrophes.
"""


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = words(
    """
    a about above after again against all almost also am an and any are aren arent as at be
    because been before being below between both but by can cannot cant could couldnt did
    didnt do does doesnt doing dont down during each either else even ever every few for from
    further get gets getting got had hadnt has hasnt have havent having he hed hell her here
    heres hers herself hes him himself his how hows i id ill im is isnt it its itself ive just
    let lets me might more most much must mustnt my myself neither no nor not now of off on
    once one only or other ought our ours ourselves out over own really same shall shant she
    shed shell shes should shouldnt since so some still such than that thats the their theirs
    them themselves then there theres these they theyd theyll theyre theyve this those though
    through thus to too under until up upon us very via was wasnt we wed well were werent weve
    what whats when whens where wheres whether which while who whos whom why whys will with
    within without wont would wouldnt yet you youd youll your youre yours yourself yourselves
    youve yes yeah ok okay oh u ur im w pls plz thx rt amp gt lt
    go going gone make made know think see say said take took ask want
    in into onto lot lots thing things way
    """
)

SPANISH = words(
    """
    a al algo algun alguna algunas alguno algunos ante antes aqui asi aun aunque bajo cada
    casi como con contra cual cuales cuando cuanto de del desde donde dos e el ella ellas ello
    ellos en entre era eramos eran eras eres es esa esas ese eso esos esta estaba estaban
    estado estais estamos estan estar estas este esto estos estoy fue fueron fui fuimos ha
    habeis haber habia habian han has hasta hay he hemos hoy la las le les lo los mas me mi
    mia mias mio mios mis mucho muchos muy nada ni no nos nosotras nosotros nuestra nuestras
    nuestro nuestros o os otra otras otro otros para pero poco por porque pues que quien
    quienes se sea sean ser sera si sido sin sobre sois solo somos son soy su sus suya suyas
    suyo suyos tal tambien tan tanto te tendra tenemos tener tengo ti tiene tienen toda todas
    todo todos tu tus un una unas uno unos usted ustedes va vais vamos van vez vosotras
    vosotros voy vuestra vuestro y ya yo q k xq pq porq d x tb tmb ke rt via
    hacer hace hacen hecho poder puede pueden saber sabe ir ver dar decir dice ahora
    """
)

# Words that say *that* someone wishes or complains, not *what* about: they would otherwise
# top every list of wishes.
INTENT_MARKERS = words(
    """
    wish wishes wished wishing hope hoping hopefully please would could should ojala gustaria
    encantaria deberia deberian deberiais estaria seria favor porfa porfavor
    """
)

ALL = ENGLISH | SPANISH | INTENT_MARKERS

# Words that can be in a theme but never name one: they say how bad, when or that something
# happened, not what ("never", "worst", "horas", "pasa"). Themes' labels skip them, and a
# data-driven cluster left with nothing else to be called goes to "other".
NOT_A_NAME = words(
    """
    never nothing tell told give gave seriously fail right better good bad worst best luck
    great thank thanks please always ever again work working come came let actually literally
    today tomorrow tonight yesterday week hour hours minute minutes day days time times lol
    omg wtf suck sucks horrible terrible awful ridiculous unacceptable disappointed
    disappointing annoying sure guys anything everything nice love hate much many first
    another experience wait waiting happen happened keep kept problem problems issue issues
    pasa paso pasado queda pone creo parece siempre nunca nada mejor peor bien mal gran puta
    puto mierda verguenza anos semana horas hora dia dias hoy manana ayer esperar esperando
    viajar nadie personas persona gente cosa cosas problema problemas mismo misma pena
    """
)
