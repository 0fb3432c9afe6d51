"""Benchmark portal.scrub against mat2 and `exiftool -all=` on the same files.

    python -m bench.scrub [--repeat 3]

Builds a 12-megapixel JPEG (full EXIF with GPS and a thumbnail), a 50-page PDF
(info + XMP) and a ~2 MB docx (properties, tracked changes, comments' people,
a photo with GPS), then times, per file type:

- ours in-process: `portal.scrub.scrub()` on bytes in memory;
- ours isolated:   `portal.scrub.scrub_isolated()` (a forkserver child per file, with
                   time and memory limits: what the web intake calls);
- ours as a CLI:   `portal scrub FILE -o DIR`, a fresh interpreter per file,
                   which is the like-for-like comparison with the two tools;
- mat2 FILE (Debian mat2) and `exiftool -all= -o OUT FILE` (Debian exiftool).

Prints files/s and MB/s (input bytes) for each and the ratios ours/mat2 and
ours/exiftool.  Each figure is the best of --repeat runs (the machine is shared
and noisy).  Then checks, with exiftool as the reader, that no tag mat2
removes from these files is left behind by us, and prints the result.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from portal.scrub import scrub, scrub_isolated
from tests.scrub import scrub_corpus as corpus

MB = 1_000_000
# exiftool groups and tags that describe the file or the container, not its
# author (mat2 rasterises PDFs into a new file, so these differ without meaning).
_STRUCTURAL_GROUPS = ("SourceFile", "ExifTool:", "System:", "File:", "Composite:", "ZIP:")
_STRUCTURAL_TAGS = {"PDF:PageCount", "PDF:PDFVersion", "PDF:Linearized", "JFIF:JFIFVersion",
                    "JFIF:ResolutionUnit", "JFIF:XResolution", "JFIF:YResolution"}


def build_files() -> dict[str, tuple[str, bytes]]:
    """The three benchmark files: name and bytes."""
    from PIL import Image

    buf = io.BytesIO()
    corpus.photo_like((4000, 3000)).save(buf, "JPEG", quality=90, exif=corpus.exif_blob(1),
                                          icc_profile=corpus.device_icc())
    jpeg = buf.getvalue()
    # A typical 2 MB report: a few thousand paragraphs and a pasted phone photo.
    pic = io.BytesIO()
    corpus.photo_like((2000, 1500)).save(pic, "JPEG", quality=85, exif=corpus.exif_blob(1))
    paragraphs = 2000
    docx = corpus.docx_full(paragraphs=paragraphs, picture=pic.getvalue(), with_comments=False)
    while len(docx) < 1_950_000 and paragraphs < 200_000:
        paragraphs = int(paragraphs * 1.5)
        docx = corpus.docx_full(paragraphs=paragraphs, picture=pic.getvalue(), with_comments=False)
    del Image
    return {
        "jpeg": ("photo.jpg", jpeg),
        "pdf": ("report.pdf", corpus.pdf_plain(50)),
        "docx": ("statement.docx", docx),
    }


def best(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)


def exif_tags(path: Path) -> dict[str, object]:
    proc = subprocess.run(["exiftool", "-j", "-a", "-G1", str(path)], capture_output=True,
                          check=True, timeout=120)
    tags = json.loads(proc.stdout)[0]
    return {k: v for k, v in tags.items()
            if not k.startswith(_STRUCTURAL_GROUPS) and k not in _STRUCTURAL_TAGS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for tool in ("mat2", "exiftool"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install mat2 libimage-exiftool-perl)")
    portal_cli = Path(sys.executable).parent / "portal"
    files = build_files()
    print(f"{'type':<5} {'size':>8} {'tool':<15} {'files/s':>8} {'MB/s':>7} "
          f"{'vs mat2':>8} {'vs exiftool':>11}")
    leftovers: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for kind, (name, data) in files.items():
            src = tmp / kind / name
            src.parent.mkdir()
            src.write_bytes(data)
            out = tmp / kind / "out"
            out.mkdir()
            timing = {
                "ours": best(lambda d=data, n=name: scrub(d, n), args.repeat),
                "ours (isolated)": best(lambda d=data, n=name: scrub_isolated(d, n), args.repeat),
            }

            def ours_cli(src: Path = src, out: Path = out) -> None:
                for old in out.iterdir():
                    old.unlink()
                run([str(portal_cli), "scrub", str(src), "-o", str(out)])

            def mat2(src: Path = src) -> None:
                run(["mat2", str(src)])

            def exiftool(src: Path = src) -> None:
                target = src.with_name(f"exiftool-out.{src.suffix.lstrip('.')}")
                target.unlink(missing_ok=True)
                run(["exiftool", "-q", "-all=", "-o", str(target), str(src)])

            timing["ours (CLI)"] = best(ours_cli, args.repeat)
            timing["mat2"] = best(mat2, args.repeat)
            try:
                timing["exiftool -all="] = best(exiftool, args.repeat)
            except subprocess.CalledProcessError:
                print(f"{kind:<5} exiftool cannot write this type (it refuses zip-based files)")
            mb = len(data) / MB
            for tool, seconds in timing.items():
                ratio_mat2 = f"{timing['mat2'] / seconds:>7.2f}x"
                exif = timing.get("exiftool -all=")
                ratio_exif = f"{exif / seconds:>10.2f}x" if exif else f"{'n/a':>11}"
                print(f"{kind:<5} {mb:>6.2f}MB {tool:<15} {1 / seconds:>8.2f} {mb / seconds:>7.2f} "
                      f"{ratio_mat2} {ratio_exif}")
            leftovers[kind] = _left_behind(src, out)
    print()
    print("Tags mat2 removes (read by exiftool) that are still in our output:")
    clean = True
    for kind, left in leftovers.items():
        print(f"  {kind}: {', '.join(left) if left else 'none'}")
        clean = clean and not left
    print("RESULT: " + ("PASS - nothing mat2 removes is left behind by us" if clean
                        else "FAIL - see the tags above"))


def _left_behind(src: Path, out: Path) -> list[str]:
    """Tags in the original that mat2's output lacks but ours still has."""
    mat2_out = src.with_name(f"{src.stem}.cleaned{src.suffix}")
    ours_out = next(out.iterdir())
    original, by_mat2, by_us = exif_tags(src), exif_tags(mat2_out), exif_tags(ours_out)
    removed_by_mat2 = {k for k in original if k not in by_mat2}
    return sorted(f"{k}={by_us[k]!r}" for k in removed_by_mat2 if k in by_us)


if __name__ == "__main__":
    main()
