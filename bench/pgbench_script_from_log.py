#!/usr/bin/env python3
"""Turns the statements Citadel sent for one API call into a pgbench script.

bench/rpc_api_bench.sh sets log_statement=all on the embedded cluster, makes
one call of a workload, and hands the PostgreSQL log lines written between two
markers to this program. It keeps the statements run in the tenant database
(the catalog lookup, cached by the server after the first call, is another
database and is left out), puts each parameter back as the literal the log
shows, and replaces the values that vary per call by pgbench variables:

  --var 'VALUE=EXPR'   a parameter equal to VALUE (as logged, unquoted) becomes
                       EXPR, e.g. '4321=:off' or '{57}=:ida'
  --gset-insert        the INSERT ... RETURNING id also returns its id as :id
                       and '{id}' as :ida (the statements after it use them);
                       so does the nextval that takes the id first, when
                       the ORM asks for it before the INSERT
  --preamble LINE      pgbench meta-commands put first (\\set off random(0, N))
  --pipeline           the statements go in one pipeline (\\startpipeline ...
                       \\endpipeline: one round trip, as Citadel sends a
                       read-only call with its credential check and COMMIT);
                       not with --gset-insert (pgbench cannot \\gset there)

So pgbench runs the same statements, in the same order and transaction, on the
same database: the reference is PostgreSQL doing exactly the call's SQL work.
  --defines FILE       where the NAME=VALUE lines go

Prints the script on stdout and the number of statements on stderr.
"""
import argparse
import re
import sys

PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[(\d+)\] (\S*)@(\S*) (LOG|DETAIL):  (.*)$")
STATEMENT = re.compile(r"^(?:execute [^:]+|statement): (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def read_entries(lines):
    """(database, kind, text) per log entry; continuation lines joined."""
    entries = []
    for line in lines:
        line = line.rstrip("\n")
        m = PREFIX.match(line)
        if m:
            entries.append([m.group(3), m.group(4), m.group(5)])
        elif entries and line.startswith("\t"):
            entries[-1][2] += "\n" + line[1:]
    return entries


def statements(entries, database):
    out = []  # [sql, {n: literal}]
    for db, kind, text in entries:
        if db != database:
            continue
        if kind == "LOG":
            m = STATEMENT.match(text)
            if m:
                out.append([m.group(1).strip(), {}])
        elif kind == "DETAIL" and text.startswith("parameters: ") and out:
            out[-1][1] = {int(n): v for n, v in PARAM.findall(text)}
    return out


def render(sql, params, variables, defines, index):
    def parameter(m):
        value = params[int(m.group(1))]
        if value == "NULL":  # pgbench has no NULL variable
            return value
        unquoted = value[1:-1].replace("''", "'")
        if unquoted in variables:
            return variables[unquoted]
        if "\n" in unquoted:
            sys.exit("pgbench_script_from_log: a parameter spans lines: %r" % unquoted[:80])
        name = "s%dp%s" % (index, m.group(1))
        if "%s=%s" % (name, unquoted) not in defines:  # $N may occur twice in a statement
            defines.append("%s=%s" % (name, unquoted))
        return ":" + name
    # $N outside string literals only: the ORM's SQL has no '$' in its literals.
    return re.sub(r"\$(\d+)", parameter, sql)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database", required=True, help="the tenant database (t_<id>)")
    ap.add_argument("--var", action="append", default=[], metavar="VALUE=EXPR")
    ap.add_argument("--gset-insert", action="store_true")
    ap.add_argument("--preamble", action="append", default=[])
    ap.add_argument("--pipeline", action="store_true")
    ap.add_argument("--defines", required=True)
    ap.add_argument("log", help="the log excerpt")
    args = ap.parse_args()
    variables = dict(v.split("=", 1) for v in args.var)
    with open(args.log, encoding="utf-8", errors="replace") as f:
        found = statements(read_entries(f), args.database)
    if not found or not found[0][0].upper().startswith("BEGIN"):
        sys.exit("pgbench_script_from_log: no transaction for %s in %s" % (args.database, args.log))
    if args.pipeline and args.gset_insert:
        sys.exit("pgbench_script_from_log: --pipeline and --gset-insert do not go together")
    lines, defines = list(args.preamble), []
    if args.pipeline:
        lines.append("\\startpipeline")
    for index, (sql, params) in enumerate(found):
        text = render(sql, params, variables, defines, index).replace("\n", " ")
        if ";" in text:
            sys.exit("pgbench_script_from_log: a ';' inside a statement: %s" % text[:200])
        if args.gset_insert and text.startswith("INSERT") and text.endswith("RETURNING id"):
            lines.append(text + ", '{' || id || '}' AS ida \\gset")
        elif args.gset_insert and text.startswith("SELECT nextval(") and ") FROM generate_series(" in text:
            lines.append(text.replace(") FROM generate_series(", ") AS id FROM generate_series(", 1) + " \\gset")
        else:
            lines.append(text + ";")
    if args.pipeline:
        lines.append("\\endpipeline")
    print("\n".join(lines))
    with open(args.defines, "w") as f:
        f.write("".join(d + "\n" for d in defines))
    print(len(found), file=sys.stderr)


if __name__ == "__main__":
    main()
