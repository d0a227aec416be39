"""Ctrl-C during `simulate` prints the report of what was read so far (exit 130), no traceback.

The corpus is a JSON Lines file that is a named pipe: the test writes some documents, the
simulator counts them and waits for more, and the test sends SIGINT while it waits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .response_builders import rekognition

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def test_ctrl_c_prints_the_partial_report(tmp_path: Path) -> None:
    fifo = tmp_path / "stream.jsonl"
    os.mkfifo(fifo)
    cond = tmp_path / "r.cond"
    cond.write_text('label "Explicit" confidence > 90\n', "utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "a2icond", "simulate", str(cond), str(fifo), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with open(fifo, "w", encoding="utf-8") as writer:  # blocks until simulate opens it
            for i in range(5):
                labels = [("Explicit", 95.0)] if i < 3 else [("Drugs", 40.0)]
                writer.write(json.dumps(rekognition(labels)) + "\n")
            writer.flush()
            time.sleep(1.5)  # let it read them; it now waits for more
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    report = json.loads(out)
    assert report["interrupted"] is True
    assert (report["documents"], report["humanLoopsExpected"]) == (5, 3.0)
    assert "interrupted" in err and "Traceback" not in err


def test_ctrl_c_with_worker_processes_keeps_their_finished_chunks(tmp_path: Path) -> None:
    """The first 256 lines are one chunk, done by a worker while the parent waits for more
    input; Ctrl-C then reports them, and the workers end without a traceback."""
    fifo = tmp_path / "stream.jsonl"
    os.mkfifo(fifo)
    cond = tmp_path / "r.cond"
    cond.write_text('label "Explicit" confidence > 90\n', "utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "a2icond",
            "simulate",
            str(cond),
            str(fifo),
            "--jobs",
            "2",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with open(fifo, "w", encoding="utf-8") as writer:
            for _ in range(300):
                writer.write(json.dumps(rekognition([("Explicit", 95.0)])) + "\n")
            writer.flush()
            time.sleep(5)  # the first chunk (256 lines) is done by a worker meanwhile
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    report = json.loads(out)
    assert report["interrupted"] is True
    assert report["documents"] == 256
    assert "Traceback" not in err
