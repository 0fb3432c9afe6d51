"""Fuzzing with a fixed budget: the age parser, the scrubbers and the form layer.

Each target is a hypothesis property run twice: a normal run (shrinking, reproducible
from the example database) and a budgeted run feeding random buffers to hypothesis's
`fuzz_one_input` for RELIABILITY_FUZZ_SECONDS (default 15) per target, so CI time is
bounded whatever the machine. A property that fails in either run fails the test.
"""

from __future__ import annotations

import io
import os
import random
import secrets
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import crypto
from portal import create_app, db, documents, intake
from portal.scrub import safe_filename, scrub
from portal.scrub.sniff import sniff_type
from tests.reliability.harness import FAST_KDF, TOKEN, multipart, record_figures

BUDGET = float(os.environ.get("RELIABILITY_FUZZ_SECONDS", "15"))
OUTCOMES = {"cleaned", "unchanged", "not_scrubbed", "rejected"}
FIGURES: dict[str, int] = {}
FAST = settings(max_examples=60, deadline=None, derandomize=False,
                suppress_health_check=list(HealthCheck))


def run_budget(name: str, test: Any) -> None:
    """Feed random buffers to a @given test until the budget is spent."""
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - fuzz input, not secrets
    fuzz: Callable[[bytes], Any] = test.hypothesis.fuzz_one_input
    stop = time.monotonic() + BUDGET
    count = 0
    while time.monotonic() < stop:
        fuzz(rng.randbytes(rng.choice((16, 64, 256, 1024, 4096))))
        count += 1
    FIGURES[name] = FIGURES.get(name, 0) + count


def teardown_module() -> None:
    """Figures for `make reliability`."""
    record_figures("fuzz", {"inputs": sum(FIGURES.values()), **FIGURES,
                            "budget_seconds": BUDGET})


# ---------------------------------------------------------------------------- age


IDENTITY = crypto.X25519Identity(bytes(range(32)))
PLAINTEXT = b"a reprisal report " * 300
SEALED = crypto.encrypt_bytes(PLAINTEXT, [IDENTITY.recipient()])
ARMORED = crypto.encrypt_bytes(PLAINTEXT[:100], [IDENTITY.recipient()], armor=True)


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    buffer = bytearray(data)
    for kind, position, value in edits:
        if not buffer:
            break
        where = position % len(buffer)
        if kind == 0:
            buffer[where] ^= (value % 255) + 1
        elif kind == 1:
            del buffer[where:where + 1 + value % 8]
        elif kind == 2:
            buffer[where:where] = bytes([value % 256]) * (1 + value % 4)
        else:
            del buffer[where:]
    return bytes(buffer)


EDITS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)),
                 min_size=1, max_size=6)


@FAST
@given(base=st.sampled_from([SEALED, ARMORED]), edits=EDITS)
def test_age_mutations_decrypt_to_the_original_or_raise_age_error(base: bytes,
                                                                   edits: list[Any]) -> None:
    data = _mutate(base, edits)
    try:
        out = crypto.decrypt_bytes(data, [IDENTITY])
    except crypto.AgeError:
        return
    # Anything that still decrypts must be exactly what was sealed (authenticity).
    assert out in (PLAINTEXT, PLAINTEXT[:100])


@FAST
@given(text=st.text(max_size=300) | st.from_regex(r"\Aage1[a-z0-9]{0,120}\Z"))
def test_age_key_strings_raise_only_age_error(text: str) -> None:
    for parse in (crypto.parse_recipient, crypto.parse_identity):
        try:
            parse(text)
        except crypto.AgeError:
            pass


def test_age_parser_budget() -> None:
    run_budget("age", test_age_mutations_decrypt_to_the_original_or_raise_age_error)
    run_budget("age-keys", test_age_key_strings_raise_only_age_error)


# ---------------------------------------------------------------------------- scrubbers


def _jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0110] = "FuzzCam"
    out = io.BytesIO()
    Image.new("RGB", (24, 24), "blue").save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), "red").save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Fuzz Author"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("docProps/core.xml", "<cp:coreProperties><dc:creator>Fuzz"
                         "</dc:creator></cp:coreProperties>")
    return out.getvalue()


SEEDS = {"photo.jpg": _jpeg(), "image.png": _png(), "doc.pdf": _pdf(), "text.docx": _docx(),
         "note.txt": "证据 evidence ཞིབ\n".encode()}


