"""Orders: order-line text, edits, spreadsheets, the order tables and the order tool kinds."""
