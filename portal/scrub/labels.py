"""Every English string a ScrubResult can carry, marked for translation.

The scrubbing package imports no Flask, so it cannot call ``gettext``.  It marks
its strings with the no-op :func:`N_` instead; Babel extracts them (run
``pybabel extract -k N_``) and the web layer translates them when it shows a
result, with ``gettext(label)``.  Keep every user-visible string here, so the
translators find them in one place and the code compares constants, not text.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional name Babel looks for
    """Mark ``message`` for translation without translating it now."""
    return message


# --- What was removed (ScrubResult.removed), most revealing first ----------
# (reports list them in this order: see result.ordered)
GPS = N_("GPS location")
PLACE = N_("place name")
AUTHOR = N_("author name")
LAST_EDITOR = N_("name of the last person who edited it")
OWNER = N_("owner name")
ORGANIZATION = N_("organization name")
MANAGER = N_("manager name")
PEOPLE = N_("list of people who worked on the file")
COMMENT_AUTHORS = N_("comments and their authors")
COMMENT_NAMES = N_("names and dates on comments")
TRACKED_CHANGES = N_("edit history (tracked changes and their authors)")
EDIT_HISTORY = N_("earlier versions of the document (edit history)")
COMPUTER = N_("computer name")
FILE_PATHS = N_("folder paths from the author's computer")
SERIAL = N_("device serial number")
CAMERA_MAKE = N_("camera make")
CAMERA_MODEL = N_("camera model")
LENS = N_("lens model")
UNIQUE_ID = N_("unique image ID")
DOCUMENT_ID = N_("document ID")
REVISION_IDS = N_("revision IDs")
DATE_TAKEN = N_("date and time taken")
DATES = N_("creation and modification dates")
NAME_DATE = N_("date and time in the file name")
SOFTWARE = N_("software name and version")
ENCODER = N_("encoder software")
RECORDER_INFO = N_("recorder information")
PRINTER = N_("printer settings")
TEMPLATE = N_("template name")
TITLE = N_("title, subject and keywords")
DESCRIPTION = N_("description")
COPYRIGHT = N_("copyright notice")
COMMENTS = N_("comments")
CUSTOM_PROPS = N_("custom properties")
DOC_INFO = N_("document properties")
THUMBNAIL = N_("embedded thumbnail")
EXTRA_IMAGES = N_("extra images hidden in the file")
EMBEDDED_FILES = N_("embedded files")
EMBEDDED_IMAGE_METADATA = N_("metadata of embedded pictures")
MAKER_NOTES = N_("camera maker notes")
XMP = N_("XMP metadata (may include edit history and software)")
IPTC = N_("IPTC data (captions, names, places)")
ICC = N_("color profile (may name the device)")
CAMERA_SETTINGS = N_("other EXIF data (camera settings)")
AUDIO_TAGS = N_("audio tags (artist, title, album, ...)")
COVER_ART = N_("embedded cover picture")
CONTAINER_TAGS = N_("container tags")
METADATA_TRACKS = N_("metadata tracks")
CHAPTERS = N_("chapters")
JAVASCRIPT = N_("JavaScript")
AUTO_ACTIONS = N_("automatic actions")
PIECE_INFO = N_("private application data (page-piece info)")
REVISION_COUNT = N_("revision count and editing time")
TEXT_NOTES = N_("text notes stored in the file")
TRAILING_DATA = N_("data hidden after the end of the file")
OTHER_DATA = N_("other embedded data")
MACROS = N_("macros (program code)")
SIGNATURE = N_("digital signature (names the signer)")

# --- Warnings (ScrubResult.warnings) ----------------------------------------
NOT_REMOVED = N_("Metadata was not removed.")
TYPE_MISMATCH = N_("The file's name or declared type did not match its content.")
UNSUPPORTED = N_("This type of file cannot be cleaned, so it is stored exactly as sent.")
KEPT_ORIGINAL = N_("You chose to keep the original file, so its metadata was not removed.")
TOO_BIG = N_("The file is too large to be cleaned, so it is stored exactly as sent.")
PASSWORD = N_("The file is password-protected, so its metadata could not be removed.")
ARCHIVE = N_("Files inside archives are not cleaned.")
NO_VIDEO_TOOL = N_("Videos cannot be cleaned on this server.")
REPAIRED = N_("The file was damaged; it was repaired while it was cleaned.")
EMBEDDED_DOCS = N_("Documents embedded inside this file were not cleaned.")
TRANSCODED = N_("The picture was converted to a more common format.")
TEXT_ENCODING = N_("The text encoding could not be determined, so the text is stored unchanged.")
NOTHING_FOUND = N_("No identifying metadata was found.")
OLD_OFFICE = N_(
    "Old Word, Excel and PowerPoint files (.doc, .xls, .ppt) cannot be cleaned: save the "
    "file as .docx, .xlsx, .pptx or PDF and send that instead."
)

# --- Reasons for refusal (ScrubResult.reason) -------------------------------
R_DAMAGED = N_("The file is damaged or incomplete and could not be read.")
R_TOO_MANY_PIXELS = N_("The picture is too large to process (too many pixels).")
R_ZIP_BOMB = N_("The file expands to far more data than it contains (a possible zip bomb).")
R_TOO_COMPLEX = N_("The file is too complex to process safely.")
R_TIMEOUT = N_("Processing the file took too long, so it was stopped.")
R_EMPTY = N_("The file is empty.")
