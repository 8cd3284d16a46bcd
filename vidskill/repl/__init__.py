"""The chat REPL (`vidskill chat`): a prompt_toolkit front end to the conversation engine.

`app` holds the loop, `readers` where lines come from, `keys` the key bindings, `completer`
slash-command and path completion, `toolbar` the bottom toolbar, `view` how outputs are shown,
and `words` the chat's own words in English and Chinese.
"""
