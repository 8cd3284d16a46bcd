"""The phrases the timeline speaks, in English and Chinese (zh-CN).

`SUMMARY_*` serve the summary and the drawing, `CHANGES_*` the change list. Keys are the same in
both languages of a pair; `words(lang)` and `change_words(lang)` pick the table for a code.
"""

from __future__ import annotations

SUMMARY_EN = {
    "summary": "{header} {items}",
    "header": "Timeline ({count} {noun}):",
    "track": "track",
    "tracks": "tracks",
    "none": "empty",
    "item": "{label}: {content} {range}",
    "item_empty": "{label}: empty",
    "range": "({start}-{end}s)",
    "range_volume": "({start}-{end}s, {volume}%)",
    "seconds": "{value}s",
    "sep": ", ",
    "more": "{items} +{rest} more",
    "quote": '"{}"',
    "untitled": "untitled",
    "color": "colour",
    "video": "Video",
    "overlay": "Overlay",
    "logo_overlay": "Logo overlay",
    "bgm": "BGM",
    "voiceover": "Voiceover",
    "audio": "Audio",
    "title": "Title",
    "captions": "Captions",
    "lower_third": "Lower third",
    "text": "Text",
    "unknown": "Track",
    "unknown_tt": "Track (type {tt})",
}

SUMMARY_ZH = {
    "summary": "{header}{items}",
    "header": "时间轴（{count} 条{noun}）：",
    "track": "轨道",
    "tracks": "轨道",
    "none": "空",
    "item": "{label}：{content}{range}",
    "item_empty": "{label}：空",
    "range": "（{start}-{end}秒）",
    "range_volume": "（{start}-{end}秒，{volume}%）",
    "seconds": "{value}秒",
    "sep": "、",
    "more": "{items} 等 {total} 项",
    "quote": "“{}”",
    "untitled": "未命名",
    "color": "纯色",
    "video": "视频",
    "overlay": "叠加层",
    "logo_overlay": "Logo 叠加层",
    "bgm": "背景音乐",
    "voiceover": "配音",
    "audio": "音频",
    "title": "标题",
    "captions": "字幕",
    "lower_third": "人名条",
    "text": "文字",
    "unknown": "轨道",
    "unknown_tt": "轨道（类型 {tt}）",
}

CHANGES_EN = {
    "created": "New timeline with no tracks yet",
    "added_track": "Added track: {what}",
    "removed_track": "Removed track: {what}",
    "duration": "Duration: {old} → {new}",
    "canvas": "Canvas: {old} → {new}",
    "title": "Project title: {old} → {new}",
    "volume": "{label} volume: {old} → {new}",
    "text": "{label} text: {old} → {new}",
    "music": "Music: {old} → {new}",
    "source": "{label}: {old} → {new}",
    "reordered": "{label}: order changed: {old} → {new}",
    "added": "{label}: added {what} ({range})",
    "removed": "{label}: removed {what} ({range})",
    "moved": "{label}: {what} now {new} (was {old})",
    "retimed": "{label}: timing of {count} segments changed",
    "field": "{label}: {what} {field}: {old} → {new}",
    "fields": "{label}: {field}: {old} → {new} ({count} segments)",
    "range": "{start}-{end}s",
    "numbered": "{label} {number}",
    "track_number": "{label} (track {number})",
    "unknown": "unknown",
    "default": "default",
    "motion": "motion",
    "transition": "transition",
    "position": "position",
}

CHANGES_ZH = {
    "created": "新建时间轴，暂无轨道",
    "added_track": "新增轨道：{what}",
    "removed_track": "删除轨道：{what}",
    "duration": "时长：{old} → {new}",
    "canvas": "画布：{old} → {new}",
    "title": "项目标题：{old} → {new}",
    "volume": "{label}音量：{old} → {new}",
    "text": "{label}文字：{old} → {new}",
    "music": "音乐：{old} → {new}",
    "source": "{label}：{old} → {new}",
    "reordered": "{label}：顺序调整：{old} → {new}",
    "added": "{label}：新增 {what}（{range}）",
    "removed": "{label}：删除 {what}（{range}）",
    "moved": "{label}：{what} 改为 {new}（原为 {old}）",
    "retimed": "{label}：{count} 个片段的时间已调整",
    "field": "{label}：{what} 的{field}：{old} → {new}",
    "fields": "{label}：{field}：{old} → {new}（{count} 个片段）",
    "range": "{start}-{end}秒",
    "numbered": "{label}（第 {number} 段）",
    "track_number": "{label}（轨道 {number}）",
    "unknown": "未知",
    "default": "默认",
    "motion": "运动效果",
    "transition": "转场",
    "position": "位置",
}


def is_chinese(lang: str) -> bool:
    """True for a Chinese language code ("zh", "zh-CN", "zh-TW", ...)."""
    return lang.lower().startswith("zh")


def words(lang: str) -> dict[str, str]:
    """The summary phrases for a language code (Chinese for "zh…", else English)."""
    return SUMMARY_ZH if is_chinese(lang) else SUMMARY_EN


def change_words(lang: str) -> dict[str, str]:
    """The change-list phrases for a language code (Chinese for "zh…", else English)."""
    return CHANGES_ZH if is_chinese(lang) else CHANGES_EN
