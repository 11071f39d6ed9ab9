#!/usr/bin/env python3
"""Fill empty msgstr entries of the zh_Hans catalogue from a JSON file {msgid: translation}.

    python scripts/po_fill.py translations.json   # then `make messages` compiles the .mo

Only single-line msgids are matched as written in the JSON; existing translations are kept.
"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "registry/locale/zh_Hans/LC_MESSAGES/django.po"


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: str) -> int:
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    filled = 0
    for index, block in enumerate(blocks):
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ""$', block, re.M)
        if not match:
            continue
        msgid = "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', match.group(1)))
        if msgid and msgid in translations:
            blocks[index] = block[: match.end() - 2] + po_quote(translations[msgid])
            filled += 1
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    print(f"filled {filled} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
