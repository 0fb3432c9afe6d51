"""Bounds on the work scrubbing may do for one file.

Every parser we call is fed attacker-controlled bytes, so each dimension that
could blow up (memory, pixels, zip expansion, objects, time) has a cap here.
The web layer may pass its own :class:`Limits` built from configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.scrub.sniff import family

MiB = 1024 * 1024

_DEFAULT_CAPS: dict[str, int] = {
    "image": 64 * MiB,
    "office": 64 * MiB,
    "pdf": 256 * MiB,
    "audio": 128 * MiB,
    "video": 256 * MiB,
    "text": 16 * MiB,
}


@dataclass(frozen=True)
class Limits:
    """Per-type in-memory caps and bounds on parsing work.

    ``caps`` maps a family ("image", "office", "pdf", "audio", "video", "text")
    to the largest file, in bytes, that is held in memory and cleaned; bigger
    files are stored unscrubbed (see :func:`portal.scrub.oversize_result`).
    """

    caps: dict[str, int] = field(default_factory=lambda: dict(_DEFAULT_CAPS))
    default_cap: int = 64 * MiB
    # Pixels per picture (a 200-megapixel phone photo is 2e8; RGB needs 3 bytes each).
    max_pixels: int = 120_000_000
    # Pixels summed over all frames of an animation.
    max_total_pixels: int = 400_000_000
    max_frames: int = 2000
    # Zip containers (office documents).
    zip_max_entries: int = 5000
    zip_max_total: int = 512 * MiB
    zip_max_ratio: int = 200
    # PDF structure.
    pdf_max_objects: int = 2_000_000
    pdf_max_pages: int = 100_000
    # Wall-clock budget for one external tool run (ffmpeg / ffprobe), in seconds.
    tool_timeout: float = 120.0
    # scrub_isolated(): wall-clock budget for the whole file, and the child
    # process's address-space limit (what a decoder may allocate).
    isolated_timeout: float = 300.0
    isolated_memory: int = 3 * 1024 * MiB

    def cap_for(self, media_type: str) -> int:
        """Return the in-memory cap in bytes for a detected media type."""
        return self.caps.get(family(media_type), self.default_cap)