@FAST
@given(name=st.sampled_from(sorted(SEEDS)), edits=EDITS,
       declared=st.sampled_from([None, "image/jpeg", "application/pdf", "text/plain"]))
def test_scrubbers_give_an_outcome_for_any_damaged_file(name: str, edits: list[Any],
                                                        declared: str | None) -> None:
    data = _mutate(SEEDS[name], edits)
    sniff_type(data[:4096])
    result = scrub(data, name, declared)
    assert result.outcome in OUTCOMES
    if result.outcome in ("cleaned", "unchanged"):
        assert result.data is not None
    assert "/" not in result.filename and "\x00" not in result.filename


@FAST
@given(name=st.text(max_size=400))
def test_safe_filenames_cannot_escape_or_spoof(name: str) -> None:
    safe = safe_filename(name, "text/plain")
    assert "/" not in safe and "\\" not in safe and safe not in ("", ".", "..")
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in safe), ascii(safe)


def test_scrubber_budget() -> None:
    run_budget("scrub", test_scrubbers_give_an_outcome_for_any_damaged_file)
    run_budget("filenames", test_safe_filenames_cannot_escape_or_spoof)


# ---------------------------------------------------------------------------- forms


@pytest.fixture(scope="module")
def form_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real app on its own SQLite file, with a reviewer key the test keeps."""
    root = tmp_path_factory.mktemp("fuzz-forms")
    app = create_app({"secret_key": secrets.token_urlsafe(40),
                      "database_url": f"sqlite:///{root / 'portal.db'}",
                      "blob_dir": str(root / "blobs"), "testing": True, **FAST_KDF,
                      "ratelimit_enabled": False})
    identity = crypto.X25519Identity(secrets.token_bytes(32))
    with app.app_context():
        db.create_all(app)
        intake.add_reviewer(db.get_session(), identity.recipient().to_string())
    yield app, identity, Path(root)


FIELDS = ["account", "when", "place", "un_when", "perpetrator_details", "contact_how",
          "region", "about", "gender", "reprisals", "consent_ohchr", "minor"]
VALUES = st.text(max_size=200) | st.sampled_from(["", "yes", "no", "tibet", "detention",
                                                  "x" * 301, "\x00", "\ufffd", "RAWBYTES"])


def _stored_accounts(app: Any, identity: crypto.Identity) -> list[str]:
    from sqlalchemy import select

    from portal.models import Entry

    store = app.extensions["portal_blobs"]
    with app.app_context():
        blobs = db.get_session().scalars(select(Entry.blob_id).where(Entry.kind == "report"))
        return [documents.decode(store.decrypt(b, [identity])).get("account") for b in blobs]


def test_form_layer_answers_200_or_400_and_stores_exactly_what_was_sent(form_app: Any) -> None:
    app, identity, _root = form_app
    client = app.test_client()
    match = TOKEN.search(client.get("/submit").get_data(as_text=True))
    assert match
    token = match.group(1)
    accepted: list[str] = []

    @FAST
    @given(values=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8),
           raw=st.binary(max_size=64))
    def post(values: dict[str, str], raw: bytes) -> None:
        fields: dict[str, str | list[str]] = {"csrf_token": token, **values}
        body, content_type = multipart(fields)
        body = body.replace(b"RAWBYTES", raw)
        response = client.post("/submit", data=body, content_type=content_type)
        assert response.status_code in (200, 400), response.status_code
        if response.status_code == 200:
            # What the server received: RAWBYTES stood for the raw bytes in the body.
            account = values["account"]
            if "RAWBYTES" in account:
                account = account.replace("RAWBYTES", raw.decode("utf-8"))
            accepted.append(account)

    post()
    run_budget("forms", post)
    stored = _stored_accounts(app, identity)
    assert sorted(stored) == sorted(accepted)


def test_atheris_age_parser(tmp_path: Path) -> None:
    """libFuzzer-guided fuzzing of the age parser, when atheris is installed."""
    import importlib.util
    import re
    import subprocess
    import sys

    if importlib.util.find_spec("atheris") is None:
        pytest.skip("atheris is not installed (pip install -e '.[fuzz]')")
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.atheris_age",
         f"-max_total_time={int(BUDGET)}", "-rss_limit_mb=2048",
         f"-artifact_prefix={tmp_path}/"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
        timeout=BUDGET * 10 + 120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    done = re.search(r"Done (\d+) runs", result.stderr)
    FIGURES["atheris-age"] = int(done.group(1)) if done else 0
