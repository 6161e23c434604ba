// Spanish labels and descriptions for the fields of the pipeline schema (the JSON Schema's own texts are English).

/** Step fields: YAML key -> [label, description]. */
export const STEP_LABELS = {
  id: ["Identificador", "nombre único del paso (minúsculas, dígitos y _)"],
  description: ["Descripción", "nota libre para quien lee el pipeline"],
  next: ["Siguiente", "reglas de salto; gana la primera cuya condición se cumple"],
  max_visits: ["Visitas máximas", "cuántas veces puede pasar una ejecución por este paso"],
  question: ["Pregunta", "lo que se pregunta al usuario (plantilla, p. ej. «¿Para qué cliente es el pedido?»)"],
  help: ["Ayuda", "lo que se explica cuando el usuario escribe «ayuda» o «?» en esta pregunta (plantilla); "
    + "vacía: se repite la pregunta con lo que se puede contestar"],
  slot: ["Dato", "la variable que rellena la respuesta; si ya tiene un valor válido, no se pregunta"],
  save_as: ["Guardar en", "la variable donde se guarda el resultado o la respuesta"],
  options: ["Opciones", "una lista, o una expresión que da una lista"],
  data: ["Datos", "tabla u objeto que se muestra al usuario"],
  valid: ["Válido si", "condición que debe cumplir el valor del dato para no preguntar"],
  prompt: ["Instrucción", "el mensaje para el modelo (plantilla)"],
  system: ["Sistema", "el mensaje de sistema para el modelo"],
  with: ["Con", "argumentos (plantillas)"],
  output: ["Salida", "JSON Schema de una respuesta estructurada"],
  fallback: ["Alternativa", "herramienta que se usa cuando no hay modelo configurado"],
  tool: ["Herramienta", "una de las herramientas declaradas en `tools`"],
  pipeline: ["Pipeline", "el pipeline que se ejecuta como subpaso"],
  outputs: ["Salidas", "variable de este pipeline -> salida del subpipeline"],
  message: ["Mensaje", "el texto de la respuesta (plantilla)"],
  end: ["Terminar", "la ejecución acaba tras este paso"],
  status: ["Estado", "estado final de la ejecución"],
  values: ["Valores", "variable -> plantilla"],
  resolve: ["Buscar con", "herramienta que resuelve el texto: exact (uno), several (varios) o none (ninguno)"],
  suggest: ["Sugerir con", "herramienta que da nombres parecidos cuando no hay ninguno"],
  suggest_with: ["Sugerir con estos argumentos", "por defecto: {text: el dato, k: 3, min_score: 0.2}"],
  label: ["Campo a mostrar", "el campo de cada candidato que se ofrece como opción"],
  parse: ["Leer respuesta con", "herramienta que lee la respuesta del usuario antes de volver a buscar"],
  remove: ["Permitir «quitar»", "dentro de un «para cada»: «quitar» elimina el elemento actual"],
  several: ["Pregunta si hay varios", "plantilla; {{ value }} es el texto buscado"],
  suggestions: ["Pregunta con sugerencias", "cuando no hay ninguno exacto pero sí parecidos"],
  none: ["Pregunta si no hay nada", "cuando no hay ninguno ni parecidos"],
  invalid: ["Pregunta si no es válido", "cuando el único encontrado no cumple «Válido si»"],
  items: ["Lista", "la variable con la lista que se recorre (o que cambian las ediciones)"],
  as: ["Elemento", "el nombre del elemento actual dentro del cuerpo"],
  index: ["Posición", "el nombre de su posición (por defecto: <elemento>_index)"],
  done: ["Hecho si", "condición sobre el elemento; se toma cada vez el primero que no la cumple"],
  steps: ["Pasos", "el cuerpo: pasos que se ejecutan para cada elemento"],
  update: ["Actualizar", "campos del elemento que se fijan tras el cuerpo (plantillas)"],
  reader: ["Leer respuesta con", "herramienta que entiende sí, no o un cambio («cambia X a 4»)"],
  find: ["Encontrar con", "herramienta que da la posición del elemento que nombra un cambio"],
  edits: ["Cambios", "set_quantity, remove, add, set_slot: a qué paso vuelve cada cambio para revisarse"],
  cancel: ["Si dice que no", "el paso al que se va con «no» o «cancelar»"],
  not_found: ["Si no lo encuentra", "respuesta cuando un cambio nombra algo que no está; {{ target }} es lo nombrado"],
  not_understood: ["Si no entiende", "respuesta a cualquier otra cosa; luego se pregunta de nuevo"],
};

/** Step kinds: kind -> what a step of that kind does. */
export const KIND_DESCRIPTIONS = {
  ask: "Pregunta al usuario: rellena `slot` si aún no tiene un valor válido, o guarda siempre la respuesta en `save_as`.",
  tool: "Llama a una herramienta declarada en `tools` y guarda su resultado.",
  llm: "Pide una respuesta al modelo (o a la herramienta alternativa cuando no hay modelo).",
  set: "Da valor a variables con plantillas.",
  pipeline: "Ejecuta otro pipeline como subpaso, con sus preguntas.",
  reply: "Responde al usuario con un mensaje y, si se pide, termina.",
  collect: "Rellena un dato y lo busca en el catálogo: pregunta, busca, ofrece varios o parecidos y vuelve a preguntar.",
  foreach: "Para cada elemento de una lista ejecuta unos pasos (o un pipeline) y guarda el resultado en su sitio.",
  confirm: "Pide confirmación (sí / no) mostrando datos, y aplica los cambios que se pidan volviendo a revisarlos.",
};

/** The `repair:` section and the pipeline's `questions`: YAML key -> [label, description]. */
export const REPAIR_LABELS = {
  cancel: ["Cancelar", "«cancela», «olvídalo», «forget it»… terminan la ejecución sin escribir nada"],
  help: ["Ayuda", "«ayuda», «?», «¿qué tengo que poner?» explican la pregunta pendiente"],
  choose: ["Elegir en sus palabras", "las opciones se eligen por ordinal («el segundo»), por una parte distintiva "
    + "del texto («el de 27») o con «sí» cuando hay una sola"],
  undo: ["Deshacer en sus palabras", "«deshaz», «atrás», «undo» vuelven a la pregunta anterior y la hacen otra vez"],
  corrections: ["Correcciones", "datos que el usuario puede corregir en cualquier pregunta («el cliente es X») "
    + "y el paso que vuelve a comprobar el valor nuevo"],
  digressions: ["Digresiones", "pipelines que pueden contestar una pregunta mientras esta ejecución espera "
    + "(«¿cuánto stock hay de X?»)"],
  questions: ["Preguntas que contesta", "frases con las que otra ejecución puede usar este pipeline como "
    + "digresión; {entrada} marca dónde va un valor, p. ej. «¿cuánto stock hay de {producto}?»"],
  slot: ["Dato", "la variable que se corrige"],
  goto: ["Ir a", "el paso que vuelve a comprobar el dato tras la corrección"],
  words: ["Palabras", "cómo llaman los usuarios al dato («cliente», «customer»); vacío: su nombre"],
  clear: ["Vaciar", "variables que se vacían al corregir el dato"],
  lines: ["Líneas", "el dato es una lista de líneas de pedido: se puede cambiar, quitar o añadir una línea"],
};

/** The [label, description] of `name` in `labels`, falling back to the schema's title and description. */
export function labelOf(labels, name, prop = {}) {
  const known = labels[name];
  if (known) return known;
  return [name, prop.description || ""];
}
