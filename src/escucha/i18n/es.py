"""Español: el texto de la aplicación web, del informe y de los errores que ven los usuarios."""

from escucha.i18n.format import Locale

LOCALE = Locale(
    code="es",
    date_time="%A, %e de %B de %Y, %X",
    date="%d/%m/%Y",
    time="%H:%M:%S",
)

STRINGS: dict[str, str] = {
    # marco
    "skip_to_content": "Saltar al contenido",
    "language": "Idioma de la interfaz",
    "signed_in_as": "Sesión de {name}",
    "log_out": "Cerrar sesión",
    "log_in": "Entrar",
    "nav_label": "Principal",
    "nav_overview": "Resumen",
    "nav_explore": "Menciones",
    "nav_competitors": "Competidores",
    "nav_sources": "Fuentes",
    "nav_tokens": "Tokens de la API",
    "footer": (
        "escucha: escucha social de código abierto. Los textos se citan tal como los "
        "escribieron sus autores."
    ),
    "role_admin": "administración",
    "role_analyst": "análisis",
    "role_viewer": "lectura",
    # títulos
    "title_login": "Entrar",
    "title_overview": "Resumen",
    "title_explore": "Explorador de menciones",
    "title_post": "Publicación {id}",
    "title_competitors": "Competidores",
    "title_sources": "Fuentes",
    "title_tokens": "Tokens de la API",
    "title_error": "Algo ha fallado",
    # entrada y errores
    "username": "Usuario",
    "password": "Contraseña",
    "login_failed": "Usuario o contraseña incorrectos.",
    "login_throttled": "Demasiados intentos fallidos. Vuelve a intentarlo en {seconds} segundos.",
    "error_403": "No tienes permiso para hacer esto.",
    "error_404": "Aquí no hay nada.",
    "error_400": "La petición no es válida: {detail}",
    "back_to_overview": "Volver al resumen",
    # resumen
    "totals": "Totales",
    "kpi_posts": "publicaciones",
    "kpi_enriched": "analizadas",
    "kpi_mentions": "menciones de marca",
    "kpi_languages": "idiomas",
    "period_lang": "{lang}: del {first} al {last}",
    "volume": "Volumen en el tiempo",
    "volume_intro": (
        "Menciones por marca; cada idioma tiene su propio eje temporal y tamaño de intervalo, "
        "porque los idiomas cubren periodos distintos. El primer y el último intervalo pueden "
        "estar incompletos."
    ),
    "share": "Cuota de voz",
    "share_intro": (
        "Menciones de cada marca divididas entre todas las menciones de marca del mismo idioma. "
        "Una publicación que nombra dos marcas cuenta para ambas."
    ),
    "sentiment": "Sentimiento neto",
    "sentiment_intro": (
        "(positivas − negativas) / (positivas + negativas), de −1 (todas negativas) a +1 "
        "(todas positivas); las neutras no cuentan. Las líneas muestran un intervalo del 95 %. "
        "Las marcas con menos de {min} publicaciones positivas o negativas aparecen atenuadas "
        "y marcadas como demasiado pocas para comparar."
    ),
    "show_table": "Ver los números en una tabla",
    "sentiment_table": "Menciones, cuota de voz y sentimiento neto por idioma y marca",
    "no_data": "Aún no hay datos: importa publicaciones y ejecuta escucha analyze.",
    # texto de los gráficos
    "volume_chart_title": "{lang}: menciones por {bin}, del {first} al {last}",
    "volume_alt": (
        "{lang}: gráfico de líneas de las menciones por {bin} y marca, del {first} al {last}."
    ),
    "bin_D": "día",
    "bin_W": "semana",
    "bin_M": "mes",
    "axis_period_D": "Día",
    "axis_period_W": "Semana que empieza",
    "axis_period_M": "Mes",
    "axis_mentions": "Menciones",
    "axis_share": "Cuota de voz (menciones de marca en este idioma)",
    "axis_net": "Sentimiento neto (positivas − negativas) / (positivas + negativas)",
    "legend_brand": "Marca",
    "share_chart_title": "{lang}: cuota de voz",
    "share_alt": "{lang}: gráfico de barras de la cuota de voz por marca.",
    "sentiment_chart_title": "{lang}: sentimiento neto por marca",
    "sentiment_alt": "{lang}: gráfico de barras del sentimiento neto por marca, con intervalos.",
    "too_few_short": "pocas",
    "net_n": "{net} (n = {n})",
    "net_n_few": "{net} (n = {n}, pocas)",
    "being_computed": (
        "Estas cifras se están calculando por primera vez desde que cambiaron los datos; "
        "la página las muestra en cuanto están listas."
    ),
    "ours": "nuestra marca",
    # columnas
    "col_language": "Idioma",
    "col_brand": "Marca",
    "col_brands": "Marcas",
    "col_mentions": "Menciones",
    "col_share": "Cuota de voz",
    "col_share_mentions": "Cuota por menciones",
    "authors_by_reach": (
        "Autores de mayor alcance: sus seguidores máximos cuando se recogió una publicación suya"
    ),
    "authors_by_engagement": (
        "Autores con más interacción: me gusta, compartidos, respuestas y puntuación de sus "
        "publicaciones"
    ),
    "col_share_reach": "Cuota por alcance",
    "reach_known_of": "seguidores conocidos en {known} de {n}",
    "reach_intro": (
        "La cuota por alcance pondera cada mención por los seguidores de su autor cuando se "
        "recogió la publicación (una audiencia potencial, no personas alcanzadas); solo cuenta "
        "las menciones cuya fuente dio los seguidores, y muestra — donde ninguna los dio."
    ),
    "col_net": "Sentimiento neto",
    "col_interval": "Intervalo del 95 %",
    "col_complaint": "% queja",
    "col_wish": "% deseo",
    "col_top_concern": "Queja principal",
    "col_sentiment": "Sentimiento",
    "col_intent": "Intención",
    "col_source": "Fuente",
    "col_author": "Autor",
    "col_date": "Fecha",
    "col_posts": "Publicaciones",
    "col_first": "Primera",
    "col_last": "Última",
    "col_health": "Estado",
    "col_location": "Archivo o dirección",
    "col_started": "Inicio",
    "col_status": "Estado",
    "col_accepted": "Aceptadas",
    "col_duplicate": "Duplicadas",
    "col_rejected": "Rechazadas",
    "col_message": "Mensaje",
    "col_created": "Creado",
    "col_last_used": "Último uso",
    # valores
    "sentiment_negative": "negativo",
    "sentiment_neutral": "neutro",
    "sentiment_positive": "positivo",
    "intent_wish": "deseo",
    "intent_complaint": "queja",
    "intent_question": "pregunta",
    "intent_praise": "elogio",
    "intent_promo": "promoción",
    "lang_es": "Español",
    "lang_en": "Inglés",
    "lang_unknown": "Demasiado corto para saber el idioma",
    "none": "—",
    "unknown": "desconocido",
    "no_date": "sin fecha",
    # explorador
    "query": "Consulta",
    "query_help": (
        'Palabras, "frases", AND / OR / NOT, NEAR/3 y campos como brand:Iberia, lang:es, '
        "sentiment:negative, intent:complaint, date:2017-11-01..2017-11-30."
    ),
    "any": "Cualquiera",
    "date_from": "Desde (UTC)",
    "date_to": "Hasta (UTC)",
    "search": "Buscar",
    "clear_filters": "Quitar filtros",
    "results": "Resultados",
    "results_summary": "{n} publicaciones coinciden, {sort}; página {page} de {pages}.",
    "sort": "Orden",
    "sort_newest": "Más recientes primero",
    "sort_oldest": "Más antiguas primero",
    "sort_engagement": "Más interacción primero",
    "sort_reach": "Mayor alcance primero",
    "engagement": "Interacción",
    "engagement_help": (
        "Tal como la fuente los dio al recoger la publicación (recogerla o importarla de nuevo "
        "los actualiza); la interacción es me gusta + compartidos + respuestas + puntuación."
    ),
    "count_likes": "{n} me gusta",
    "count_reposts": "{n} compartidos",
    "count_replies": "{n} respuestas",
    "count_score": "puntuación {n}",
    "count_followers": "seguidores del autor: {n}",
    "count_engagement": "interacción {n}",
    "counted_at": "Contado",
    "categories_title": "Categorías",
    "categories_none": "Esta publicación no está en ninguna categoría propia.",
    "category_by_hand": "etiquetada a mano",
    "category_by_query": "por la consulta de la categoría",
    "categories_tag": "Etiquetar a mano",
    "categories_save": "Guardar las categorías",
    "categories_define_help": (
        "Aún no hay categorías propias: define una con "
        'escucha categories add NOMBRE [--query "CONSULTA"].'
    ),
    "categories_text": "categorías: {names}",
    "col_category": "Categoría",
    "title_categories": "Categorías",
    "nav_categories": "Categorías",
    "categories_intro": (
        "Tus propias categorías: las publicaciones etiquetadas a mano y las que cumplen la "
        "consulta guardada de cada categoría (se evalúa al leer, así que las nuevas cuentan al "
        "momento). El sentimiento cuenta la etiqueta de un analista en lugar de la del modelo."
    ),
    "categories_empty": (
        "Aún no hay categorías propias: define una con "
        'escucha categories add NOMBRE [--query "CONSULTA"].'
    ),
    "col_query": "Consulta",
    "col_share_of_posts": "Parte de las publicaciones",
    "col_tagged_by_hand": "Etiquetadas a mano",
    "categories_by_hand_only": "solo a mano",
    "categories_voices": "Cuota de voz dentro de cada categoría",
    "title_authors": "Autores principales",
    "authors_link": "Autores principales",
    "categories_link": "Categorías",
    "top_authors_intro": (
        "Los autores del periodo con más publicaciones, mayor alcance (los seguidores que "
        "tenían cuando se recogió una de sus publicaciones: audiencia potencial, no personas "
        "alcanzadas) y más interacción (me gusta, republicaciones, respuestas y puntuación de "
        "sus publicaciones). Al ordenar por alcance o interacción quedan fuera los autores cuya "
        "fuente no dio ese dato."
    ),
    "top_authors_posts": "Por publicaciones",
    "top_authors_reach": "Por alcance",
    "top_authors_engagement": "Por interacción",
    "top_authors_none": "{by}: ningún autor del periodo tiene este dato.",
    "labels_title": "Etiquetas",
    "labels_by_model": "El sentimiento y las intenciones mostrados son los del modelo.",
    "labels_by_human": (
        "Etiquetado por {user}: estas etiquetas sustituyen a las del modelo en cada recuento, "
        "gráfico e informe (las probabilidades de abajo siguen siendo las del modelo)."
    ),
    "labels_save": "Guardar estas etiquetas",
    "labels_restore": "Volver a las etiquetas del modelo",
    "labels_history": "Correcciones",
    "labels_when": "Cuándo (UTC)",
    "labels_who": "Quién",
    "labels_before": "Antes",
    "labels_after": "Después",
    "labels_overview": (
        "{n} publicaciones llevan etiquetas de un analista; cuentan con ellas en lugar de las del "
        "modelo."
    ),
    "col_likes": "Me gusta",
    "col_reposts": "Compartidos",
    "col_replies": "Respuestas",
    "col_score": "Puntuación",
    "col_followers": "Seguidores del autor",
    "col_engagement": "Interacción",
    "no_counts": "La fuente no dio recuentos para esta publicación.",
    "no_results": "Ninguna publicación coincide con estos filtros.",
    "query_error": "La consulta tiene un problema: {message}",
    "export_as": "Descargar estas publicaciones en",
    "pages": "Páginas",
    "first_page": "Primera página",
    "next_page": "Página siguiente",
    "open_post": "abrir publicación",
    "open_post_n": "Abrir publicación {id}",
    "original": "original",
    # publicación
    "post_text": "Texto",
    "link": "Enlace",
    "unsafe_link": "No es un enlace web; no se enlaza:",
    "in_reply_to": "En respuesta a",
    "fetched": "Recogida",
    "enrichment": "Lo que leyó el modelo",
    "model_version": "Versión del modelo: {version}.",
    "source_said": "la fuente indicó {lang}",
    "probabilities": "Probabilidades",
    "label": "Etiqueta",
    "probability": "Probabilidad",
    "bar": "Barra",
    "not_enriched": "El modelo actual aún no ha leído esta publicación: ejecuta escucha analyze.",
    "raw_payload": "Datos originales, tal como llegaron",
    "back_to_explorer": "Volver al explorador",
    # competidores
    "competitors_intro": (
        "Una fila por marca e idioma. La cuota de voz es dentro del idioma; % queja y % deseo "
        "son proporciones de las publicaciones de la marca."
    ),
    "competitor_comparison": "Comparación con la competencia",
    # quejas
    "show": "Mostrar",
    "concerns": "Quejas",
    "wishes": "Deseos",
    "no_flagged": "Ninguna publicación marcada.",
    # fuentes
    "coverage": "Cobertura y estado",
    "coverage_caption": "Publicaciones por fuente, su periodo y cómo fue la última recogida",
    "import_runs": "Importaciones",
    "import_runs_caption": "Cada importación y lo que aceptó, encontró duplicado y rechazó",
    "health_ok": "correcta",
    "health_failing": "con errores",
    "health_unknown": "desconocido",
    "run_done": "terminada",
    "run_failed": "fallida",
    "run_interrupted": "interrumpida",
    "run_running": "en curso",
    # tokens
    "tokens_intro": (
        "Los tokens permiten a otros programas usar la API REST (/api/v1) en tu nombre. Un "
        "token de lectura solo lee; uno de escritura también puede cambiar cosas. Cada token "
        "se muestra una sola vez, al crearlo."
    ),
    "tokens_viewer": "Los perfiles de lectura no pueden crear tokens; pídeselo a un administrador.",
    "token_created": "Copia este token ahora: no se volverá a mostrar.",
    "new_token": "Token nuevo",
    "token_label": "Etiqueta",
    "token_scope": "Alcance",
    "token_prefix": "Token",
    "scope_read": "lectura",
    "scope_write": "escritura",
    "create_token": "Crear token",
    "your_tokens": "Tus tokens",
    "no_tokens": "Aún no hay tokens.",
    "revoke": "Revocar",
    "revoke_token": "Revocar el token {prefix}",
    "revoked": "revocado",
    "active": "activo",
    "actions": "Acciones",
    # temas
    "nav_themes": "Temas",
    "title_themes": "Temas",
    "title_theme": "Tema: {label}",
    "themes_intro": (
        "Publicaciones agrupadas en temas por las palabras que comparten, por idioma: sin "
        "consulta, las quejas y los deseos; con una consulta, todas las que coinciden (o solo "
        "las de la intención elegida). Cada tema se nombra por sus frases más distintivas; la "
        "tendencia compara su peso en las publicaciones del idioma en la segunda mitad del "
        "periodo con la primera."
    ),
    "themes_matching": "Temas de las publicaciones encontradas",
    "themes_note": "{n} publicaciones marcadas; {other} no encajan en ningún tema («otros»).",
    "themes_note_any": "{n} publicaciones; {other} no encajan en ningún tema («otros»).",
    "themes_note_brand": "Solo {brand}: {note}",
    "themes_brand_intro": (
        "Vista de {brand}: los temas de las publicaciones de todas las marcas, ordenados por "
        "cuántas publicaciones de {brand} tiene cada uno (su principal preocupación es la de "
        "la página de competidores); los porcentajes son sobre las publicaciones de {brand} "
        "en el idioma."
    ),
    "theme_brand_size": "{n} publicaciones de {brand} ({share}); {size} en total",
    "themes_more": "No se muestran {n} temas más pequeños con {posts} publicaciones.",
    "no_themes": "Muy pocas publicaciones, o demasiado variadas, para formar un tema.",
    "n_posts": "{n} publicaciones",
    "trend": "Tendencia",
    "trend_rising": "al alza ↑",
    "trend_falling": "a la baja ↓",
    "trend_flat": "estable",
    "trend_shares": (
        "{earlier} de las publicaciones del idioma en la primera mitad, {later} en la segunda"
    ),
    "quote_by": "@{author}",
    "theme_terms": "Palabras distintivas",
    "theme_quotes": "Citas",
    "theme_posts_h": "Publicaciones de este tema",
    "theme_group": "Grupo",
    "posts_per_period": "Publicaciones por periodo",
    "col_period": "Periodo",
    "sentiment_counts": "{positive} positivas, {neutral} neutras, {negative} negativas",
    "back_to_themes": "Volver a los temas",
    "show_themes": "Buscar temas",
    "no_theme_data": "Ninguna publicación analizada coincide: no hay nada que agrupar.",
    # oportunidades (página de competidores)
    "opportunities": "Oportunidades: donde elogian a la competencia y nos critican a nosotros",
    "opportunities_intro": (
        "Nuestro lado: publicaciones sobre {brand} marcadas como queja o negativas. El suyo: "
        "publicaciones sobre un competidor (y no sobre nosotros) marcadas como elogio o "
        "positivas. Cada lado se agrupa en temas por separado; se muestra una pareja cuando los "
        "temas comparten una palabra específica y al menos {n} publicaciones de cada lado la "
        "usan. Se compara por palabras, no por significado: lee las citas; son pistas, no "
        "conclusiones."
    ),
    "opportunities_none": (
        "Ninguna cumple: ningún aspecto tiene al menos {n} publicaciones críticas sobre {brand} "
        "y {n} elogios a competidores en el mismo idioma."
    ),
    "opportunities_no_brand": (
        "Ninguna marca figura como nuestra en escucha.toml, así que no hay nada que comparar."
    ),
    "opportunities_more": "No se muestran {n} oportunidades más.",
    "opportunity_ours": "{n} publicaciones críticas sobre {brand}",
    "opportunity_theirs": "{n} elogios a competidores ({brands})",
    "shared_words": "Palabras en común",
    "what_we_hear": "Sobre nosotros",
    "what_they_hear": "Sobre la competencia",
    # ideas
    "nav_ideas": "Ideas",
    "title_ideas": "Cartera de ideas",
    "title_idea": "Idea n.º {id}: {title}",
    "ideas_intro": (
        "Deseos agrupados en ideas, primero las que tienen más publicaciones. Los solicitantes "
        "son autores distintos; la tendencia cuenta las publicaciones de cada uno de los "
        "últimos {periods} periodos de {days} días, del más antiguo al más reciente, hasta la "
        "publicación más nueva guardada."
    ),
    "ideas_shown": "Se muestran {first}–{last} de {total} ideas.",
    "no_ideas": (
        "No hay ideas aquí. Alguien con rol de análisis ejecuta `escucha ideas refresh` para "
        "agrupar los deseos."
    ),
    "col_idea": "Idea",
    "col_askers": "Solicitantes",
    "col_first_seen": "Primera vez",
    "col_last_seen": "Última vez",
    "col_trend": "Tendencia",
    "all_statuses": "Activas (sin duplicadas)",
    "status_open": "abierta",
    "status_planned": "planificada",
    "status_started": "empezada",
    "status_testing": "en prueba",
    "status_completed": "terminada",
    "status_declined": "descartada",
    "status_duplicate": "duplicada",
    "idea_key": "Clave",
    "duplicate_of": "Duplicada de",
    "duplicates": "Fusionadas en esta idea",
    "change_status": "Cambiar estado",
    "new_status": "Nuevo estado",
    "merge_into": "Fusionar esta idea con la idea número",
    "merge": "Fusionar",
    "unmerge": "Separar",
    "unmerge_help": "Devuelve a esta idea sus publicaciones y su estado anterior.",
    "curation_viewer": (
        "El rol de lectura solo consulta; análisis o administración cambian estados y fusionan."
    ),
    "idea_posts": "Publicaciones",
    "idea_askers": "Quién lo pidió",
    "idea_lead": "pista",
    "idea_lead_help": "Lo pidió una persona: es una pista hasta que lo pida una segunda.",
    "col_handle": "Usuario",
    "profile": "perfil",
    "back_to_ideas": "Volver a las ideas",
    "idea_error": "Sin cambios: {message}",
    "previous_page": "Página anterior",
    # alertas
    "nav_alerts": "Alertas",
    "title_alerts": "Alertas",
    "alerts_intro": (
        "Las alertas que ha emitido escucha, primero las más recientes, y cómo se entregó cada "
        "una. Las reglas y los canales están en escucha.toml (docs/ideas-and-alerts.md); el "
        "tiempo es el de los datos."
    ),
    "run_alerts": "Ejecutar las alertas ahora",
    "run_alerts_help": (
        "Evalúa cada regla en la publicación más nueva, guarda lo nuevo y lo entrega."
    ),
    "alerts_viewer": (
        "El rol de lectura solo consulta; análisis o administración pueden ejecutarlas."
    ),
    "alerts_ran": (
        "Evaluadas las ventanas que terminan el {at}: {fired} alertas nuevas, {delivered} "
        "entregas intentadas."
    ),
    "alerts_failed": "No se pudieron ejecutar las alertas: {message}",
    "no_alerts": "Todavía no hay alertas.",
    "col_fired": "Emitida",
    "col_rule": "Regla / métrica",
    "col_subject": "Asunto",
    "col_deliveries": "Entregas",
    "delivery": "{channel}: {status}, intentos: {n}",
    "delivery_sent": "enviada",
    "delivery_pending": "pendiente",
    "delivery_failed": "fallida",
    "no_channel": "registrada (sin canal)",
    # el informe
    "report_title": "Informe de escucha: {workspace}",
    "report_generated": "Generado el {when}",
    "report_footer": (
        "Hecho con escucha. Todos los textos se citan tal como los escribieron sus autores."
    ),
    "contents": "Contenido",
    "summary": "Resumen",
    "period": "Periodo cubierto",
    "no_dates": "sin fechas",
    "posts_per": "Publicaciones por idioma y fuente",
    # las descargas del informe (PDF, CSV, XLSX) y las columnas extra de sus tablas
    "report_downloads": "Descargar el informe",
    "download_pdf": "Informe en PDF",
    "download_csv": "Tablas en CSV (zip)",
    "download_xlsx": "Tablas en Excel (XLSX)",
    "report_being_prepared": (
        "El informe se está preparando; la descarga empieza sola en cuanto esté listo."
    ),
    "report_download_when_ready": "Descargarlo (cuando esté listo)",
    "report_pdf_unavailable": (
        "el PDF necesita WeasyPrint y las bibliotecas pango de Debian "
        "(apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0): {error}"
    ),
    "col_language_code": "Código de idioma",
    "col_ours": "Nuestra marca",
    "col_reach_known": "Menciones con número de seguidores",
    "col_ci_low": "Intervalo del 95 %, mínimo",
    "col_ci_high": "Intervalo del 95 %, máximo",
    "col_too_few": "Demasiado pocas para comparar",
    "col_bin": "Intervalo (D día, W semana, M mes)",
    "col_kind": "Tipo",
    "col_net_n": "Publicaciones positivas + negativas",
    "col_n_before": "n antes",
    "col_n_after": "n después",
    "col_p_value": "Valor p",
    "col_significant": "Significativo (p < 0,05)",
    "col_posts_before": "Publicaciones antes",
    "col_posts_after": "Publicaciones después",
    "col_id": "Id",
    "undated": ("{n} publicaciones no tienen fecha; cuentan en todo salvo en el gráfico temporal."),
    "col_positive": "Positivas",
    "col_neutral": "Neutras",
    "col_negative": "Negativas",
    "col_top_themes": "Temas de queja principales (publicaciones)",
    "col_negative_share": "Proporción negativa",
    "col_file": "Archivo",
    "col_coverage": "Notas",
    "coverage_file": (
        "importación de archivo: tan completa como el archivo; no se recogen publicaciones "
        "posteriores"
    ),
    "col_task": "Tarea",
    "col_metrics": "Medido",
    "col_aliases": "Nombres y alias",
    "col_handles": "Usuarios",
    "col_hashtags": "Hashtags",
    "summary_brand": (
        "{lang}: {brand} tiene {mentions} menciones ({share} de cuota de voz) y un "
        "sentimiento neto de {net}."
    ),
    "summary_brand_few": (
        "{lang}: {brand} tiene {mentions} menciones ({share} de cuota de voz); hay "
        "demasiado pocas publicaciones positivas o negativas para comparar su sentimiento."
    ),
    "summary_concern": "Queja más frecuente: «{label}» ({n} de sus publicaciones).",
    "summary_wish": "Deseo más frecuente: «{label}» ({n} de sus publicaciones).",
    "summary_leader": "{lang}: la marca más mencionada es {brand} ({share}).",
    "summary_absent": "{brand} no aparece en ninguna publicación.",
    "summary_languages": (
        "Los idiomas cubren periodos y mercados distintos, así que cada uno se analiza "
        "por separado."
    ),
    "too_few": "demasiado pocas para comparar",
    "not_mentioned": "sin menciones",
    "themes": "Temas de quejas y deseos",
    "report_themes_intro": (
        "Las quejas son publicaciones que el modelo marcó como queja y los deseos las que "
        "marcó como deseo. Las publicaciones de cada idioma se agrupan en temas por las "
        "palabras que comparten; cada tema se nombra por sus frases más distintivas. La "
        "tendencia compara el peso del tema en las publicaciones del idioma en la segunda "
        "mitad de su periodo con la primera. Las citas son las publicaciones más cercanas "
        "al centro del tema."
    ),
    "authors": "Autores más activos",
    "authors_intro": (
        "Los autores con más publicaciones, y cuántas de sus publicaciones son negativas."
    ),
    "authors_missing": (
        "Los datos no tienen autores, así que aquí no hay nada que listar (algunas fuentes, "
        "como los datos de demostración en español, no lo dan)."
    ),
    "authors_partial": "Se conoce el autor de {known} de {total} publicaciones.",
    "report_competitors_intro": (
        "Una fila por marca e idioma. La cuota de voz es dentro del idioma; % queja y % deseo "
        "son proporciones de las publicaciones de la marca. Los temas de queja se buscan una "
        "vez por idioma sobre las quejas de todas las marcas, así que las marcas se comparan "
        "con los mismos temas."
    ),
    "theme_with_posts": "{label} ({n})",
    "report_ideas_intro": (
        "Deseos agrupados en ideas (escucha ideas), primero las que tienen más publicaciones: "
        "las {shown} primeras de {total} (no cuentan las duplicadas fusionadas en otra idea). "
        "Los solicitantes son autores distintos."
    ),
    "report_no_ideas": (
        "Aún no hay ideas guardadas: ejecuta `escucha ideas refresh` y vuelve a generar el informe."
    ),
    "report_alerts_intro": (
        "Las últimas alertas que ha emitido escucha (escucha alerts), primero las más "
        "recientes, y cómo se entregó cada una."
    ),
    "report_no_alerts": "Todavía no hay alertas: `escucha alerts` evalúa las reglas.",
    "method": "Método",
    "method_sources": "Fuentes de datos",
    "method_models": "Modelos",
    "task_sentiment": "sentimiento",
    "task_intents": "intenciones",
    "task_complaint": "queja",
    "task_wish": "deseo",
    "task_question": "pregunta",
    "task_praise": "elogio",
    "task_promo": "promoción",
    "accuracy_by_language": (
        "Precisión medida de {task} por idioma (comparar idiomas solo en la medida en que "
        "lo permita): {values}."
    ),
    "accuracy_intent": "{lang} F1 {f1} (precisión {precision}, exhaustividad {recall}; n {n})",
    "accuracy_sentiment": "{lang} macro-F1 {f1} (n {n})",
    "not_measured": "sin medir",
    "method_brands": "Cómo se reconocen las marcas",
    "method_brands_intro": (
        "Una publicación menciona una marca cuando contiene uno de sus nombres o alias como "
        "palabras completas (sin distinguir mayúsculas ni acentos), uno de sus @usuarios o "
        "uno de sus #hashtags."
    ),
    "method_caveats": "Advertencias",
    "caveat_sentiment": (
        "El sentimiento y las intenciones vienen de un modelo estadístico que se equivoca; "
        "consulta arriba su precisión medida, que varía según el idioma."
    ),
    "caveat_sentiment_unmeasured": (
        "La precisión del modelo de sentimiento no está medida para: {langs}."
    ),
    "caveat_themes": (
        "Los temas agrupan publicaciones por las palabras que comparten, no por su "
        "significado: dos temas pueden describir un mismo problema, una publicación está en "
        "un solo tema, y las que no encajan en ninguno cuentan como «otros»."
    ),
    "caveat_sample": (
        "Las publicaciones son las que dieron las fuentes, no una muestra representativa de "
        "la clientela; quien se queja publica más."
    ),
    "caveat_languages": (
        "Los idiomas se analizan por separado; sus periodos y marcas difieren, así que sus "
        "cifras no son directamente comparables."
    ),
    "caveat_other_langs": (
        "{n} publicaciones en otros idiomas o en idioma desconocido solo se cuentan."
    ),
    "caveat_brands": (
        "Las marcas se reconocen con reglas (abajo), que no captan las menciones indirectas."
    ),
    # errores del núcleo que ven los usuarios (escucha.i18n.Message)
    "query_empty": "consulta vacía",
    "query_unbalanced": "paréntesis sin pareja en la posición {position}",
    "query_empty_parentheses": "paréntesis vacíos en la posición {position}",
    "query_term_after": "{operator} necesita un término después, en la posición {position}",
    "query_term_before": "{operator} necesita un término antes, en la posición {position}",
    "query_near_operands": (
        "NEAR solo une palabras y frases (u OR de ellas), en la posición {position}"
    ),
    "query_near_distance": "NEAR necesita una distancia, p. ej. NEAR/3, en la posición {position}",
    "query_near_minimum": "la distancia de NEAR debe ser 1 o más, en la posición {position}",
    "query_minus_apart": (
        "'-' debe ir pegado a lo que excluye, p. ej. -promo, en la posición {position}"
    ),
    "query_star_inside": (
        "'*' solo va al final de una palabra, p. ej. cancel*, en la posición {position}"
    ),
    "query_no_letter": "'{word}' no tiene letras ni cifras que buscar, en la posición {position}",
    "query_empty_phrase": "frase vacía en la posición {position}",
    "query_unclosed_quote": "comillas sin cerrar en la posición {position}",
    "query_unknown_category": "no hay ninguna categoría '{name}' (categorías: {known})",
    "query_unknown_field": (
        "campo desconocido '{name}' en la posición {position} (campos: {fields})"
    ),
    "query_star_in_field": (
        "'*' sirve en palabras, no en valores de campo, en la posición {position}"
    ),
    "query_field_value": "{name}: necesita un valor, p. ej. {example}, en la posición {position}",
    "query_field_choice": "{name} debe ser uno de estos: {choices}, en la posición {position}",
    "query_lang_code": (
        "lang debe ser un código de idioma, como es o en, en la posición {position}"
    ),
    "query_bad_date": "fecha no válida '{text}' (se espera AAAA-MM-DD) en la posición {position}",
    "query_range_no_date": (
        "un intervalo de fechas necesita una fecha, p. ej. date:2017-11-01.., "
        "en la posición {position}"
    ),
    "query_range_reversed": (
        "el intervalo de fechas termina antes de empezar, en la posición {position}"
    ),
    "query_too_long": "la consulta tiene más de {limit} caracteres",
    "query_too_deep": (
        "más de {limit} paréntesis o NOT anidados en la posición {position}; escríbela más plana"
    ),
    "query_too_many_terms": (
        "más de {limit} palabras, frases y campos en la posición {position}; divide la consulta"
    ),
    "query_phrase_too_long": "una frase de más de {limit} palabras en la posición {position}",
    "query_too_slow": (
        "la consulta tardó más de {seconds} s y se detuvo; acótala "
        "(menos palabras, un campo como brand: o date:)"
    ),
    "contact_missing": "no existe el contacto {id}",
    "contact_merged_away": (
        "el contacto {id} se fusionó con el contacto {kept} (fusión n.º {merge})"
    ),
    "contact_merge_itself": "no se puede fusionar el contacto {id} consigo mismo",
    "contact_merge_reason": "una fusión necesita un motivo (--reason)",
    "contact_identity_format": (
        "--identity {identity}: se esperaba PLATAFORMA:CUENTA, p. ej. reddit:u/ana"
    ),
    "contact_no_identity": "el contacto {id} no tiene la identidad {identity}",
    "contact_identity_own": (
        "la identidad {identity} nunca se fusionó con el contacto {id}: es la suya propia"
    ),
    "contact_exists_again": "el contacto {id} existe de nuevo; no se puede restaurar",
    "contact_pair_itself": "el contacto {id} emparejado consigo mismo no es una sugerencia",
    "ledger_unknown_kind": "tipo desconocido {kind}; los tipos son {kinds}",
    "ledger_channel_length": "el canal (--channel) debe tener de 1 a 64 caracteres",
    "ledger_ref": "la referencia (--ref) tiene más de 2000 caracteres",
    "invalid_field": "{field}: no es un valor válido",
    "filter_bad_value": "{name}: no es un valor válido",
    "themes_unknown_brand": (
        "--brand '{brand}': no es una marca de este espacio de trabajo (conocidas: {known})"
    ),
    "filter_query_too_long": "la consulta tiene más de {limit} caracteres",
    "idea_missing": "no existe la idea n.º {id}; 'escucha ideas' las lista",
    "idea_merge_to_mark": "una duplicada se marca con 'escucha ideas merge ID INTO_ID'",
    "idea_unknown_status": "estado desconocido '{status}': usa uno de estos: {allowed}",
    "idea_is_duplicate": (
        "la idea n.º {id} es duplicada de la n.º {into}: cambia la n.º {into}, o separa "
        "antes la n.º {id}"
    ),
    "idea_into_itself": "una idea no se puede fusionar consigo misma",
    "idea_already_merged": "la idea n.º {id} ya está fusionada con la n.º {into}",
    "idea_into_duplicate": (
        "la idea n.º {id} es a su vez duplicada de la n.º {into}: fusiona con la n.º {into}"
    ),
    "idea_not_merged": "la idea n.º {id} no está fusionada con otra idea",
    # the community's pages
    "nav_contacts": "Contactos",
    "nav_ledger": "Dar y pedir",
    "title_contacts": "Contactos",
    "title_contact": "Contacto n.º {id}: {name}",
    "title_suggestions": "Fusiones propuestas",
    "title_ledger": "Dar y pedir",
    "contacts_intro": (
        "Personas en todas las plataformas: sus identidades, lo que les dimos y les pedimos, y "
        "si podemos pedirles algo ahora (con todos los motivos cuando no)."
    ),
    "contacts_search": "Nombre, usuario o correo",
    "col_country": "País",
    "col_ready": "¿Podemos pedirle?",
    "contacts_ready_yes": "Disponible",
    "contacts_ready_no": "No disponible",
    "col_opted_out": "Pidió no ser contactado",
    "yes": "Sí",
    "no": "No",
    "col_contact": "Contacto",
    "col_identities": "Identidades",
    "col_emails": "Correos",
    "col_consent": "Consentimiento para contactarle",
    "col_platform": "Plataforma",
    "col_reason": "Motivo",
    "col_confidence": "Confianza",
    "col_decision": "Decisión",
    "no_contacts": "Ningún contacto cumple estos filtros.",
    "community_consent_yes": "sí",
    "community_consent_no": "no",
    "community_consent_detail": "{answer}, el {day}, por {channel} (versión del texto {version})",
    "community_consent_none": "no consta",
    "community_about_us": "{count} sobre nosotros",
    "community_replies_to_us": "{count} respuestas a nosotros",
    "community_last_90d": "{count} en los últimos 90 días",
    "community_timeline": "Sus publicaciones y lo que les dimos y pedimos",
    "community_post": "publicación",
    "community_recorded_by": "registrado por {name}",
    "community_error": "No se hizo: {message}",
    "back_to_contacts": "Volver a los contactos",
    "ledger_kind": "Dar o pedir",
    "ledger_channel": "Canal",
    "ledger_note": "Nota",
    "ledger_record": "Registrar",
    "suggestions_intro": (
        "Contactos que pueden ser una misma persona, cada uno con la evidencia y una confianza,"
        " los más probables primero. Aceptar los fusiona (se deshace desde la página del "
        "contacto); una pareja rechazada no se vuelve a proponer."
    ),
    "suggestions_admins": "Solo los administradores aceptan o rechazan propuestas.",
    "suggestion_accept": "Fusionar",
    "suggestion_reject": "No es la misma persona",
    "no_suggestions": "Ninguna fusión espera una decisión.",
    "ledger_intro": (
        "Lo que dimos a la comunidad y lo que le pedimos, mes a mes: un miembro honesto da al "
        "menos tanto como pide."
    ),
    "ledger_chart_title": "Lo que dimos y pedimos cada mes",
    "ledger_chart_alt": (
        "Barras de lo que dimos y pedimos cada mes; un mes en que pedimos más de lo que dimos "
        "lleva un signo de exclamación."
    ),
    "ledger_axis_month": "Mes",
    "ledger_axis_count": "Interacciones",
    "ledger_gives": "Dimos",
    "ledger_asks": "Pedimos",
    "ledger_ratio": "Dar por cada petición",
    "ledger_asks_outrun": "pedimos más que dimos",
    "ledger_warning": "En {months} pedimos más de lo que dimos: demos antes de volver a pedir.",
    "ledger_recent": "Últimas interacciones",
    "report_give_ask_empty": (
        "No hay nada dado ni pedido en los últimos 12 meses. Regístralo con 'escucha ledger add'; "
        "las respuestas publicadas y las invitaciones registran lo suyo."
    ),
    "ledger_kind_give_help": "dar: ayuda",
    "ledger_kind_give_answer": "dar: respuesta",
    "ledger_kind_give_thanks": "dar: agradecimiento",
    "ledger_kind_give_share": "dar: compartir su contenido",
    "ledger_kind_give_loop_closed": "dar: cerrar el círculo",
    "ledger_kind_give_gift": "dar: regalo",
    "ledger_kind_ask_survey": "pedir: encuesta",
    "ledger_kind_ask_test": "pedir: prueba de producto",
    "ledger_kind_ask_opinion": "pedir: opinión",
    "ledger_kind_ask_favour": "pedir: favor",
    # los motivos del control de publicaciones honestas (engage/guard.py; docs/guard.md)
    "guard_connection_employee": "empleado",
    "guard_connection_gifted": "producto regalado",
    "guard_connection_paid": "pagado",
    "guard_connection_affiliate": "afiliado",
    "guard_the_brand": "la marca",
    "guard_undisclosed": (
        "el autor (relación: {connection}) respalda o promociona {brand} ({words}) sin indicar "
        "con claridad que es publicidad"
    ),
    "guard_undisclosed_because": (
        "el autor (relación: {connection}) respalda o promociona {brand} ({words}) sin indicar "
        "con claridad que es publicidad: {problems}"
    ),
    "guard_disclosure_late": (
        "la indicación '{word}' aparece después de los primeros {chars} caracteres, donde el "
        "corte de «más» la oculta"
    ),
    "guard_disclosure_hidden": "la indicación '{word}' queda escondida entre {tags} hashtags",
    "guard_disclosure_weak": "{words} no es una indicación clara de publicidad",
    "guard_hard_sell": "el texto es una venta inmediata: {parts}",
    "guard_part_offer": "una oferta ({words})",
    "guard_part_call": "una llamada a comprar ({words})",
    "guard_part_urgency": "urgencia ({words})",
    "guard_ask_not_ready": (
        "el texto pide un favor ({words}) a un contacto al que ahora no conviene pedir: {why}"
    ),
    "guard_not_ask_ready": "el contacto no está listo para que le pidamos algo",
    # periods and comparison (insights/periods.py, insights/compare.py)
    "period_bad_day": "{name}: '{value}' no es un día (AAAA-MM-DD)",
    "period_bad_range": "{name}: '{value}' no es un intervalo DESDE:HASTA de dos días (AAAA-MM-DD)",
    "period_reversed": "{name}: el periodo empieza el {start}, después de su último día {end}",
    "period_bad_preset": "period: '{value}' no es 7d, 30d, 90d, all ni custom",
    "period_compare_needs_days": (
        "compare: un periodo de comparación elegido necesita su primer y último día"
    ),
    "period_compare_needs_period": (
        "compare: elija un periodo que comparar (p. ej. 30d o DESDE:HASTA)"
    ),
    "period_control": "Periodo",
    "period_all": "Todas las publicaciones",
    "period_7d": "Últimos 7 días",
    "period_30d": "Últimos 30 días",
    "period_90d": "Últimos 90 días",
    "period_custom": "Días elegidos",
    "period_from": "Desde",
    "period_to": "Hasta",
    "period_apply": "Aplicar",
    "period_presets_note": (
        "Los periodos predefinidos terminan el día de la publicación más reciente ({day})."
    ),
    "compare_label": "Comparar con",
    "compare_none": "Sin comparación",
    "compare_previous": "El periodo anterior",
    "compare_custom": "Días elegidos",
    "compare_from": "Comparado desde",
    "compare_to": "Comparado hasta",
    "period_showing": "Del {start} al {end} ({days} días)",
    "period_showing_all": "Todas las publicaciones",
    "period_compared": "comparado con el periodo del {start} al {end}",
    "comparison": "Cambio entre los periodos",
    "comparison_intro": (
        "Antes: {before}. Después: {after}. Cada cambio indica su prueba y los dos tamaños "
        "de muestra; un cambio se llama significativo con p < 0,05 y no se afirma ninguno con "
        "pocas publicaciones (menos de {min} para cuotas, tasas y sentimiento neto, menos de "
        "{count} menciones entre los dos periodos para el volumen)."
    ),
    "comparison_none": "Ninguna marca se menciona en ninguno de los dos periodos.",
    "col_metric": "Medida",
    "col_before": "Antes",
    "col_after": "Después",
    "col_change": "Cambio",
    "col_test": "Prueba",
    "col_samples": "n antes / después",
    "metric_volume": "Menciones",
    "metric_share": "Cuota de voz",
    "metric_net": "Sentimiento neto",
    "metric_complaint": "Tasa de quejas",
    "metric_wish": "Tasa de deseos",
    "test_poisson_exact": "prueba exacta de Poisson",
    "test_two_proportion_z": "prueba z de dos proporciones",
    "change_significant": "significativo (p {p})",
    "change_not_significant": "no significativo (p {p})",
    "change_too_few": "muy pocas publicaciones para saberlo",
    "change_points": "{delta} pts",
    "theme_changes": "Temas que crecieron o disminuyeron",
    "theme_changes_intro": (
        "Temas de las publicaciones de tipo {intent}, hallados sobre los dos periodos juntos "
        "para que un tema signifique lo mismo en cada uno; su cuota son sus publicaciones "
        "sobre las de tipo {intent} del periodo."
    ),
    "theme_changes_none": (
        "Ningún tema tiene bastantes publicaciones en los dos periodos para compararlo."
    ),
    "col_theme": "Tema",
    # drill-down and what drove a period (insights/drivers.py)
    "drill_posts": "Ver estas publicaciones",
    "title_drivers": "Qué lo impulsó",
    "drivers_intro": (
        "Lo que es más frecuente en las publicaciones elegidas ({chosen}) que en la base de "
        "comparación ({baseline}): cada elemento con sus publicaciones en ambas, cuántas veces "
        "es más frecuente y la prueba z de dos proporciones. No se listan los elementos con "
        "menos de {min} publicaciones elegidas."
    ),
    "drivers_link": "¿Qué lo impulsó?",
    "drivers_terms": "Términos",
    "drivers_hashtags": "Etiquetas",
    "drivers_emoji": "Emoji",
    "drivers_authors": "Autores",
    "drivers_themes": "Intenciones",
    "drivers_none": "Nada destaca.",
    "drivers_baseline_previous": "el periodo anterior de la misma duración, del {start} al {end}",
    "drivers_baseline_rest": "el resto de las publicaciones",
    "drivers_chosen": "{n} publicaciones",
    "col_item": "Elemento",
    "col_chosen": "Publicaciones elegidas",
    "col_baseline": "Publicaciones de base",
    "col_lift": "Veces más frecuente",
    "trending": "Términos, etiquetas y emoji en alza",
    "trending_intro": (
        "Frente al periodo anterior de la misma duración; abra uno para ver qué lo impulsó."
    ),
    "bin_posts": "{day}: {n} menciones de {brand}",
}
