"""Renders run.sh's measurements as Markdown, prints them and writes them into RESULTS.md.

Usage: report.py RESULTS_TSV MEMORY_TSV PENDING_TSV RESULTS_MD WRITE(0|1) ELAPSED_SECONDS
The generated part sits between `<!-- bench:run:begin -->` and `<!-- bench:run:end -->`; the rest of
RESULTS.md (the micro-benchmarks, the analysis) is left as it is.
"""
import os
import statistics
import subprocess
import sys
from datetime import datetime, timezone

BEGIN, END = "<!-- bench:run:begin -->", "<!-- bench:run:end -->"
# sys.echo/h1 0.90 and dag3/h1 0.88: issue 13 (after the public invoker); sys.echo/h1-jwt-rate 0.95: issue 15 (Portway's
# cost within 5 % of the baseline running the same JwtBearer + rate limiter middleware).
TARGET_RATIO = {"sys.echo/h1": 0.90, "dag3/h1": 0.88, "sys.echo/h1-jwt-rate": 0.95, "sys.echo/tcp_local": 0.65, "sys.echo/redis": 0.35}
TARGET_ADDED_P99_MS = {"sys.echo/h1": 1.0}


def load_rows(path):
    rows = []
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 5:
            continue
        rnd, name, who, ref, result = parts
        rps, p50, p99, errors = result.split()
        rows.append(dict(round=int(rnd), name=name, who=who, ref=ref, rps=float(rps),
                         p50=int(p50) / 1000, p99=int(p99) / 1000, errors=int(errors)))
    return rows


def reference(rows, row):
    """The row this Portway row is compared with: the baseline (or the named Portway scenario) of the same round."""
    for other in rows:
        if other["round"] != row["round"]:
            continue
        if row["ref"] == "baseline" and other["name"] == row["name"] and other["who"] == "baseline":
            return other
        if row["ref"] != "baseline" and other["name"] == row["ref"] and other["who"] == "portway":
            return other
    return None


def main():
    results, memory, pending, md_path, write, elapsed = sys.argv[1:7]
    rows = load_rows(results)
    env = os.environ
    out = []
    commit = subprocess.run(["git", "-C", os.path.dirname(md_path), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "?"
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out.append(f"Run {when}, commit `{commit}`, {env.get('ROUNDS')} rounds × {env.get('DURATION')} s per server and "
               f"scenario ({env.get('WARMUP')} s warm-up), {env.get('CONNECTIONS')} connections, wrk/h2load with 2 threads "
               f"on the same {os.cpu_count()}-core machine, {elapsed} s in all. Load average (1/5/15 min) before: "
               f"{env.get('LOAD_BEFORE')}, after: {env.get('LOAD_AFTER')}.")
    out.append("")
    out.append("| scenario | round | server | req/s | p50 ms | p99 ms | errors | ratio (req/s) | added p99 ms |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for row in rows:
        ratio = added = ""
        if row["who"] == "portway":
            ref = reference(rows, row)
            if ref and ref["rps"] > 0:
                r = row["rps"] / ref["rps"]
                a = row["p99"] - ref["p99"]
                ratio, added = f"{r:.2f}", f"{a:+.2f}"
                summary.setdefault(row["name"], []).append((r, a, row, ref))
        out.append(f"| {row['name']} | {row['round']} | {row['who']} | {row['rps']:.0f} | {row['p50']:.2f} | "
                   f"{row['p99']:.2f} | {row['errors']} | {ratio} | {added} |")
    out.append("")
    out.append("Median over the rounds (each ratio taken against the reference of its own round):")
    out.append("")
    out.append("| scenario | compared with | Portway req/s | reference req/s | ratio | added p99 ms | target |")
    out.append("|---|---|---:|---:|---:|---:|---|")
    for name, items in summary.items():
        ratio = statistics.median(i[0] for i in items)
        added = statistics.median(i[1] for i in items)
        pw = statistics.median(i[2]["rps"] for i in items)
        rf = statistics.median(i[3]["rps"] for i in items)
        errors = sum(i[2]["errors"] + i[3]["errors"] for i in items)
        checks = []
        if name in TARGET_RATIO:
            checks.append(f"ratio ≥ {TARGET_RATIO[name]:.2f}: {'met' if ratio >= TARGET_RATIO[name] else 'MISSED'}")
        if name in TARGET_ADDED_P99_MS:
            checks.append(f"added p99 < {TARGET_ADDED_P99_MS[name]:.0f} ms: {'met' if added < TARGET_ADDED_P99_MS[name] else 'MISSED'}")
        if errors:
            checks.append(f"{errors} errors: INVALID")
        compared = "baseline" if items[0][2]["ref"] == "baseline" else f"Portway {items[0][2]['ref']}"
        out.append(f"| {name} | {compared} | {pw:.0f} | {rf:.0f} | {ratio:.2f} | {added:+.2f} | {'; '.join(checks) or '—'} |")
    pend = [line.rstrip("\n").split("\t") for line in open(pending) if line.strip()]
    if pend:
        out.append("")
        out.append("Not measured in this run:")
        out.append("")
        for name, why in pend:
            out.append(f"- `{name}`: {why}")
    mem = [line.rstrip("\n").split("\t") for line in open(memory) if line.strip()]
    if mem:
        out.append("")
        out.append(f"Resident memory (VmRSS) of the fresh servers, idle (nothing served but the probes) and with "
                   f"{env.get('HELD')} `sys.delay` requests held open over real connections (wrk, one request per "
                   "connection), measured before the throughput load:")
        out.append("")
        out.append("| server | idle MiB | held requests | with them held MiB | added KiB per held request | pending waiters after the clients left |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for who, idle, held_n, held_kb, left in mem:
            idle_kb, n, held_kb = int(idle), int(held_n), int(held_kb)
            per = f"{(held_kb - idle_kb) / n:.1f}" if n > 0 else "—"
            name = "Portway" if who == "pw" else "baseline"
            out.append(f"| {name} | {idle_kb / 1024:.0f} | {n} | {held_kb / 1024:.0f} | {per} | {left} |")
    text = "\n".join(out)
    print(text)
    if write == "1":
        md = open(md_path).read() if os.path.exists(md_path) else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
        if BEGIN not in md:
            md += f"\n{BEGIN}\n{END}\n"
        head, rest = md.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        open(md_path, "w").write(f"{head}{BEGIN}\n{text}\n{END}{tail}")


if __name__ == "__main__":
    main()
