#!/usr/bin/env bash
# End-to-end benchmark of `partipris score` (reading JSON Lines, analysing with every shipped
# model, writing one JSON report per line): MB/s, articles/s and peak memory, on 1 and 2
# threads, on a ~100 MB and a ~1 GB synthetic corpus built in /tmp from the FreSaDa texts of
# ../shared/datasets repeated (never committed). Peak memory on the two sizes shows whether
# memory stays flat.
#
# Usage: scripts/bench-score.sh [SHARED_DIR] [SIZES_MB...]    (default: ../shared 100 1000)
# Environment: WORK (default /tmp/partipris-bench), THREADS (default "1 2"),
#              OUT (where reports are written, default /dev/null).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
shift || true
sizes=${*:-100 1000}
work=${WORK:-/tmp/partipris-bench}
threads=${THREADS:-1 2}
out=${OUT:-/dev/null}
source_file="$shared/datasets/fresada_train.jsonl.gz"
[ -f "$source_file" ] || { echo "missing $source_file" >&2; exit 1; }
mkdir -p "$work"

cargo build --release --quiet
bin=target/release/partipris

for mb in $sizes; do
  corpus="$work/fresada-${mb}MB.jsonl"
  [ -s "$corpus" ] && continue
  python3 - "$source_file" "$corpus" "$mb" <<'PY'
import gzip, json, sys
src, dst, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = [json.loads(l)["text"] for l in gzip.open(src, "rt", encoding="utf-8")]
limit, size, k = mb * 10**6, 0, 0
with open(dst, "w", encoding="utf-8") as f:
    while size < limit:
        t = texts[k % len(texts)]
        line = json.dumps({"id": f"r{k}", "lang": "fr", "text": t}, ensure_ascii=False) + "\n"
        f.write(line)
        size += len(line.encode("utf-8"))
        k += 1
print(f"{dst}: {k} articles, {size / 1e6:.0f} MB", file=sys.stderr)
PY
done

results="$work/results.md"
{
  echo "| corpus | threads | articles | text MB | seconds | MB/s (text) | articles/s | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} > "$results"
for mb in $sizes; do
  corpus="$work/fresada-${mb}MB.jsonl"
  for t in $threads; do
    log="$work/run-${mb}MB-${t}t.log"
    /usr/bin/time -v "$bin" score "$corpus" --models --threads "$t" --out "$out" 2> "$log" || true
    python3 - "$log" "$corpus" "$t" >> "$results" <<'PY'
import re, sys
log, corpus, threads = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
m = re.search(r"scored (\d+) articles, (\d+) error records, in ([\d.]+) s \(([\d.]+) MB/s of text, (\d+) articles/s", log)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1)) / 1024
n, errors, secs, mbs, aps = m.groups()
text_mb = float(mbs) * float(secs)
print(f"| {corpus.rsplit('/', 1)[-1]} | {threads} | {n} | {text_mb:.0f} | {secs} | {mbs} | {aps} | {rss:.0f} |")
PY
  done
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$results"
cat "$results"
