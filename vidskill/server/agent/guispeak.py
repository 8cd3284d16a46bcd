"""The hosted backend's habit of talking as if the user had a GUI, for the quirk switch."""

from __future__ import annotations

import random

from vidskill.server.agent.replies import is_zh

# Each line names a GUI action the runtime's translator must turn back into an API call.
GUI_LINES: dict[str, tuple[str, ...]] = {
    "en": (
        "Click the Export button to render your video.",
        "You can drag clips on the timeline to reorder them.",
        "Open the editor to check the result, then click Export.",
        "Preview in timeline to see the changes.",
        "Click the Export button when you are happy with it.",
    ),
    "zh": (
        "点击导出按钮即可渲染视频。",
        "拖拽素材到时间轴即可调整顺序。",
        "打开编辑器查看效果，然后点击导出。",
        "在时间轴预览即可查看修改。",
        "满意的话，点击导出按钮就行。",
    ),
}


def gui_speak(reply: str, language: str, rng: random.Random) -> str:
    """The reply with a GUI instruction added, chosen by `rng` (same state, same result)."""
    lines = GUI_LINES["zh" if is_zh(language) else "en"]
    line = lines[rng.randrange(len(lines))]
    if not reply.strip():
        return line
    glue = "" if is_zh(language) else " "
    return f"{reply.rstrip()}{glue}{line}"
