"""Text to speech with espeak-ng, loaded through ctypes from the `espeakng-loader` wheel.

The wheel bundles the library and its voice data, so nothing needs installing on the system.
espeak-ng keeps global state, so one lock serialises every use within a process (separate
processes each load their own copy).
"""

from __future__ import annotations

import ctypes
import threading
import wave
from typing import Any

from vidskill.render.model import RenderError

# Constants from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1
_WORDS_PER_MINUTE = 165

# Our language codes -> espeak-ng voice names.
VOICES = {"en": "en", "zh-CN": "cmn", "zh": "cmn", "zh-cn": "cmn", "cmn": "cmn"}

_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
_lock = threading.Lock()


class _Engine:
    """The loaded library, its sample rate and the buffer the synth callback fills."""

    def __init__(self) -> None:
        try:
            import espeakng_loader

            self.lib: Any = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (ImportError, OSError, RuntimeError) as exc:
            raise RenderError(
                "speech needs the espeak-ng library: `pip install espeakng-loader` "
                f"(or `pip install 'vidskill[local]'`); {exc}"
            ) from exc
        self.lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        self.rate: int = self.lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), _INITIALIZE_DONT_EXIT
        )
        if self.rate <= 0:
            raise RenderError(f"espeak-ng could not start with its data at {data}")
        self.samples: list[bytes] = []
        self.callback = _CALLBACK(self._collect)  # kept alive as long as the engine
        self.lib.espeak_SetSynthCallback(self.callback)
        self.lib.espeak_SetParameter(_RATE, _WORDS_PER_MINUTE, 0)

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        if wav and count > 0:
            self.samples.append(ctypes.string_at(wav, count * 2))
        return 0

    def speak(self, text: str, voice: str) -> bytes:
        """16-bit mono PCM of `text` spoken by `voice`."""
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RenderError(f"espeak-ng has no voice {voice!r}")
        self.samples = []
        data = text.encode("utf-8") + b"\0"
        status = self.lib.espeak_Synth(
            data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        self.lib.espeak_Synchronize()
        if status != 0:
            raise RenderError(f"espeak-ng could not speak the text (error {status})")
        return b"".join(self.samples)


_engine: _Engine | None = None


def voice_for(language: str) -> str:
    """The espeak-ng voice for a language code (English when unknown)."""
    return VOICES.get(language, VOICES.get(language.split("-")[0].lower(), "en"))


def synthesize(text: str, language: str, out_path: str) -> float:
    """Speak `text` in `language` ("en", "zh-CN") into a WAV file; returns its duration in s."""
    global _engine
    if not text.strip():
        raise RenderError("there is no text to speak")
    with _lock:
        if _engine is None:
            _engine = _Engine()
        pcm = _engine.speak(text, voice_for(language))
        rate = _engine.rate
    with wave.open(out_path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return len(pcm) / 2 / rate
