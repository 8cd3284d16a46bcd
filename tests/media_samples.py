"""Real media files for the upload and probing tests, made on the spot (tiny, deterministic)."""

from __future__ import annotations

import struct
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (64, 48)
SECONDS = 1.0
FPS = 10
RATE = 48000


def make(sample: str, path: Path) -> Path:
    """Write the named sample to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    MAKERS[sample](path)
    return path


def _image(fmt: str) -> Callable[[Path], object]:
    def write(path: Path) -> None:
        from PIL import Image

        if fmt == "HEIF":
            import pillow_heif

            pillow_heif.register_heif_opener()
        Image.new("RGB", SIZE, (200, 40, 40)).save(path, format=fmt)

    return write


def _turned_jpeg(path: Path) -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees when shown
    Image.new("RGB", SIZE, (10, 120, 200)).save(path, format="JPEG", exif=exif)


def _av(fmt: str, vcodec: str | None, acodec: str | None) -> Callable[[Path], object]:
    def write(path: Path) -> None:
        import av
        import numpy as np

        with av.open(str(path), "w", format=fmt) as out:
            video: Any = out.add_stream(vcodec, rate=FPS) if vcodec else None
            if video is not None:
                video.width, video.height = SIZE
                video.pix_fmt = "yuv420p"
            audio: Any = out.add_stream(acodec, rate=RATE) if acodec else None
            for i in range(int(SECONDS * FPS) if video else 0):
                pixels = np.full((SIZE[1], SIZE[0], 3), i * 20, dtype=np.uint8)
                out.mux(video.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
            if video is not None:
                out.mux(video.encode(None))
            if audio is not None:
                _tone(out, audio)

    return write


def _tone(out: Any, audio: Any) -> None:
    import av
    import numpy as np

    step = 1024
    for start in range(0, int(SECONDS * RATE), step):
        t = (np.arange(start, start + step) / RATE).astype(np.float32)
        samples = (0.2 * np.sin(2 * np.pi * 440 * t)).reshape(1, -1).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = RATE, start
        out.mux(audio.encode(frame))
    out.mux(audio.encode(None))


def _turned_mp4(path: Path) -> None:
    MAKERS["mp4_silent"](path)
    data = bytearray(path.read_bytes())
    tkhd = data.find(b"tkhd")  # version 0 track header: its display matrix starts 44 bytes in
    data[tkhd + 44 : tkhd + 80] = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 1 << 30)
    path.write_bytes(bytes(data))


def _wav(path: Path) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x10" * int(16000 * SECONDS))


def _txt(path: Path) -> None:
    path.write_text("Scene one: the city wakes up.\n第二幕：夜晚的街道。\n", encoding="utf-8")


def _docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Opening: a sunrise over the bay.")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Closing: 谢谢观看"
    document.save(str(path))


def _zip(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a document")


def _truncated(sample: str, keep: float) -> Callable[[Path], object]:
    def write(path: Path) -> None:
        MAKERS[sample](path)
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])

    return write


MAKERS: dict[str, Callable[[Path], object]] = {
    "jpeg": _image("JPEG"),
    "png": _image("PNG"),
    "gif": _image("GIF"),
    "webp": _image("WEBP"),
    "heic": _image("HEIF"),
    "jpeg_turned": _turned_jpeg,
    "mp4": _av("mp4", "libx264", "aac"),
    "mov": _av("mov", "libx264", "aac"),
    "mkv": _av("matroska", "libx264", "aac"),
    "webm": _av("webm", "libvpx", "libopus"),
    "avi": _av("avi", "mpeg4", "libmp3lame"),
    "mp4_silent": _av("mp4", "libx264", None),
    "mp4_turned": _turned_mp4,
    "mp4_audio_only": _av("mp4", None, "aac"),
    "m4a": _av("ipod", None, "aac"),
    "aac": _av("adts", None, "aac"),
    "mp3": _av("mp3", None, "libmp3lame"),
    "wav": _wav,
    "txt": _txt,
    "docx": _docx,
    "zip": _zip,
    "empty": lambda path: path.write_bytes(b""),
    "nul_text": lambda path: path.write_bytes(b"looks like text\x00but is not"),
    "latin1_text": lambda path: path.write_bytes("café olé".encode("latin-1")),
    "garbage": lambda path: path.write_bytes(bytes(range(256)) * 16),
    "png_truncated": _truncated("png", 0.5),
    "mp4_truncated": _truncated("mp4", 0.3),
    "png_header_only": lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
}
