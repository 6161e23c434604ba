"""Deterministic demo catalog of a Spanish office/IT supplier: the names the dialogs rely on plus filler."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import product as cartesian
from typing import TypedDict


class DemoProduct(TypedDict):
    """One product row to seed."""

    sku: str
    name: str
    price: Decimal
    stock: int
    active: bool


class DemoCustomer(TypedDict):
    """One customer row to seed."""

    name: str
    tax_id: str
    city: str


# (sku, name, price, stock) — names and stocks are promised by shared/CONTRACT.md.
LISTED_PRODUCTS: list[tuple[str, str, str, int]] = [
    ("TEC-MEC-01", "Teclado mecánico", "79.90", 120),
    ("TEC-INA-01", "Teclado inalámbrico", "39.90", 150),
    ("RAT-INA-01", "Ratón inalámbrico", "19.90", 200),
    ("RAT-USB-01", "Ratón óptico USB", "9.90", 300),
    ("MON-24-01", "Monitor 24 pulgadas", "149.00", 60),
    ("MON-27-01", "Monitor 27 pulgadas", "229.00", 55),
    ("POR-14-01", "Portátil 14 pulgadas", "749.00", 50),
    ("SIL-ERG-01", "Silla ergonómica", "189.00", 80),
    ("AUR-MIC-01", "Auriculares con micrófono", "34.50", 140),
    ("CAB-HDMI-2M", "Cable HDMI 2 m", "7.95", 400),
    ("WEB-HD-01", "Webcam HD", "44.90", 90),
    ("IMP-LAS-01", "Impresora láser", "199.00", 2),
    ("PAP-A4-500", "Papel A4 500 hojas", "4.75", 1000),
    ("BOL-AZU-01", "Bolígrafo azul", "0.45", 2000),
    ("GRA-01", "Grapadora", "8.90", 150),
]

# Other names of the demo products: English names and the short forms sales people type. A word shared by two
# products ("keyboard") makes a choice between them, as the Spanish head word does.
DEMO_ALIASES: dict[str, list[str]] = {
    "TEC-MEC-01": ["keyboard", "mechanical keyboard", "teclado gaming"],
    "TEC-INA-01": ["keyboard", "wireless keyboard", "bluetooth keyboard", "teclado bluetooth", "teclado sin cable"],
    "RAT-INA-01": ["mouse", "wireless mouse", "bluetooth mouse", "ratón bluetooth", "ratón sin cable"],
    "RAT-USB-01": ["mouse", "usb mouse", "optical mouse", "ratón con cable"],
    "MON-24-01": ["screen", "display", "pantalla", "24 inch monitor", "24 inch screen"],
    "MON-27-01": ["screen", "display", "pantalla", "27 inch monitor", "27 inch screen"],
    "POR-14-01": ["laptop", "notebook", "ordenador portátil", "portátil 14", "14 inch laptop"],
    "SIL-ERG-01": ["chair", "office chair", "ergonomic chair", "silla de oficina", "silla ergo"],
    "AUR-MIC-01": ["headset", "headphones", "earphones", "cascos", "casco con micro", "auriculares", "micro"],
    "CAB-HDMI-2M": ["hdmi cable", "hdmi", "hdmi lead", "cable de vídeo"],
    "WEB-HD-01": ["webcam", "web cam", "camera", "cámara web", "cámara"],
    "IMP-LAS-01": ["printer", "laser printer", "impresora", "impresora laser"],
    "PAP-A4-500": ["paper", "a4 paper", "printer paper", "copy paper", "paquete de folios", "folios a4", "papel"],
    "BOL-AZU-01": ["pen", "blue pen", "ballpoint", "biro", "boli", "bolis", "boli azul", "boligrafo"],
    "GRA-01": ["stapler", "grapadora de oficina"],
    **{f"MEM-{i:03d}": ["pendrive", "usb stick", "usb drive"] for i in range(1, 6)},
    **{f"MUE-{i:03d}": ["whiteboard"] for i in (6, 7, 8)},
    "ARC-005": ["archive box"],
    "OFI-007": ["scissors"],
    "MAQ-008": ["calculator", "scientific calculator"],
    "MAQ-009": ["calculator", "desk calculator"],
    "MAQ-010": ["calculator", "financial calculator"],
    "MUE-010": ["footrest"],
    "RED-001": ["wifi router"],
    "INF-008": ["projector"],
    "INF-010": ["speakers", "bluetooth speakers"],
}

LISTED_CUSTOMERS: list[DemoCustomer] = [
    {"name": "ACME S.A.", "tax_id": "A28000001", "city": "Madrid"},
    {"name": "Globex", "tax_id": "B08000002", "city": "Barcelona"},
    {"name": "Initech", "tax_id": "B46000003", "city": "Valencia"},
    {"name": "Umbrella Corp", "tax_id": "A41000004", "city": "Sevilla"},
    {"name": "Stark Industries", "tax_id": "A48000005", "city": "Bilbao"},
]

# fmt: off
_MORE_CUSTOMERS = [
    ("Distribuciones Levante S.L.", "Alicante"), ("Papelería Central", "Madrid"),
    ("Gestoría López y Asociados", "Zaragoza"), ("Clínica Dental Sonrisa", "Málaga"),
    ("Colegio San Isidro", "Madrid"), ("Hotel Mirador del Puerto", "Santander"),
    ("Construcciones Ebro S.A.", "Logroño"), ("Talleres Hermanos García", "Murcia"),
    ("Asesoría Fiscal Norte", "Oviedo"), ("Bufete Ruiz Abogados", "Granada"),
    ("Farmacia Plaza Mayor", "Salamanca"), ("Academia de Idiomas Babel", "Valladolid"),
    ("Transportes Rápidos del Sur", "Córdoba"), ("Inmobiliaria Costa Blanca", "Benidorm"),
    ("Ayuntamiento de Villanueva", "Villanueva de la Serena"), ("Estudio de Arquitectura Forma", "Pamplona"),
    ("Logística Atlántico S.L.", "Vigo"), ("Centro Médico Almudena", "Toledo"),
]
# fmt: on

# Generated names never use the head words of the listed products (teclado, ratón, monitor, portátil,
# silla, auriculares, cable, webcam, impresora, papel, bolígrafo, grapadora), so "2 teclados" stays
# ambiguous between exactly the two keyboards and "ratón inalámbrico" between nothing else.
_COLOURS = ["negro", "azul", "rojo", "verde"]
# fmt: off
_FAMILIES: list[tuple[str, list[str], tuple[float, float]]] = [
    ("TON", [f"Tóner {m}" for m in ("HP CF259A", "HP CF217A", "HP W1420A", "Brother TN-2420",
                                   "Brother TN-3480", "Canon 057", "Canon 052H", "Lexmark B232000")],
     (35, 140)),
    ("TIN", [f"Cartucho de tinta {b} {c}" for b, c in cartesian(("Epson 603", "HP 305", "Canon PG-545"),
                                                                 ("negro", "cian", "magenta", "amarillo"))],
     (9, 32)),
    ("MEM", [f"Memoria USB {n} GB" for n in (16, 32, 64, 128, 256)]
     + [f"Tarjeta microSD {n} GB" for n in (32, 64, 128, 256)], (5, 45)),
    ("DIS", [f"Disco SSD {c}" for c in ("240 GB", "500 GB", "1 TB", "2 TB")]
     + [f"Disco duro externo {c} TB" for c in (1, 2, 4, 5)], (25, 160)),
    ("CAR", [f"Carpeta de anillas {f} {c}" for f, c in cartesian(("A4", "folio"),
                                                                  ("negra", "azul", "roja", "verde", "gris"))]
     + [f"Subcarpetas A4 {c} pack 50" for c in ("amarillas", "azules", "rojas", "verdes")], (2, 9)),
    ("CUA", [f"Cuaderno espiral {f} {r}" for f, r in cartesian(("A4", "A5"), ("cuadrícula", "rayas", "liso"))]
     + [f"Libreta tapa dura {f}" for f in ("A5", "A6")], (1.5, 7)),
    ("ESC", [f"Rotulador permanente {c}" for c in _COLOURS]
     + [f"Rotulador para pizarra {c}" for c in _COLOURS]
     + [f"Marcador fluorescente {c}" for c in ("amarillo", "verde", "rosa", "naranja")]
     + [f"Lápiz grafito {d}" for d in ("HB", "2B", "2H")]
     + ["Portaminas 0,5 mm", "Minas 0,5 mm HB", "Pluma estilográfica", "Goma de borrar blanca",
        "Sacapuntas metálico", "Corrector en cinta", "Regla de aluminio 30 cm"], (0.4, 18)),
    ("ARC", [f"Archivador de palanca {f} lomo {w}" for f, w in cartesian(("A4", "folio"), ("ancho", "estrecho"))]
     + ["Caja de archivo definitivo", "Separadores A4 10 posiciones", "Fundas multitaladro A4 pack 100",
        "Clasificador acordeón 13 bolsillos", "Bandeja apilable de escritorio"], (1.5, 12)),
    ("OFI", ["Clips metálicos 32 mm caja 100", "Clips metálicos 50 mm caja 100", "Grapas 24/6 caja 1000",
             "Grapas 26/6 caja 5000", "Quitagrapas", "Chinchetas de colores caja 100", "Tijeras de oficina 21 cm",
             "Cinta adhesiva transparente 19 mm", "Pegamento en barra 21 g", "Perforadora 2 taladros",
             "Gomas elásticas caja 100 g", "Portarrollos de cinta adhesiva"], (0.8, 16)),
    ("SOB", [f"Sobres {s} {c} caja {n}" for (s, n), c in cartesian((("DL", 500), ("C5", 500), ("C4", 250)),
                                                                   ("blancos", "kraft"))]
     + [f"Notas adhesivas {s} {c}" for s, c in cartesian(("76x76", "76x127"), ("amarillas", "pastel"))]
     + [f"Etiquetas adhesivas A4 {n} por hoja" for n in (21, 24, 65)]
     + ["Folios reciclados A4 paquete 500", "Cartulinas A4 colores surtidos", "Rollo térmico 57x40 pack 10"],
     (2, 25)),
    ("MUE", [f"Mesa de oficina {m}" for m in ("120x60", "140x80", "160x80")]
     + [f"Armario de oficina {h}" for h in ("alto", "bajo")]
     + [f"Pizarra blanca {m}" for m in ("60x90", "90x120", "120x180")]
     + ["Cajonera con ruedas 3 cajones", "Reposapiés regulable", "Sillón de dirección", "Taburete alto",
        "Lámpara LED de escritorio", "Percha de pie", "Papelera metálica 18 l", "Tablero de corcho 60x90",
        "Mampara separadora de mesa", "Alfombrilla de gel ergonómica"], (12, 390)),
    ("RED", ["Router WiFi 6", "Punto de acceso WiFi 6", "Repetidor WiFi"]
     + [f"Switch {n} puertos Gigabit" for n in (5, 8, 16, 24)]
     + [f"Latiguillo de red Cat6 {n} m" for n in (1, 2, 3, 5, 10)]
     + [f"Adaptador USB-C a {p}" for p in ("HDMI", "VGA", "Ethernet", "DisplayPort")]
     + ["Hub USB-C 4 puertos", "Docking station USB-C", "Tarjeta de red PCIe"], (6, 190)),
    ("ENE", [f"Regleta {n} tomas con interruptor" for n in (4, 6, 8)]
     + [f"SAI {n} VA" for n in (600, 1000, 1500)]
     + [f"Cargador USB-C {n} W" for n in (20, 65, 100)]
     + [f"Pilas alcalinas {t} pack {n}" for t, n in cartesian(("AA", "AAA"), (4, 12))]
     + ["Batería externa 10000 mAh", "Alargador eléctrico 5 m"], (4, 320)),
    ("INF", [f"Ordenador de sobremesa {c}" for c in ("Core i3", "Core i5", "Core i7")]
     + [f"Tablet {n} pulgadas" for n in (10, 11)]
     + [f"Funda para tablet {n} pulgadas" for n in (10, 11)]
     + ["Proyector Full HD", "Pantalla de proyección 180x180", "Altavoces Bluetooth",
        "Micrófono USB de conferencia", "Presentador láser inalámbrico", "Brazo para pantalla doble",
        "Elevador de pantalla ajustable", "Escáner de documentos A4", "Lector de DNI electrónico",
        "Lector de código de barras", "Tableta gráfica", "Mando de presentaciones", "Candado de seguridad Kensington"],
     (9, 900)),
    ("MAQ", ["Destructora de documentos corte en tiras", "Destructora de documentos corte en partículas",
             "Plastificadora A4", "Fundas de plastificar A4 pack 100", "Encuadernadora de canutillo",
             "Canutillos de plástico 10 mm pack 100", "Guillotina A4", "Calculadora científica",
             "Calculadora de sobremesa", "Calculadora financiera", "Etiquetadora electrónica",
             "Cinta para etiquetadora 12 mm"], (6, 260)),
    ("LIM", ["Gel hidroalcohólico 500 ml", "Toallitas limpiadoras de pantalla", "Aire comprimido 400 ml",
             "Bayetas de microfibra pack 5", "Spray limpiador de superficies", "Pañuelos desechables caja 100"],
     (2, 12)),
    ("SOF", ["Licencia antivirus 1 año", "Licencia Microsoft 365 Empresa", "Licencia de copia de seguridad en la nube",
             "Soporte técnico remoto 10 horas"], (29, 260)),
]

# Products the supplier no longer sells: seeded inactive so look-ups must ignore them.
_DISCONTINUED = [("DIS-OLD-01", "Disquete 3,5 caja 10"), ("RED-OLD-01", "Módem ADSL"), ("MAQ-OLD-01", "Fax térmico")]


def demo_products() -> list[DemoProduct]:
    """Every demo product: the contract's names first, then ≥ 200 generated ones (same output each call)."""
    rng = random.Random(2024)
    rows: list[DemoProduct] = [
        {"sku": sku, "name": name, "price": Decimal(price), "stock": stock, "active": True}
        for sku, name, price, stock in LISTED_PRODUCTS
    ]
    for prefix, names, (low, high) in _FAMILIES:
        for index, name in enumerate(names, start=1):
            price = Decimal(str(round(rng.uniform(low, high), 2)))
            stock = rng.choice([0, 5, 12, 25, 40, 60, 100, 150, 250, 500])
            rows.append({"sku": f"{prefix}-{index:03d}", "name": name, "price": price, "stock": stock,
                         "active": True})
    for sku, name in _DISCONTINUED:
        rows.append({"sku": sku, "name": name, "price": Decimal("9.99"), "stock": 0, "active": False})
    return rows


def demo_aliases() -> list[tuple[str, str]]:
    """(sku, alias) pairs of the demo catalog's other names, only for SKUs `demo_products` seeds."""
    skus = {row["sku"] for row in demo_products()}
    return [(sku, alias) for sku, aliases in DEMO_ALIASES.items() if sku in skus for alias in aliases]


def demo_customers() -> list[DemoCustomer]:
    """Every demo customer: the contract's five and plausible Spanish companies."""
    more: list[DemoCustomer] = [
        {"name": name, "tax_id": f"B{30000000 + index * 7919:08d}", "city": city}
        for index, (name, city) in enumerate(_MORE_CUSTOMERS, start=1)
    ]
    return [*LISTED_CUSTOMERS, *more]
