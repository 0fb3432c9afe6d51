"""Codenames: generation, normalisation, and what the server derives from them.

A codename is a diceware-style passphrase of random words from the wordlist the
project ships (``portal/data/wordlist.txt``). With 2,599 words and 8 words per
codename that is about 90 bits; configuration refuses fewer than 80.

What we store, and why (a seized database must not help anyone find or read a
source's report, yet login must be one indexed lookup):

* ``k = Argon2id(codename, installation salt)`` - the slow hash. The salt is one
  random value per installation (``setting`` table) rather than per report,
  because a per-report salt would force us to hash the guess once per report at
  every login. The cost of a shared salt is that one guess can be checked against
  all reports at once (a multi-target attack); with >= 80 bits of entropy per
  codename and a memory-hard hash, even a million reports leave > 60 bits of
  Argon2id work per success, which is out of reach. A per-installation salt still
  defeats precomputation across installations.
* ``lookup_tag = HMAC-SHA256(k, "lookup")`` - stored with a unique index. It is a
  function of the slow hash, so finding a codename from it costs Argon2id per
  guess. Login computes ``k`` once and looks the tag up; no per-row work.
* ``reply seed = HMAC-SHA256(k, "reply-key")`` -> ``crypto.HybridIdentity(seed)``:
  only the public recipient is stored; reviewers' replies are encrypted to it, so
  only someone who knows the codename can read them.

Domain-separated HMAC labels keep the two values independent of each other.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

import crypto

_LOOKUP_LABEL = b"reprisal-portal/v1/codename-lookup"
_REPLY_LABEL = b"reprisal-portal/v1/reply-key"
SALT_SETTING = "codename_salt"


@lru_cache(maxsize=1)
def wordlist() -> tuple[str, ...]:
    """The shipped wordlist: distinct lowercase words, one per line."""
    text = resources.files("portal").joinpath("data/wordlist.txt").read_text(encoding="utf-8")
    words = tuple(w for w in (line.strip() for line in text.splitlines()) if w)
    if len(set(words)) != len(words):
        raise RuntimeError("the codename wordlist contains duplicates")
    return words


def entropy_bits(word_count: int) -> float:
    """Entropy of a codename of `word_count` words from the wordlist."""
    return word_count * math.log2(len(wordlist()))


def generate(word_count: int) -> str:
    """A new random codename: `word_count` words joined by single spaces."""
    words = wordlist()
    return " ".join(secrets.choice(words) for _ in range(word_count))


def normalize(text: str) -> str:
    """Canonical form of a typed codename.

    Case, surrounding space, runs of whitespace of any script (e.g. the
    ideographic space a Chinese keyboard types) and hyphens between words do not
    matter, so a source who copies it a little differently still gets in.
    """
    return " ".join(text.replace("-", " ").lower().split())


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters."""

    memory_kib: int
    iterations: int


@dataclass(frozen=True)
class CodenameKeys:
    """What the server derives from a codename (never stored: only `lookup_tag`
    and the reply identity's public recipient are)."""

    lookup_tag: str
    reply_identity: crypto.Identity

    @property
    def reply_recipient(self) -> str:
        """The public recipient stored with the report."""
        return self.reply_identity.recipient().to_string()


def derive_master(codename: str, salt: bytes, params: KdfParams) -> bytes:
    """The slow hash ``k`` of a normalised codename."""
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=1,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(normalize(codename).encode("utf-8"))


def lookup_tag(master: bytes) -> str:
    """Hex lookup tag stored with the report."""
    return hmac.new(master, _LOOKUP_LABEL, hashlib.sha256).hexdigest()


def reply_seed(master: bytes) -> bytes:
    """32-byte seed of the source's reply identity."""
    return hmac.new(master, _REPLY_LABEL, hashlib.sha256).digest()


def reply_identity(seed: bytes) -> crypto.Identity:
    """The source's reply identity (post-quantum hybrid), deterministic from its seed."""
    return crypto.HybridIdentity(seed)


def derive_keys(codename: str, salt: bytes, params: KdfParams) -> tuple[CodenameKeys, bytes]:
    """Lookup tag and reply identity for a codename; also returns the reply seed."""
    master = derive_master(codename, salt, params)
    seed = reply_seed(master)
    return CodenameKeys(lookup_tag(master), reply_identity(seed)), seed
