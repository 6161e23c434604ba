"""Load-time check that a declared query is exactly one read-only SELECT/WITH statement."""

from __future__ import annotations

import re

import sqlalchemy as sa

MAX_QUERY_LENGTH = 10_000

# Statements and clauses that write, lock or change the session, and functions with side effects or
# access to files, settings or other servers.
# fmt: off
FORBIDDEN_WORDS = frozenset({
    "ALTER", "ANALYZE", "ATTACH", "BEGIN", "CALL", "CHECKPOINT", "CLUSTER", "COMMIT", "COPY", "CREATE",
    "DEALLOCATE", "DELETE", "DETACH", "DISCARD", "DO", "DROP", "EXEC", "EXECUTE", "GRANT", "INSERT", "INTO",
    "LISTEN", "LOAD", "LOCK", "MERGE", "NOTIFY", "PRAGMA", "PREPARE", "REASSIGN", "REINDEX", "RELEASE", "RESET",
    "REVOKE", "ROLLBACK", "SAVEPOINT", "SET", "SHARE", "TRUNCATE", "UNLISTEN", "UPDATE", "UPSERT", "VACUUM",
    "CURRENT_SETTING", "SET_CONFIG", "LOAD_EXTENSION", "READFILE", "WRITEFILE", "EDIT", "NEXTVAL", "SETVAL",
    "FTS3_TOKENIZER", "QUERY_TO_XML", "TABLE_TO_XML", "DATABASE_TO_XML",
})
# fmt: on
# Identifier prefixes of system catalogs and administrative functions (pg_sleep, pg_read_file, lo_import…).
FORBIDDEN_PREFIXES = ("PG_", "SQLITE_", "LO_", "DBLINK", "INFORMATION_SCHEMA", "FILE_", "UTL_")

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _code_only(query: str) -> str:
    """`query` with string literals, quoted identifiers and comments blanked out (kept as single spaces)."""
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch in "'\"":
            end = i + 1
            while True:
                end = query.find(ch, end)
                if end == -1:
                    raise ValueError("the query has an unterminated quoted string or identifier")
                if query.startswith(ch * 2, end):
                    end += 2  # a doubled quote is an escaped quote, the literal goes on
                    continue
                break
            out.append(" 0 ")
            i = end + 1
        elif query.startswith("--", i):
            end = query.find("\n", i)
            i = n if end == -1 else end + 1
            out.append(" ")
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end == -1:
                raise ValueError("the query has an unterminated /* comment")
            i = end + 2
            out.append(" ")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def check_read_only(query: str) -> str:
    """The query without a trailing `;` when it is one read-only SELECT/WITH statement; else ValueError."""
    if not isinstance(query, str) or not query.strip():
        raise ValueError("the query is empty: write one SELECT statement")
    if len(query) > MAX_QUERY_LENGTH:
        raise ValueError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    if "\x00" in query:
        raise ValueError("the query contains a NUL character")
    if "$" in query or "\\" in query:
        raise ValueError("the query may not contain '$' or '\\' (dollar quoting and escapes are not allowed)")
    query = query.strip()
    code = _code_only(query).strip()
    if code.endswith(";"):
        if not query.endswith(";"):
            raise ValueError("nothing may follow the final ';' of the query: move the comment before it")
        code, query = code[:-1].rstrip(), query[:-1].rstrip()
    if ";" in code:
        raise ValueError("the query must be a single statement: remove the ';' separating statements")
    words = [word.upper() for word in _WORD.findall(code)]
    if not words or words[0] not in ("SELECT", "WITH"):
        first = words[0] if words else code[:20]
        raise ValueError(f"only read queries are allowed: the query must start with SELECT or WITH, not {first}")
    for word in words:
        if word in FORBIDDEN_WORDS or word.startswith(FORBIDDEN_PREFIXES):
            raise ValueError(f"only read queries are allowed: '{word}' is not permitted in a sql tool query")
    return query


def bind_names(query: str) -> list[str]:
    """The `:name` parameters of a query, in order of first use."""
    return list(sa.text(query).compile().params)
