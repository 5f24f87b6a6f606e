"""Before/after table for issue 14: each hostile input, exit code, first line, peak memory, time.

Builds the hostile corpus at full scale (``tests/hostile_corpus.py``: 1 GiB bombs, 30,000
co-located aircraft…) in a temporary directory, then runs each case with two programs —
"before" (e.g. an unchanged checkout's ``encounter-replay``) and "after" (this checkout's)
— under an address-space limit and a timeout, so a runaway "before" ends in MemoryError or
a kill instead of visiting the machine's OOM killer. Peak memory is the child's maximum
RSS (``/usr/bin/time``). Prints a Markdown table.

    python tests/benchmarks/bench_hostile.py --before /work/main/.venv/bin/encounter-replay \\
        [--after .venv/bin/encounter-replay] [--scale 1] [--limit 4000000000] [--timeout 90]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_corpus import Case, make_corpus  # noqa: E402


def run(
    exe: str, argv: list[str], limit: int, timeout: float, cwd: Path, stdin: Path | None = None
) -> tuple[str, str, float, float]:
    """(exit, first line, peak MB, seconds) of ``exe ARGV...`` under the limits; a FIFO in
    ``argv`` is fed ``stdin``'s file by a writer thread instead of standard input."""
    fifo = next((Path(a) for a in argv if Path(a).is_fifo()), None)
    writer = None
    if fifo is not None and stdin is not None:
        writer = threading.Thread(target=_feed_fifo, args=(fifo, stdin.read_bytes()), daemon=True)
        writer.start()
        stdin = None
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)

    def limit_as() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", tf.name, exe, *argv]
        feed = open(stdin, "rb") if stdin else subprocess.DEVNULL  # noqa: SIM115
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            preexec_fn=limit_as,
            start_new_session=True,
            stdin=feed,
        )
        try:
            out, err = proc.communicate(timeout=timeout)
            code = str(proc.returncode)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            code = f"killed after {timeout:.0f} s"
        seconds = time.perf_counter() - t0
        if writer is not None and writer.is_alive():  # the program never opened the pipe
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
            writer.join(5)
        lines = tf.read().split()
        peak = next((int(x) / 1024 for x in reversed(lines) if x.isdigit()), float("nan"))
    text = err.decode("utf-8", "replace") or out.decode("utf-8", "replace")
    text = text.replace(f"{cwd}/", "")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if b"\x1b" in out + err:
        first = "[raw ESC reached the terminal] " + first
    if "Traceback" in text:
        last = [ln for ln in text.splitlines() if ln.strip()][-1]
        first = f"Traceback … {last}"
    return code, first, peak, seconds


def _feed_fifo(fifo: Path, data: bytes) -> None:
    try:
        with open(fifo, "wb") as fh:
            fh.write(data)
    except OSError:
        pass


def runs(root: Path, cases: list[Case]) -> list[tuple[str, list[str], Path | None]]:
    """(label, arguments, file fed on stdin) for every corpus case and the special inputs."""
    out = [(f"{c.command} {c.name}", [c.command, str(c.path)], None) for c in cases]
    acmi = str(root / "colocated.txt.acmi")
    eu = root / "european.csv"
    fifo = root / "fifo.csv"
    os.mkfifo(fifo)
    return [
        *out,
        ("snapshot colocated.txt.acmi", ["snapshot", acmi, "--time", "+0", "--out", "s.png"], None),
        ("info /dev/urandom", ["info", "/dev/urandom"], None),
        ("info - < european.csv", ["info", "-"], eu),
        ("info FIFO (named pipe)", ["info", str(fifo)], eu),
        ("window, no DISPLAY", [str(eu)], None),
        ("infoo (typo)", ["infoo", str(eu)], None),
        ("--version", ["--version"], None),
    ]


def shown(text: str, width: int = 110) -> str:
    safe = text.encode("unicode_escape").decode("ascii").replace("|", "\\|")
    return safe if len(safe) <= width else safe[: width - 1] + "…"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", default=str(ROOT / ".venv" / "bin" / "encounter-replay"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--limit", type=int, default=4_000_000_000, help="RLIMIT_AS (bytes)")
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("--only", nargs="*", help="run only cases whose label contains one of these")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="encounter-replay-hostile-") as tmp:
        root = Path(tmp)
        cases = make_corpus(root, args.scale)
        print(
            "| input | size | before: exit | before: first line | MB | s "
            "| after: exit | after: first line | MB | s |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for label, argv, stdin in runs(root, cases):
            if args.only and not any(o in label for o in args.only):
                continue
            path = Path(argv[1]) if len(argv) > 1 else Path(argv[0])
            size = path.stat().st_size if path.is_file() and not path.is_symlink() else 0
            size = stdin.stat().st_size if stdin is not None else size
            b = run(args.before, argv, args.limit, args.timeout, root, stdin)
            a = run(args.after, argv, args.limit, args.timeout, root, stdin)
            print(
                f"| `{label}` | {size / 1e6:.2f} MB | {b[0]} | {shown(b[1])} | {b[2]:.0f} "
                f"| {b[3]:.1f} | {a[0]} | {shown(a[1])} | {a[2]:.0f} | {a[3]:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
