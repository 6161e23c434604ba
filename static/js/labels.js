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
};

/** Step kinds: kind -> what a step of that kind does. */
export const KIND_DESCRIPTIONS = {
  ask: "Pregunta al usuario: rellena `slot` si aún no tiene un valor válido, o guarda siempre la respuesta en `save_as`.",
  tool: "Llama a una herramienta declarada en `tools` y guarda su resultado.",
  llm: "Pide una respuesta al modelo (o a la herramienta alternativa cuando no hay modelo).",
  set: "Da valor a variables con plantillas.",
  pipeline: "Ejecuta otro pipeline como subpaso, con sus preguntas.",
  reply: "Responde al usuario con un mensaje y, si se pide, termina.",
};

/** The `repair:` section and the pipeline's `questions`: YAML key -> [label, description]. */
export const REPAIR_LABELS = {
  cancel: ["Cancelar", "«cancela», «olvídalo», «forget it»… terminan la ejecución sin escribir nada"],
  help: ["Ayuda", "«ayuda», «?», «¿qué tengo que poner?» explican la pregunta pendiente"],
  choose: ["Elegir en sus palabras", "las opciones se eligen por ordinal («el segundo»), por una parte distintiva "
    + "del texto («el de 27») o con «sí» cuando hay una sola"],
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
