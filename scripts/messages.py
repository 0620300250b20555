"""Update and compile ServiceHall's translations (``make messages``).

1. Extract: run ``servicehall makemessages -l zh_Hans -l zh_Hant -l en --no-obsolete`` from inside
   ``src/servicehall``, so every ``locale/<lang>/LC_MESSAGES/django.po`` under ``LOCALE_PATHS`` gains the
   new msgids and loses the ones no longer used. This step needs GNU gettext (``xgettext``, ``msgmerge``).
   There are no translatable JavaScript strings yet; add ``-d djangojs`` here when there are.
2. Compile: turn every ``.po`` under ``src/servicehall/locale`` into its ``.mo`` with ``polib``, so a machine
   without GNU gettext can still compile (``--compile-only`` skips step 1). Like ``msgfmt``, fuzzy and
   untranslated entries are left out of the ``.mo``.

Afterwards it prints, per file, how many entries are translated, untranslated and fuzzy. With ``--check``
it exits non-zero when a Chinese catalogue has an untranslated or fuzzy entry.

Usage: ``python scripts/messages.py [--compile-only] [--check]``
"""

import argparse
import os
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "src" / "servicehall"
LOCALE_DIR = PACKAGE_DIR / "locale"
LOCALES = ["zh_Hans", "zh_Hant", "en"]
# Catalogues that must be complete: English msgids are already English, so ``en`` may stay empty.
MUST_BE_COMPLETE = {"zh_Hans", "zh_Hant"}


def make_messages() -> None:
    """Run ``servicehall makemessages`` (the same Django command, in this process) from the package dir."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
    import django
    from django.core.management import call_command

    django.setup()
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    previous = Path.cwd()
    os.chdir(PACKAGE_DIR)
    try:
        call_command("makemessages", locale=LOCALES, no_obsolete=True, verbosity=1)
    finally:
        os.chdir(previous)


def compile_messages() -> list[str]:
    """Compile every .po to .mo next to it; return the problems found in catalogues that must be complete."""
    problems = []
    po_paths = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    if not po_paths:
        sys.exit(f"No .po files under {LOCALE_DIR}; run without --compile-only first.")
    for po_path in po_paths:
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        live = [e for e in catalogue if not e.obsolete]
        untranslated = [e for e in live if not e.translated() and "fuzzy" not in e.flags]
        fuzzy = [e for e in live if "fuzzy" in e.flags]
        locale = po_path.parent.parent.name
        print(
            f"{po_path.relative_to(ROOT)}: {len(live)} entries, {len(live) - len(untranslated) - len(fuzzy)} "
            f"translated, {len(untranslated)} untranslated, {len(fuzzy)} fuzzy"
        )
        if locale in MUST_BE_COMPLETE:
            problems += [f"{locale}: untranslated: {e.msgid!r}" for e in untranslated]
            problems += [f"{locale}: fuzzy: {e.msgid!r}" for e in fuzzy]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--compile-only",
        action="store_true",
        help="skip makemessages (no GNU gettext needed); only compile .po to .mo",
    )
    parser.add_argument(
        "--check", action="store_true", help="fail if a Chinese catalogue has untranslated or fuzzy entries"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if not args.compile_only:
        from servicehall.env import ConfigurationError

        try:
            make_messages()
        except ConfigurationError as exc:
            sys.exit(f"messages: configuration error: {exc}")
    problems = compile_messages()
    if problems and args.check:
        for problem in problems:
            print(problem, file=sys.stderr)
        sys.exit(f"{len(problems)} Chinese entries need translating (listed above).")
    if problems:
        print(
            f"warning: {len(problems)} Chinese entries need translating; --check lists them.", file=sys.stderr
        )


if __name__ == "__main__":
    main()
