"""Words salespeople use for the demo catalog's products that their names do not hold, Spanish (Spain and Latin
America) and English: seeded into the `product_synonyms` table, used by the SQL and the vector look-ups.

Each entry is a word or short phrase and the catalog words it stands for. A synonym never replaces a word the
catalog's names use themselves («escritorio» stays: a lamp and a tray are «de escritorio»)."""

from __future__ import annotations

# fmt: off
DEMO_SYNONYMS: dict[str, str] = {
    # keyboards, mice, screens, computers
    "teclado gamer": "teclado mecánico", "gamer": "gaming",
    "computadora": "ordenador de sobremesa", "computador": "ordenador de sobremesa", "pc": "ordenador de sobremesa",
    "desktop": "ordenador de sobremesa", "torre": "ordenador de sobremesa", "pc portátil": "portátil",
    "ipad": "tablet", "beamer": "proyector", "cañón": "proyector", "projection screen": "pantalla de proyección",
    "telón": "pantalla de proyección", "bocinas": "altavoces", "parlantes": "altavoces",
    "soporte de monitor": "brazo para pantalla", "monitor arm": "brazo para pantalla",
    "alzador de monitor": "elevador de pantalla", "monitor riser": "elevador de pantalla", "scanner": "escáner",
    "pistola lectora": "lector de código de barras", "barcode scanner": "lector de código de barras",
    "tableta digitalizadora": "tableta gráfica", "wacom": "tableta gráfica", "drawing tablet": "tableta gráfica",
    "cable antirrobo": "candado de seguridad", "laptop lock": "candado de seguridad",
    "puntero láser": "presentador láser", "pasador de diapositivas": "presentador", "clicker": "presentador",
    "presenter": "presentador", "mousepad": "alfombrilla de gel", "mouse pad": "alfombrilla de gel",
    "alfombrilla de ratón": "alfombrilla de gel", "reposamuñecas": "alfombrilla de gel",
    # storage, network, power
    "lápiz usb": "memoria usb", "memoria flash": "memoria usb", "pen drive": "memoria usb",
    "micro sd": "tarjeta microsd", "tarjeta de memoria": "tarjeta microsd", "sd card": "tarjeta microsd",
    "disco externo": "disco duro externo", "hdd externo": "disco duro externo",
    "external hard drive": "disco duro externo", "enrutador": "router", "access point": "punto de acceso",
    "extensor": "repetidor", "amplificador wifi": "repetidor wifi", "wifi extender": "repetidor wifi",
    "range extender": "repetidor wifi", "conmutador": "switch", "cable de red": "latiguillo de red",
    "cable ethernet": "latiguillo de red", "cable rj45": "latiguillo de red", "patch cord": "latiguillo de red",
    "dongle": "adaptador", "concentrador usb": "hub usb", "dock": "docking station",
    "base de conexión": "docking station", "replicador": "docking station", "port replicator": "docking station",
    "network card": "tarjeta de red", "ladrón": "regleta", "zapatilla eléctrica": "regleta",
    "multicontacto": "regleta", "enchufes": "tomas",
    "enchufe": "toma", "power strip": "regleta", "ups": "sai", "no break": "sai", "charger": "cargador",
    "batteries": "pilas", "powerbank": "batería externa", "power bank": "batería externa",
    "cargador portátil": "batería externa", "alargo": "alargador eléctrico", "alargadera": "alargador eléctrico",
    "extension cord": "alargador eléctrico",
    # writing and paper
    "birome": "bolígrafo", "esfero": "bolígrafo", "lapicero": "bolígrafo", "engrapadora": "grapadora",
    "corchetera": "grapadora", "abrochadora": "grapadora", "cosedora": "grapadora", "corchetes": "grapas",
    "staples": "grapas", "sacagrapas": "quitagrapas", "desgrapadora": "quitagrapas", "staple remover": "quitagrapas",
    "sujetapapeles": "clips", "paper clips": "clips", "chinches": "chinchetas", "tachuelas": "chinchetas",
    "push pins": "chinchetas", "thumbtacks": "chinchetas", "celo": "cinta adhesiva", "fixo": "cinta adhesiva",
    "scotch": "cinta adhesiva", "diurex": "cinta adhesiva", "durex": "cinta adhesiva", "sellotape": "cinta adhesiva",
    "pritt": "pegamento en barra", "barra de pegamento": "pegamento en barra", "glue stick": "pegamento en barra",
    "taladradora": "perforadora", "taladro de papel": "perforadora", "hole punch": "perforadora",
    "perforador": "perforadora", "gomillas": "gomas elásticas", "ligas": "gomas elásticas",
    "bandas elásticas": "gomas elásticas", "rubber bands": "gomas elásticas", "dispensador de celo": "portarrollos",
    "tape dispenser": "portarrollos", "post-it": "notas adhesivas", "postit": "notas adhesivas",
    "post it": "notas adhesivas", "sticky notes": "notas adhesivas", "posits": "notas adhesivas",
    "pegatinas": "etiquetas adhesivas", "stickers": "etiquetas adhesivas", "envelopes": "sobres",
    "cardstock": "cartulinas", "papel térmico": "rollo térmico", "rollo de tpv": "rollo térmico",
    "thermal roll": "rollo térmico", "fosforito": "marcador fluorescente", "subrayador": "marcador fluorescente",
    "resaltador": "marcador fluorescente", "marcatextos": "marcador fluorescente",
    "highlighter": "marcador fluorescente", "plumón": "rotulador", "rotu": "rotulador", "marker": "rotulador",
    "whiteboard marker": "rotulador para pizarra", "pencil": "lápiz", "lápiz mecánico": "portaminas",
    "mechanical pencil": "portaminas", "borrador": "goma de borrar", "eraser": "goma de borrar",
    "afilalápices": "sacapuntas", "tajador": "sacapuntas", "pencil sharpener": "sacapuntas",
    "tipex": "corrector", "tippex": "corrector", "liquid paper": "corrector", "ruler": "regla",
    "resma": "papel a4", "folios": "papel a4", "cuartilla": "a5", "spiral notebook": "cuaderno espiral",
    "ink cartridge": "cartucho de tinta", "toner cartridge": "tóner",
    # filing
    "binder": "carpeta de anillas", "archivador az": "archivador de palanca",
    "lever arch file": "archivador de palanca",
    "dividers": "separadores", "fundas perforadas": "fundas multitaladro", "sheet protectors": "fundas multitaladro",
    "carpeta acordeón": "clasificador acordeón", "expanding file": "clasificador acordeón",
    "bandeja de documentos": "bandeja apilable", "letter tray": "bandeja apilable",
    # furniture
    "pizarrón": "pizarra blanca", "tablero blanco": "pizarra blanca", "corcho": "tablero de corcho",
    "tablón de anuncios": "tablero de corcho", "corkboard": "tablero de corcho", "cork board": "tablero de corcho",
    "cajonero": "cajonera", "apoyapiés": "reposapiés", "sillón ejecutivo": "sillón de dirección",
    "silla de dirección": "sillón de dirección", "executive chair": "sillón de dirección", "banqueta": "taburete",
    "stool": "taburete", "flexo": "lámpara led", "lámpara de mesa": "lámpara led", "desk lamp": "lámpara led",
    "perchero": "percha de pie", "coat stand": "percha de pie", "coat rack": "percha de pie",
    "cubo de basura": "papelera", "basurero": "papelera", "caneca": "papelera", "bote de basura": "papelera",
    "waste bin": "papelera", "trash can": "papelera", "separador de mesa": "mampara", "panel divisor": "mampara",
    "desk divider": "mampara",
    # machines and cleaning
    "trituradora de papel": "destructora", "destructora de papel": "destructora", "shredder": "destructora",
    "laminadora": "plastificadora", "laminator": "plastificadora", "enmicadora": "plastificadora",
    "laminating pouches": "fundas de plastificar", "micas": "fundas de plastificar",
    "engargoladora": "encuadernadora", "binding machine": "encuadernadora", "cizalla": "guillotina",
    "paper cutter": "guillotina", "cortadora de papel": "guillotina", "rotuladora": "etiquetadora",
    "label maker": "etiquetadora", "dymo": "etiquetadora", "tituladora": "etiquetadora",
    "gel desinfectante": "gel hidroalcohólico", "hand sanitizer": "gel hidroalcohólico",
    "alcohol en gel": "gel hidroalcohólico", "wipes": "toallitas", "spray de aire": "aire comprimido",
    "compressed air": "aire comprimido", "air duster": "aire comprimido", "trapos de microfibra": "bayetas",
    "paños de microfibra": "bayetas", "microfiber cloths": "bayetas", "kleenex": "pañuelos desechables",
    "clínex": "pañuelos desechables", "tissues": "pañuelos desechables", "pañuelos de papel": "pañuelos desechables",
    # software and services
    "antivirus": "licencia antivirus", "office 365": "microsoft 365", "microsoft office": "microsoft 365",
    "m365": "microsoft 365", "asistencia técnica": "soporte técnico", "tech support": "soporte técnico",
    "help desk": "soporte técnico",
}
# fmt: on
