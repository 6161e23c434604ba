"""Deterministic sample data for tests and benchmarks: office product names, customers and typos."""

from __future__ import annotations

import random
import re
import unicodedata

CONTRACT_PRODUCTS: tuple[str, ...] = (
    "Teclado mecánico", "Teclado inalámbrico", "Ratón inalámbrico", "Ratón óptico USB",
    "Monitor 24 pulgadas", "Monitor 27 pulgadas", "Portátil 14 pulgadas", "Silla ergonómica",
    "Auriculares con micrófono", "Cable HDMI 2 m", "Webcam HD", "Impresora láser",
    "Papel A4 500 hojas", "Bolígrafo azul", "Grapadora",
)  # fmt: skip
CONTRACT_CUSTOMERS: tuple[str, ...] = ("ACME S.A.", "Globex", "Initech", "Umbrella Corp", "Stark Industries")

# Category -> five variants each: 40 x 5 = 200 plausible names of a Spanish office/IT supplier.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "Teclado": (
        "ergonómico",
        "numérico USB",
        "compacto Bluetooth",
        "retroiluminado",
        "silencioso de oficina",
    ),
    "Ratón": ("ergonómico vertical", "gaming 8000 ppp", "Bluetooth recargable", "para zurdos", "silencioso"),
    "Monitor": ("22 pulgadas", "32 pulgadas", "curvo 34 pulgadas", "4K 28 pulgadas", "táctil 15 pulgadas"),
    "Portátil": ("16 pulgadas", "13 pulgadas ultraligero", "gaming 17 pulgadas", "convertible", "educativo"),
    "Silla": ("de oficina con ruedas", "de confidente", "gaming reclinable", "de malla", "taburete alto"),
    "Mesa": (
        "elevable eléctrica",
        "de reuniones",
        "de escritorio blanca",
        "auxiliar con cajones",
        "plegable",
    ),
    "Auriculares": ("Bluetooth", "con cancelación de ruido", "de diadema USB", "intrauditivos", "gaming 7.1"),
    "Cable": ("HDMI 5 m", "USB-C 1 m", "de red Cat6 3 m", "DisplayPort 2 m", "alargador eléctrico"),
    "Impresora": ("de inyección de tinta", "multifunción", "de etiquetas", "de tickets térmica", "3D"),
    "Tóner": ("negro", "cian", "magenta", "amarillo", "de alta capacidad"),
    "Cartucho": ("de tinta negra", "de tinta tricolor", "compatible negro", "XL color", "fotográfico"),
    "Papel": ("A3 500 hojas", "fotográfico brillo", "reciclado A4", "continuo", "de colores surtidos"),
    "Bolígrafo": ("rojo", "negro", "verde", "de gel", "retráctil multicolor"),
    "Lápiz": ("HB", "2B", "de colores caja 12", "portaminas 0.5 mm", "carpintero"),
    "Rotulador": (
        "fluorescente amarillo",
        "permanente negro",
        "para pizarra blanca",
        "de punta fina",
        "de tela",
    ),
    "Cuaderno": ("A4 cuadriculado", "A5 de espiral", "de tapas duras", "de notas adhesivas", "Moleskine"),
    "Carpeta": ("de anillas", "clasificadora", "de gomas", "colgante", "con fundas"),
    "Archivador": ("de palanca", "metálico de cuatro cajones", "de cartón", "definitivo", "modular"),
    "Grapas": ("26/6 caja 1000", "24/6 caja 5000", "para grapadora industrial", "cobreadas", "de tapicero"),
    "Clips": ("metálicos caja 100", "de colores", "mariposa", "gigantes", "con dispensador"),
    "Tijeras": ("de oficina", "escolares", "de precisión", "zurdas", "de acero inoxidable"),
    "Pegamento": ("en barra", "líquido", "instantáneo", "de contacto", "spray"),
    "Cinta": ("adhesiva transparente", "de embalar marrón", "doble cara", "de carrocero", "correctora"),
    "Calculadora": ("científica", "de sobremesa", "de bolsillo", "financiera", "con impresora"),
    "Pizarra": ("blanca magnética", "de corcho", "de rotafolio", "de vidrio", "de tiza verde"),
    "Proyector": ("Full HD", "portátil", "de corta distancia", "4K", "para sala de juntas"),
    "Altavoz": ("Bluetooth", "para conferencias", "de sobremesa USB", "inteligente", "portátil resistente"),
    "Disco duro": ("externo 1 TB", "externo 4 TB", "SSD 500 GB", "SSD 2 TB", "interno 8 TB"),
    "Memoria USB": ("32 GB", "64 GB", "128 GB", "256 GB metálica", "con cifrado"),
    "Tarjeta": ("microSD 64 GB", "SD 128 GB", "gráfica", "de red inalámbrica", "de sonido USB"),
    "Router": ("wifi 6", "4G", "de malla", "para empresa", "de viaje"),
    "Switch": ("de 8 puertos", "de 24 puertos", "gestionable", "PoE", "de fibra óptica"),
    "Tablet": ("10 pulgadas", "8 pulgadas", "con teclado", "resistente", "para dibujo"),
    "Smartphone": ("gama media", "gama alta", "resistente", "plegable", "básico"),
    "Base": (
        "de carga inalámbrica",
        "refrigeradora para portátil",
        "dock USB-C",
        "para monitor",
        "antideslizante",
    ),
    "Soporte": ("de monitor doble", "para portátil", "para tablet", "de pared", "de pie ajustable"),
    "Lámpara": ("de escritorio LED", "de pie", "con lupa", "de pinza", "regulable"),
    "Destructora": ("de papel", "de corte cruzado", "de microcorte", "industrial", "de CD"),
    "Plastificadora": ("A4", "A3", "de oficina", "profesional", "de bolsillo"),
    "Sobres": ("blancos DL", "americanos", "acolchados", "con ventana", "kraft grandes"),
}


