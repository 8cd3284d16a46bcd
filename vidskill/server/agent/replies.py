"""What the agent says, in English and Chinese: one phrase book and the joins between phrases.

No phrase tells the user to press, drag or open anything: the runtime acts, the user does not.
"""

from __future__ import annotations

from collections.abc import Sequence

# key -> (English, Chinese); `{name}` fields are filled by `say`.
PHRASES: dict[str, tuple[str, str]] = {
    "wf.product": ("product showcase", "产品展示视频"),
    "wf.slideshow": ("slideshow", "幻灯片视频"),
    "wf.promo": ("promotional video", "宣传视频"),
    "wf.animated": ("animated video", "动态照片视频"),
    "wf.script": ("video from your script", "脚本视频"),
    "title.product": ("Product showcase", "产品展示"),
    "title.slideshow": ("Slideshow", "幻灯片"),
    "title.promo": ("Special offer", "限时特惠"),
    "title.animated": ("Animated photos", "动态照片"),
    "title.script": ("Script video", "脚本视频"),
    "created": (
        "Created {article} {duration} {workflow}: {parts}.",
        "已生成{duration}的{workflow}：{parts}。",
    ),
    "part.photos": ("{n} photos", "{n}张照片"),
    "part.photo": ("1 photo", "1张照片"),
    "part.clips": ("{n} video clips", "{n}段视频"),
    "part.motion": ("Ken Burns motion", "推拉摇移动效"),
    "part.smooth": ("smooth slow zoom and pan", "平滑的缓慢推拉"),
    "part.gentle": ("a gentle zoom", "轻柔的缓慢推近"),
    "part.crossfades": ("crossfades", "叠化转场"),
    "part.logo": ("a logo end card", "Logo片尾"),
    "part.music": ("{mood} music at {volume}%", "{volume}%音量的{mood}背景音乐"),
    "part.own_music": ("your track “{name}” as music", "用“{name}”做背景音乐"),
    "part.voice_asset": ("your audio “{name}” as the voiceover", "“{name}”作为配音"),
    "part.voice_cut": (
        "your audio “{name}” as the voiceover, cut to {duration}",
        "“{name}”作为配音（已剪到{duration}）",
    ),
    "part.title": ("the title “{text}”", "标题“{text}”"),
    "part.captions": ("captions", "字幕"),
    "part.scenes": ("{n} scenes with caption cards", "{n}个带字幕卡的场景"),
    "part.voice": ("a spoken voiceover ({tongue})", "语音配音（{tongue}）"),
    "part.pictures": ("your pictures", "你的图片"),
    "part.colors": ("colour cards", "彩色背景"),
    "lang.en": ("English", "英语"),
    "lang.zh": ("Mandarin", "普通话"),
    "mood.upbeat": ("upbeat", "欢快"),
    "mood.calm": ("calm", "舒缓"),
    "mood.corporate": ("corporate", "商务风"),
    "mood.cinematic": ("cinematic", "大气"),
    "mood.lofi": ("lo-fi", "Lo-fi"),
    "done": ("Done: {changes}.", "好的，{changes}。"),
    "also": ("Also: {changes}.", "另外，{changes}。"),
    "duration": ("set the length to {duration}", "时长改为{duration}"),
    "duration_voice": (
        "set the length to {duration}, as short as the voiceover allows",
        "时长改为{duration}（配音至少需要这么长）",
    ),
    "aspect.9:16": ("switched to vertical 9:16", "改成了竖屏9:16"),
    "aspect.1:1": ("switched to square 1:1", "改成了方形1:1"),
    "aspect.16:9": ("switched to landscape 16:9", "改成了横屏16:9"),
    "music_added": (
        "added {mood} background music at {volume}%",
        "加了{volume}%音量的{mood}背景音乐",
    ),
    "music_mood": ("switched to {mood} music", "音乐换成了{mood}风格"),
    "music_removed": ("removed the background music", "去掉了背景音乐"),
    "music_volume": ("set the music volume to {volume}%", "音乐音量调到了{volume}%"),
    "title_set": ("set the title to “{text}”", "标题改为“{text}”"),
    "title_removed": ("removed the title", "去掉了标题"),
    "caption_added": ("added the caption “{text}”", "加了字幕“{text}”"),
    "captions_added": ("added captions", "加了字幕"),
    "captions_removed": ("removed the captions", "去掉了字幕"),
    "transition.none": ("removed the transitions", "去掉了转场"),
    "transition.crossfade": ("switched the transitions to crossfades", "转场改为淡入淡出（叠化）"),
    "transition.fade_black": (
        "switched the transitions to fades through black",
        "转场改为黑场过渡",
    ),
    "transition.slide_left": ("switched the transitions to slides", "转场改为滑动"),
    "transition.wipe_left": ("switched the transitions to wipes", "转场改为擦除"),
    "motion.none": ("turned off the zoom and pan", "关掉了缩放和平移动效"),
    "motion.dynamic": ("added Ken Burns zoom and pan", "加了推拉摇移动效"),
    "motion.gentle": ("set a slow, gentle zoom", "改为缓慢轻柔的缩放"),
    "motion.zoom_in": ("set every picture to zoom in", "所有画面改为推近"),
    "motion.zoom_out": ("set every picture to zoom out", "所有画面改为拉远"),
    "motion.pan": ("set the pictures to pan", "画面改为平移"),
    "moved": ("moved photo {a} to position {b}", "把第{a}张移到了第{b}位"),
    "swapped": ("swapped photos {a} and {b}", "交换了第{a}张和第{b}张"),
    "reversed": ("reversed the photo order", "倒转了照片顺序"),
    "removed_item": ("removed photo {a}", "删除了第{a}张"),
    "logo_corner": ("put the logo in the {corner}", "把Logo放在了{corner}"),
    "logo_end": ("made the logo the end card", "把Logo做成了片尾"),
    "logo_removed": ("removed the logo", "去掉了Logo"),
    "corner.top_left": ("top left corner", "左上角"),
    "corner.top_right": ("top right corner", "右上角"),
    "corner.bottom_left": ("bottom left corner", "左下角"),
    "corner.bottom_right": ("bottom right corner", "右下角"),
    "corner.center": ("centre", "画面中央"),
    "voice_removed": ("removed the voiceover", "去掉了配音"),
    "unchanged": (
        "Nothing needed changing: the video already looks like that.",
        "不用改，视频已经是这样了。",
    ),
    "no_draft": (
        "There is no video yet. Upload your photos and ask me to create one, for "
        "example “turn my photos into a slideshow with music”.",
        "还没有视频。先上传照片，再让我制作，比如“把我的照片做成带音乐的幻灯片”。",
    ),
    "need_media": (
        "I need your photos first: upload some images (jpg, png, webp) or clips "
        "(mp4, mov), then ask again.",
        "请先上传照片（jpg、png、webp）或视频片段（mp4、mov），然后再告诉我。",
    ),
    "need_script": (
        "Send the script after a colon, for example “generate a 60-second video from "
        "my script: …”, or upload it as a .txt or .docx file.",
        "请在冒号后附上脚本，例如“根据我的脚本生成60秒的视频：……”，或上传 .txt / .docx 文件。",
    ),
    "no_logo": (
        "I couldn't find a logo. Upload it with “logo” in the file name and ask again.",
        "没找到Logo，请上传文件名含“logo”的图片后再试。",
    ),
    "no_music": ("There is no background music to change.", "视频里还没有背景音乐。"),
    "no_pictures": ("The video has no photos to rearrange.", "视频里没有可调整顺序的照片。"),
    "bad_index": (
        "There are {n} photos, so there is no photo {i}.",
        "一共{n}张照片，没有第{i}张。",
    ),
    "keep_one": (
        "A video needs at least one picture, so I kept it.",
        "视频至少要有一个画面，所以保留了它。",
    ),
    "bad_duration": (
        "A video can be 1 second to 10 minutes long.",
        "视频时长需在1秒到10分钟之间。",
    ),
    "duration_kept": (
        "The length stays at {duration}, as short as the voiceover allows.",
        "时长保持{duration}，配音至少需要这么长。",
    ),
    "duration_floor": (
        "The voiceover needs {duration}, so the video runs {duration}.",
        "配音需要{duration}，所以视频时长为{duration}。",
    ),
    "voice_failed": (
        "I couldn't generate the voiceover, so the scenes are timed for reading.",
        "配音生成失败，场景按阅读时间排布。",
    ),
    "help": (
        "I can make a video from your uploads (a product showcase, a slideshow, a promo "
        "with your audio, an animated clip, or a video from your script with voiceover) and "
        "then change its length, aspect ratio (16:9, 9:16, 1:1), music, title and captions, "
        "transitions, motion, photo order and logo. Try “make it 15 seconds” or “add "
        "background music”.",
        "我可以用你上传的素材做视频（产品展示、幻灯片、配音宣传片、动态照片视频，或根据脚本"
        "生成带配音的视频），还能修改时长、画面比例（16:9、9:16、1:1）、音乐、标题和字幕、"
        "转场、动效、照片顺序和Logo。试试“时长改成15秒”或“加背景音乐”。",
    ),
    "greeting": ("Hello! I'm your video assistant.", "你好！我是你的视频助手。"),
    "uploads_in": (
        "All your uploads are already in the video.",
        "你上传的素材都已经在视频里了。",
    ),
    "uploads_added": ("added {n} more of your uploads at the end", "在末尾加入了另外{n}个素材"),
    "unknown": ("Sorry, I didn't understand that.", "抱歉，我没听懂。"),
}


