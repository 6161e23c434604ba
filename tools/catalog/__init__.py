"""SQL catalog service: schema, reads, aliases, customers, demo data and the catalog tool kinds."""