def demo_products() -> list[str]:
    """The 15 contract product names followed by 200 generated ones (all distinct)."""
    generated = [f"{family} {variant}" for family, variants in _FAMILIES.items() for variant in variants]
    return list(dict.fromkeys([*CONTRACT_PRODUCTS, *generated]))


_BRANDS = (
    "Logitech", "HP", "Lenovo", "Dell", "Asus", "Acer", "Samsung", "LG", "Brother", "Epson", "Canon",
    "Fellowes", "Leitz", "Esselte", "Bic", "Pilot", "Stabilo", "Staedtler", "Kingston", "SanDisk",
    "TP-Link", "Netgear", "Xiaomi", "Apple", "Philips", "Sony", "Trust", "Kensington", "Oxford", "Milan",
)  # fmt: skip
_SERIES = ("Pro", "Plus", "Max", "Lite", "Eco", "Office", "Home", "Studio", "Air", "Neo", "One", "Go")


def catalog_names(count: int, seed: int = 7) -> list[str]:
    """`count` distinct generated names like 'Monitor curvo 34 pulgadas Dell Office 412'."""
    rng = random.Random(seed)
    families = list(_FAMILIES.items())
    names: dict[str, None] = {}
    while len(names) < count:
        family, variants = rng.choice(families)
        brand, series = rng.choice(_BRANDS), rng.choice(_SERIES)
        name = f"{family} {rng.choice(variants)} {brand} {series} {rng.randint(10, 999)}"
        names[name] = None
    return list(names)


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjklñ", "zxcvbnm")


def _neighbours(char: str) -> str:
    """Keys next to `char` on a Spanish keyboard (a realistic substitution), or the vowels."""
    for r, row in enumerate(_KEYBOARD_ROWS):
        if char in row:
            c = row.index(char)
            near = row[max(c - 1, 0) : c] + row[c + 1 : c + 2]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_KEYBOARD_ROWS):
                    near += _KEYBOARD_ROWS[other][c : c + 1]
            return near or "aeiou"
    return "aeiou"


def _edit(text: str, rng: random.Random) -> str:
    """One random letter edit (delete, insert, substitute, transpose) outside digits and short words."""
    positions = [
        match.start() + j for match in re.finditer(r"\S{4,}", text) for j, c in enumerate(match.group()) if c.isalpha()
    ]
    if not positions:
        return text
    i = rng.choice(positions)
    op = rng.choice(("delete", "insert", "substitute", "transpose"))
    if op == "delete":
        return text[:i] + text[i + 1 :]
    if op == "insert":
        return text[:i] + rng.choice(_neighbours(text[i].lower())) + text[i:]
    if op == "substitute":
        return text[:i] + rng.choice(_neighbours(text[i].lower())) + text[i + 1 :]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def typos(names: list[str], count: int, seed: int = 11) -> list[tuple[str, str]]:
    """`count` (typo, intended name) pairs: 1 or 2 letter edits, often lower-cased and without accents."""
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        name = rng.choice(names)
        typo = name.lower() if rng.random() < 0.5 else name
        if rng.random() < 0.4:
            typo = "".join(c for c in unicodedata.normalize("NFKD", typo) if not unicodedata.combining(c))
        for _ in range(rng.choice((1, 2))):
            typo = _edit(typo, rng)
        if typo.lower() != name.lower():
            pairs.append((typo, name))
    return pairs
