#!/usr/bin/env python3
"""Compares migrated tables with the servers' own SQL, independently of omsql.

For each --pair SRC=TGT, both servers compute COUNT(*) and an order-independent digest of every row
(the sum of a 60-bit slice of MD5 over the HEX of each column, NULL marked apart from ''), over the
target's columns; a target column takes its source value from the column of the same name or from
a --rename db.table.source_col=target_col rule. Exits 1 when any pair differs.
"""
import argparse
import subprocess
import sys


def sql(port, query):
    out = subprocess.run(
        ["mariadb", "--default-character-set=utf8mb4", "-h127.0.0.1", "-uroot", f"-P{port}", "-N", "-B", "-e", query],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def columns(port, qualified):
    db, table = qualified.split(".")
    rows = sql(port, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='%s' AND TABLE_NAME='%s' "
                     "AND GENERATION_EXPRESSION IS NULL ORDER BY ORDINAL_POSITION" % (db, table))
    return [r[0] for r in rows]


def quote(name):
    return "`" + name.replace("`", "``") + "`"


def digest(port, qualified, cols):
    db, table = qualified.split(".")
    row = "CONCAT_WS('|', %s)" % ", ".join("IFNULL(HEX(%s), 'NULL!')" % quote(c) for c in cols)
    q = "SELECT COUNT(*), IFNULL(SUM(CAST(CONV(LEFT(MD5(%s), 15), 16, 10) AS UNSIGNED)), 0) FROM %s.%s" % (
        row, quote(db), quote(table))
    return tuple(sql(port, q)[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-port", required=True)
    parser.add_argument("--target-port", required=True)
    parser.add_argument("--pair", action="append", default=[])
    parser.add_argument("--rename", action="append", default=[])
    args = parser.parse_args()
    renames = {}
    for r in args.rename:
        left, target_col = r.split("=")
        db, table, source_col = left.split(".")
        renames[(f"{db}.{table}", target_col)] = source_col
    failed = False
    print("%-28s %-28s %10s %10s  %s" % ("source", "target", "rows", "target", "digest"))
    for pair in args.pair:
        source, target = pair.split("=")
        target_cols = columns(args.target_port, target)
        source_cols = [renames.get((source, c), c) for c in target_cols]
        s = digest(args.source_port, source, source_cols)
        t = digest(args.target_port, target, target_cols)
        same = s == t
        failed |= not same
        print("%-28s %-28s %10s %10s  %s" % (source, target, s[0], t[0], "equal" if same else "DIFFERENT"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
