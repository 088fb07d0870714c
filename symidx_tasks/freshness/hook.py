"""The agent hook: does this tool call call for a rebuild?

An agent (Claude Code's PostToolUse hook) pipes one JSON object per tool call
into ``symidx rebuild --stdin``::

    {"tool_name": "Edit", "tool_input": {"file_path": "/repo/src/a.py", ...}, "cwd": "/repo", ...}

File tools (Edit, Write, MultiEdit, NotebookEdit, or any tool whose input
names ``file_path`` / ``notebook_path``) rebuild when the file matters to the
index (paths.py); Bash rebuilds unless its command is read-only; known
read-only tools (Read, Grep, Glob, ...) never rebuild; anything else does.
"""
from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

# Tools that only read: never a reason to rebuild.
READ_TOOLS = frozenset({
    "Read", "Glob", "Grep", "LS", "WebFetch", "WebSearch", "TodoWrite", "TodoRead", "Task", "NotebookRead",
    "BashOutput", "KillShell", "ExitPlanMode",
})

# Commands that do not write files (as long as their output is not redirected
# into one; see _writes). A command not listed here counts as writing.
READ_ONLY_COMMANDS = frozenset({
    "ls", "ll", "cat", "bat", "head", "tail", "less", "more", "grep", "egrep", "fgrep", "rg", "ag", "ack",
    "find", "fd", "fdfind", "wc", "pwd", "echo", "printf", "cd", "pushd", "popd", "which", "type", "command",
    "file", "stat", "du", "df", "tree", "diff", "cmp", "true", "false", "test", "[", "date", "whoami", "id",
    "uname", "hostname", "basename", "dirname", "realpath", "readlink", "jq", "cut", "tr", "nl", "column",
    "sort", "uniq", "sleep", "env", "printenv", "md5sum", "sha1sum", "sha256sum", "xxd", "hexdump", "od",
    "strings", "awk", "sed",
})
# Options that make a listed command write or run other commands.
WRITING_OPTIONS = {
    "find": ("-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls"),
    "fd": ("-x", "-X", "--exec", "--exec-batch"),
    "fdfind": ("-x", "-X", "--exec", "--exec-batch"),
    "sed": ("-i", "--in-place"),
    "sort": ("-o", "--output"),
}
# env runs its argument; awk can write files and run commands from its program.
RUNS_OTHERS = frozenset({"env", "command", "awk"})
GIT_READ_ONLY = frozenset({
    "status", "log", "diff", "show", "blame", "grep", "ls-files", "ls-tree", "rev-parse", "rev-list",
    "describe", "shortlog", "cat-file", "reflog", "whatchanged", "annotate", "show-ref", "for-each-ref",
    "count-objects", "merge-base", "name-rev", "var", "help", "version",
})
GIT_OPTIONS_WITH_VALUE = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
SEPARATORS = frozenset({"|", "||", "&&", ";", "&", "|&", ";;", "(", ")"})
HARMLESS_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})


class HookInputError(ValueError):
    """The hook's stdin is not a PostToolUse JSON object."""


@dataclass(frozen=True)
class ToolCall:
    tool: str
    paths: tuple[str, ...]  # absolute when cwd was known
    command: str | None
    cwd: str | None


def parse_hook_input(text: str) -> ToolCall:
    """The tool call an agent's post-tool-use JSON describes."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise HookInputError(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise HookInputError("expected a JSON object")
    tool = data.get("tool_name")
    tool_input = data.get("tool_input") or {}
    cwd = data.get("cwd")
    if not isinstance(tool, str) or not isinstance(tool_input, dict) or not isinstance(cwd, (str, type(None))):
        raise HookInputError("expected tool_name (string), tool_input (object) and cwd (string)")
    paths = []
    for key in ("file_path", "notebook_path"):
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            paths.append(str(Path(cwd) / value) if cwd and not Path(value).is_absolute() else value)
    command = tool_input.get("command")
    return ToolCall(tool, tuple(paths), command if isinstance(command, str) else None, cwd)


def is_read_only(command: str) -> bool:
    """Whether a shell command cannot change files: every part of every
    pipeline / list is a read-only command, nothing is redirected into a file,
    and nothing is substituted (``$(...)``, backticks) or evaluated."""
    if "`" in command or "$(" in command or "<(" in command or ">(" in command:
        return False
    for line in command.splitlines():
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
        except ValueError:  # unbalanced quotes: cannot tell, so it may write
            return False
        if not _tokens_read_only(tokens):
            return False
    return True


def _tokens_read_only(tokens: list[str]) -> bool:
    words: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in SEPARATORS:
            if words and not _simple_read_only(words):
                return False
            words = []
        elif set(token) <= set("<>&|;()") and ">" in token:
            target = tokens[i + 1] if i + 1 < len(tokens) else ""
            # 2>&1 (a descriptor) and > /dev/null write no file.
            if not (token.endswith("&") and target.isdigit()) and target not in HARMLESS_TARGETS:
                return False
            if words and words[-1].isdigit():  # the "2" of "2>"
                words.pop()
            i += 1
        elif set(token) <= set("<"):
            i += 1  # input redirection: skip its source
        else:
            words.append(token)
        i += 1
    return not words or _simple_read_only(words)


def _simple_read_only(words: list[str]) -> bool:
    while words and "=" in words[0] and not words[0].startswith("="):  # FOO=bar cmd
        words = words[1:]
    if not words:
        return True  # a bare assignment changes no file
    name = words[0].rpartition("/")[2]
    if name == "git":
        return _git_read_only(words[1:])
    if name not in READ_ONLY_COMMANDS:
        return False
    if name in RUNS_OTHERS and len(words) > 1:
        return name == "command" and words[1] in ("-v", "-V")
    return not any(_is_option(w, opt) for w in words[1:] for opt in WRITING_OPTIONS.get(name, ()))


def _is_option(word: str, option: str) -> bool:
    """``word`` sets ``option``: itself, ``--opt=value``, or a short option in a
    cluster (``-ni`` sets ``-i``; ``-i.bak`` too)."""
    if word == option or word.startswith(option + "="):
        return True
    short = len(option) == 2 and option[0] == "-" and option[1] != "-"
    return short and word.startswith("-") and not word.startswith("--") and option[1] in word[1:]


def _git_read_only(args: list[str]) -> bool:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in GIT_OPTIONS_WITH_VALUE else 1
    if i >= len(args):
        return True  # `git --version`, `git -C x`
    sub = args[i]
    if sub == "diff" and any(a.startswith("--output") for a in args[i + 1:]):
        return False
    return sub in GIT_READ_ONLY


def needs_rebuild(call: ToolCall) -> tuple[bool, str]:
    """(whether the call may have changed what the index holds, why), before
    looking at the paths: the caller filters ``call.paths`` with paths.py."""
    if call.tool in READ_TOOLS:
        return False, f"{call.tool} only reads"
    if call.paths:
        return True, f"{call.tool} changed {', '.join(call.paths)}"
    if call.command is not None:
        if is_read_only(call.command):
            return False, "read-only command"
        return True, f"command: {_short(call.command)}"
    return True, f"{call.tool} may have changed files"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
