"""What the runtime itself says to a user, in English and Chinese (zh-CN).

The catalog is data: one dict per language, the same keys in each, `str.format` fields named
alike. `text(key, lang, **fmt)` picks the language ("zh", "zh-CN", "zh-TW"... read Chinese;
anything else English) and falls back to English for a key a language lacks.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # connecting and sessions
    "connecting": "Connecting...",
    "ready": "Ready.",
    "resumed": "Continuing your last project.",
    "session_lost": "The backend no longer has your previous project, so a new one starts: "
    "the timeline starts fresh.",
    "new_session": "Started over: the next thing you send opens a new project.",
    "pending_offer": "An export was left unfinished. Type /export resume (or run "
    "`vidskill export --resume`) to download it.",
    # chat turns
    "still_working": "⏳ Still working...",
    "tool_running": "Working: {name}",
    "sending_edit": "Making the change for you: {edit}",
    "export_held": "Not exporting yet, as you asked. Say 'export' when you are ready.",
    "upload_hint": "To add files, send their paths (or drag them into the terminal), or use "
    "/upload PATH.",
    "silent_changes": "Done. What changed:\n{changes}",
    "silent_nothing": "The agent finished without a reply, and the timeline did not change.",
    "stream_dropped": "The connection dropped during the reply. Your message was not sent "
    "again; checking the project instead.",
    "recovery_wait": "Checking the project in {seconds} s...",
    "recovered_changes": "The agent's work arrived. What changed:\n{changes}",
    "recovery_nothing": "No change after {reads} checks. Your message was not sent again; "
    "check later with 'state'.",
    "timeout_changes": "What changed so far:\n{changes}",
    "timeout_nothing": "Nothing has changed on the timeline so far.",
    "draft_changed": "The draft changed.",
    # reads
    "credits": "Credits: {available} available, {frozen} on hold, {total} in all.",
    "no_project": "No project yet: upload files or say what video you want.",
    "timeline_empty": "The timeline is empty.",
    # uploads
    "uploading": "Uploading {count} file(s)",
    "fetching": "Fetching {count} link(s)...",
    "uploaded": "Uploaded {count} file(s): {names}",
    "upload_nothing": "Nothing to upload: give a file path or an http(s) link, like "
    "/upload ~/photos/shoe.jpg",
    # exports
    "render_submitting": "Starting the export (it costs no credits)...",
    "render_resuming": "Picking up the unfinished export {render}...",
    "rendering": "Rendering",
    "downloading": "Downloading",
    "saved": "Saved {path} ({size} MB, {seconds} s).",
    # slash commands
    "help": "Commands:\n"
    "  /upload PATH...   upload photos, clips, audio or a script\n"
    "  /export [PATH]    render and download the MP4 (/export resume finishes an unfinished one)\n"
    "  /credits          show your credits\n"
    "  /state            show the project: timeline and files\n"
    "  /timeline         draw the timeline\n"
    "  /why              why the last line went where it went\n"
    "  /new              start a new project\n"
    "  /skill [NAME]     show or change the skill\n"
    "  /lang [en|zh]     show or change the language\n"
    "  /quit             leave\n"
    "Try saying:\n{examples}",
    "help_no_examples": "make a 15-second video from my photos",
    "why": "'{text}' went to {kind}: {rule}{where}: {note}",
    "why_none": "Nothing has been routed yet.",
    "lang_now": "Language: {lang}",
    "lang_set": "Language set to {lang}.",
    "lang_unknown": "Unknown language {lang!r}: use en or zh.",
    "skill_now": "Skill: {name}. Available: {names}",
    # the runtime's own refusals
    "refuse_export_empty": "There is nothing to export yet: the timeline has no clips. Upload "
    "files and say what video you want first.",
    "refuse_no_pending": "There is no unfinished export to resume.",
    "refuse_render_pending": "The render is still running. Run `vidskill export --resume` "
    "(or /export resume) in a little while to download it.",
    "refuse_run_failed": "The agent could not finish: {reason}",
    "refuse_skill_switch": "The skill cannot be changed here; start again with --skill NAME.",
    "refuse_unknown_command": "Unknown command /{name}. Type /help for the list.",
    # errors (see vidskill.engine.explain)
    "err_no_credits_anon": "You are out of credits. Register for free to get more: {url}",
    "err_no_credits": "You are out of credits. Top up your credits at {web} to go on.",
    "err_format": "This file type is not supported. Supported formats: {formats}.",
    "err_format_file": "{file} is not a supported file type. Supported formats: {formats}.",
    "err_content": "{file} does not contain what its name says (it looks like {content}). "
    "Supported formats: {formats}.",
    "err_too_large": "The file is too large: the limit is {limit}. Compress it or trim it, "
    "then try again.",
    "err_too_large_file": "{file} is too large: the limit is {limit}. Compress it or trim it, "
    "then try again.",
    "err_plan": "Export is not included in the free plan: register or upgrade your plan to "
    "unlock export ({web}).",
    "err_token": "The backend refused the sign-in token. Try again; if it keeps failing, "
    "delete vidskill's tokens.json to get a new one.",
    "err_token_env": "The backend refused the token in NEMO_TOKEN (bad or expired): check it, "
    "or unset NEMO_TOKEN to use a free anonymous token.",
    "err_rate_limited": "The backend is busy (too many requests). Wait {wait} and try again.",
    "err_render_failed": "The export failed: {detail}",
    "err_session_lost": "The backend no longer has this project; the next step starts a new one.",
    "err_backend": "The backend refused: {detail}",
    "err_turn_timeout": "The agent took too long, so vidskill stopped waiting. Your message was "
    "not sent again; check later with 'state'.",
    "err_network": "Cannot reach the backend at {url}: {reason}.",
    "err_usage": "{detail}",
    "err_skill": "The skill cannot be used: {detail}",
    "err_draft": "The timeline cannot be read: {detail}",
    "err_interrupted": "Interrupted.",
    "err_other": "Something went wrong: {detail}",
    # the chat REPL's own words
    "chat_try_saying": "Try saying:",
    "chat_leave_hint": "Press Ctrl-C again or Ctrl-D to leave.",
    "chat_cancelled": "Stopped. Your message was not sent again; type the next one.",
    "chat_working": "Working... (Ctrl-C to stop)",
    "chat_bye": "Bye.",
    "chat_skill_changed": "Now using {name}.",
    "chat_toolbar_skill": "skill",
    "chat_toolbar_session": "session",
    "chat_toolbar_lang": "language",
    "chat_toolbar_credits": "credits",
    "chat_toolbar_no_session": "new",
}

ZH: dict[str, str] = {
    "connecting": "正在连接...",
    "ready": "已就绪。",
    "resumed": "继续你上次的项目。",
    "session_lost": "后端已没有你之前的项目，已为你新建项目：时间轴从头开始。",
    "new_session": "已重新开始：你发送的下一条内容将开启新项目。",
    "pending_offer": "有一个导出尚未完成。输入 /export resume（或运行 `vidskill export --resume`）"
    "即可下载。",
    "still_working": "⏳ 仍在处理中...",
    "tool_running": "正在处理：{name}",
    "sending_edit": "正在为你修改：{edit}",
    "export_held": "按你的要求，暂不导出。准备好后说“导出”即可。",
    "upload_hint": "要添加文件，请发送文件路径（或把文件拖进终端），也可以用 /upload 路径。",
    "silent_changes": "已完成。变化如下：\n{changes}",
    "silent_nothing": "智能体没有回复，时间轴也没有变化。",
    "stream_dropped": "回复过程中连接断开。你的消息没有重复发送，正在改为检查项目状态。",
    "recovery_wait": "{seconds} 秒后检查项目...",
    "recovered_changes": "智能体的修改已生效。变化如下：\n{changes}",
    "recovery_nothing": "检查了 {reads} 次都没有变化。你的消息没有重复发送，稍后可用“状态”查看。",
    "timeout_changes": "目前的变化：\n{changes}",
    "timeout_nothing": "时间轴目前还没有变化。",
    "draft_changed": "草稿已更改。",
    "credits": "积分：可用 {available}，冻结 {frozen}，共 {total}。",
    "no_project": "还没有项目：先上传文件，或者说说你想要什么视频。",
    "timeline_empty": "时间轴是空的。",
    "uploading": "正在上传 {count} 个文件",
    "fetching": "正在获取 {count} 个链接...",
    "uploaded": "已上传 {count} 个文件：{names}",
    "upload_nothing": "没有可上传的内容：请提供文件路径或 http(s) 链接，"
    "例如 /upload ~/photos/shoe.jpg",
    "render_submitting": "开始导出（导出不消耗积分）...",
    "render_resuming": "继续未完成的导出 {render}...",
    "rendering": "渲染中",
    "downloading": "下载中",
    "saved": "已保存 {path}（{size} MB，{seconds} 秒）。",
    "help": "命令：\n"
    "  /upload 路径...   上传照片、视频、音频或脚本\n"
    "  /export [路径]    渲染并下载 MP4（/export resume 继续未完成的导出）\n"
    "  /credits          查看积分\n"
    "  /state            查看项目：时间轴和文件\n"
    "  /timeline         画出时间轴\n"
    "  /why              上一句为什么这样处理\n"
    "  /new              新建项目\n"
    "  /skill [名称]     查看或切换技能\n"
    "  /lang [en|zh]     查看或切换语言\n"
    "  /quit             退出\n"
    "试着说：\n{examples}",
    "help_no_examples": "用我的照片做一个15秒的视频",
    "why": "“{text}”被处理为 {kind}：{rule}{where}：{note}",
    "why_none": "还没有处理过任何内容。",
    "lang_now": "语言：{lang}",
    "lang_set": "语言已切换为 {lang}。",
    "lang_unknown": "不认识的语言 {lang!r}：请用 en 或 zh。",
    "skill_now": "技能：{name}。可用：{names}",
    "refuse_export_empty": "还没有可导出的内容：时间轴上没有素材。"
    "请先上传文件，并说说你想要什么视频。",
    "refuse_no_pending": "没有未完成的导出可以继续。",
    "refuse_render_pending": "视频仍在渲染。稍后运行 `vidskill export --resume`"
    "（或 /export resume）即可下载。",
    "refuse_run_failed": "智能体未能完成：{reason}",
    "refuse_skill_switch": "这里不能切换技能；请用 --skill 名称 重新开始。",
    "refuse_unknown_command": "未知命令 /{name}。输入 /help 查看命令列表。",
    "err_no_credits_anon": "积分已用完。免费注册即可获得更多积分：{url}",
    "err_no_credits": "积分已用完。请到 {web} 充值积分后继续。",
    "err_format": "不支持这种文件类型。支持的格式：{formats}。",
    "err_format_file": "{file} 的文件类型不受支持。支持的格式：{formats}。",
    "err_content": "{file} 的内容与文件名不符（看起来是 {content}）。支持的格式：{formats}。",
    "err_too_large": "文件太大：上限为 {limit}。请压缩或剪短后再试。",
    "err_too_large_file": "{file} 太大：上限为 {limit}。请压缩或剪短后再试。",
    "err_plan": "免费套餐不包含导出：请注册或升级套餐以解锁导出（{web}）。",
    "err_token": "后端拒绝了登录令牌。请重试；如果一直失败，"
    "删除 vidskill 的 tokens.json 以获取新令牌。",
    "err_token_env": "后端拒绝了 NEMO_TOKEN 中的令牌（无效或已过期）："
    "请检查它，或取消设置 NEMO_TOKEN 以使用免费的匿名令牌。",
    "err_rate_limited": "后端繁忙（请求过多）。请等待{wait}后再试。",
    "err_render_failed": "导出失败：{detail}",
    "err_session_lost": "后端已没有这个项目；下一步会开启新项目。",
    "err_backend": "后端拒绝了请求：{detail}",
    "err_turn_timeout": "智能体处理时间过长，vidskill 已停止等待。"
    "你的消息没有重复发送，稍后可用“状态”查看。",
    "err_network": "无法连接后端 {url}：{reason}。",
    "err_usage": "{detail}",
    "err_skill": "无法使用该技能：{detail}",
    "err_draft": "无法读取时间轴：{detail}",
    "err_interrupted": "已中断。",
    "err_other": "出了点问题：{detail}",
    # the chat REPL's own words
    "chat_try_saying": "可以这样说：",
    "chat_leave_hint": "再按一次 Ctrl-C 或按 Ctrl-D 退出。",
    "chat_cancelled": "已停止。你的消息没有重复发送；请输入下一条。",
    "chat_working": "处理中...（按 Ctrl-C 停止）",
    "chat_bye": "再见。",
    "chat_skill_changed": "已切换到 {name}。",
    "chat_toolbar_skill": "技能",
    "chat_toolbar_session": "会话",
    "chat_toolbar_lang": "语言",
    "chat_toolbar_credits": "积分",
    "chat_toolbar_no_session": "新建",
}

CATALOG: dict[str, dict[str, str]] = {"en": EN, "zh-CN": ZH}


def normalize(lang: str) -> str:
    """A language code as the runtime keeps it: any Chinese is "zh-CN", others as given."""
    code = (lang or "en").strip()
    return "zh-CN" if code.lower().startswith("zh") else (code or "en")


def catalog_language(lang: str) -> str:
    """The catalog a language code reads from: "zh-CN" for Chinese, else "en"."""
    return "zh-CN" if normalize(lang) == "zh-CN" else "en"


def text(key: str, lang: str, /, **fmt: object) -> str:
    """The message `key` in `lang` (English when the language or the key is missing)."""
    table = CATALOG[catalog_language(lang)]
    return table.get(key, EN[key]).format(**fmt)