def sentences(items: Sequence[str], language: str) -> str:
    """Whole sentences one after another (Chinese needs no space between them)."""
    return ("" if is_zh(language) else " ").join(item for item in items if item)


def is_zh(language: str) -> bool:
    """True when the session speaks Chinese."""
    return language.strip().lower().startswith("zh")


def say(key: str, language: str, **fields: object) -> str:
    """The phrase `key` in the session language with its fields filled in."""
    english, chinese = PHRASES[key]
    return (chinese if is_zh(language) else english).format(**fields)


def created(ms: int, workflow: str, parts: Sequence[str], language: str) -> str:
    """The sentence that sums up a new video."""
    whole = ms // 1000
    article = "an" if str(whole).startswith("8") or whole in (11, 18) else "a"
    return say(
        "created",
        language,
        article=article,
        duration=duration(ms, language, adjective=True),
        workflow=say(f"wf.{workflow}", language),
        parts=join(parts, language),
    )


def join(items: Sequence[str], language: str) -> str:
    """A list read aloud: "a, b and c" or "a、b和c"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if is_zh(language):
        return "、".join(items[:-1]) + "和" + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def changes(items: Sequence[str], language: str) -> str:
    """Several changes as one clause list: "a; b" or "a；b"."""
    return ("；" if is_zh(language) else "; ").join(items)


def duration(ms: int, language: str, *, adjective: bool = False) -> str:
    """A duration to read: "15 s", "15-second", "15秒", "1.5 min"."""
    secs = ms / 1000
    text = f"{secs:.1f}".rstrip("0").rstrip(".")
    if is_zh(language):
        return f"{text}秒"
    return f"{text}-second" if adjective else f"{text} s"
