"""Staff passwords: Argon2id hashes (PHC strings) and the password policy."""

from __future__ import annotations

import secrets
from functools import lru_cache
from importlib import resources

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from flask_babel import lazy_gettext as _l

#: A valid hash of a random password, verified when the account does not exist so
#: that the response time does not tell which usernames are real.
_DUMMY_PASSWORD = secrets.token_hex(16)


def hash_password(password: str, memory_kib: int, iterations: int) -> str:
    """An Argon2id PHC string for `password` with a fresh random salt."""
    kdf = Argon2id(
        salt=secrets.token_bytes(16), length=32, iterations=iterations, lanes=1,
        memory_cost=memory_kib,
    )
    return kdf.derive_phc_encoded(password.encode("utf-8"))


def verify_password(phc: str | None, password: str, memory_kib: int, iterations: int) -> bool:
    """True when `password` matches `phc`; with no hash, spend the same time and fail."""
    if phc is None:
        phc = _dummy_hash(memory_kib, iterations)
        password = password + "\x00never"
    try:
        Argon2id.verify_phc_encoded(password.encode("utf-8"), phc)
    except (InvalidKey, ValueError):
        return False
    return True


@lru_cache(maxsize=4)
def _dummy_hash(memory_kib: int, iterations: int) -> str:
    return hash_password(_DUMMY_PASSWORD, memory_kib, iterations)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    text = resources.files("portal").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _core(password: str) -> str:
    """The password without trailing digits and symbols ("Password2024!" -> "password")."""
    return password.lower().rstrip("0123456789!@#$%^&*()-_=+.,?~ ")


def policy_errors(password: str, username: str, minimum: int) -> list[object]:
    """Reasons `password` is refused (empty when it is acceptable)."""
    errors: list[object] = []
    if len(password) < minimum:
        errors.append(_l("Use at least %(n)d characters.", n=minimum))
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or _core(password) in common:
        errors.append(_l("This password is on a list of commonly used passwords."))
    elif len(set(password)) < 5:
        errors.append(_l("Use more different characters."))
    if username and username.lower() in lowered:
        errors.append(_l("The password must not contain the username."))
    return errors
