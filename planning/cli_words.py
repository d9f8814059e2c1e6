"""The command line in its reader's language: help, usage and argparse's own sentences.

The parser is built with English help (for the code's readers); :func:`localized`
swaps every help text for the catalogue's words (``cli.help.<command>.<option>`` in
``planning/core/i18n.csv``) and :func:`argparse_words` makes argparse's own sentences
("usage:", "the following arguments are required", "invalid choice") speak the same
language while a parser is built and used. Chinese unless ``--lang en`` is on the
command line or ``PLANNING_LANG=en``.

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser(prog="demo")
>>> _ = p.add_argument("--lang")
>>> help_key("", "lang"), help_key("office add-user", "units")
('cli.help.lang', 'cli.help.office.add-user.units')
>>> asked_lang(["gaps", "x", "--lang", "en"]), asked_lang(["--lang=zh"]), asked_lang([])
('en', 'zh', None)
"""
from __future__ import annotations

import argparse
import contextlib

from .core.i18n import TEXT, default_lang, t

__all__ = ["ARGPARSE_KEYS", "argparse_words", "asked_lang", "help_key", "localized", "parser_lang"]

#: argparse's sentences (its message ids) → the catalogue's key for them.
ARGPARSE_KEYS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "the following arguments are required: %s": "cli.argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "expected one argument": "cli.argparse.expected_one",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "not allowed with argument %s": "cli.argparse.not_allowed",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "expected at least one argument": "cli.argparse.expected_some",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
}


def asked_lang(argv) -> str | None:
    """The language ``--lang`` asks for on a command line (before it is parsed), or None."""
    argv = list(argv or [])
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in ("zh", "en"):
            return arg[7:]
    return None


def parser_lang(argv) -> str:
    """The language the command line speaks: ``--lang`` if given, else ``PLANNING_LANG``, else Chinese."""
    return asked_lang(argv) or default_lang()


def _words(lang: str):
    def translate(message: str) -> str:
        key = ARGPARSE_KEYS.get(message)
        return TEXT[key][lang] if key in TEXT else message
    return translate


@contextlib.contextmanager
def argparse_words(lang: str):
    """While inside, argparse's own sentences are in ``lang`` (argparse looks them up when used)."""
    saved = argparse._
    argparse._ = _words(lang)
    try:
        yield
    finally:
        argparse._ = saved


def help_key(command: str, dest: str) -> str:
    """The catalogue key for an option's help: ``cli.help.[<command words>.]<dest>``."""
    return ".".join(["cli.help", *command.split(), dest])


def localized(parser: argparse.ArgumentParser, lang: str, command: str = "") -> argparse.ArgumentParser:
    """``parser`` with every help and description in ``lang``, where the catalogue has the words.

    A command's description is ``cli.help.<command>`` (the same words as its line in the
    parent's list); an option's help ``cli.help.<command>.<dest>``; the top parser's
    description ``cli.help.description``; an option many commands share (a workbook's
    path) ``cli.help.any.<dest>``.
    """
    desc_key = help_key(command, "description") if not command else "cli.help." + ".".join(command.split())
    if desc_key in TEXT:
        parser.description = t(desc_key, lang)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                key = help_key(command, choice.dest)
                if key in TEXT:
                    choice.help = t(key, lang)
            for name, sub in action.choices.items():
                localized(sub, lang, f"{command} {name}".strip())
            action.help = t("cli.help.commands", lang) if "cli.help.commands" in TEXT else action.help
            continue
        if action.help == argparse.SUPPRESS or action.dest == "help":
            continue
        for key in (help_key(command, action.dest), help_key("any", action.dest)):
            if key in TEXT:
                action.help = t(key, lang)
                break
    return parser
