"""Realistic, varied `.cond` programs for the benchmarks, generated from a seed.

Both benchmarks need inputs that look like what users write (a `source` line, comments, key
declarations with aliases, inline keys, label checks, `between`, threshold groups, `missing`,
`sample`, and/or groups two levels deep) rather than one file copied a thousand times, so that
the compiler's every pass and every schema branch is exercised. Everything is deterministic for
a given seed, so two runs measure the same work.
"""

from __future__ import annotations

import random

LABELS = (
    "Explicit", "Explicit Nudity", "Exposed Male Genitalia", "Exposed Female Genitalia",
    "Explicit Sexual Activity", "Non-Explicit Nudity", "Bare Back", "Implied Nudity",
    "Kissing on the Lips", "Swimwear or Underwear", "Female Swimwear or Underwear",
    "Male Swimwear or Underwear", "Violence", "Weapons", "Graphic Violence", "Weapon Violence",
    "Physical Violence", "Self-Harm", "Blood & Gore", "Explosions and Blasts",
    "Visually Disturbing", "Emaciated Bodies", "Corpses", "Air Crash", "Drugs & Tobacco",
    "Pills", "Smoking", "Alcohol", "Drinking", "Alcoholic Beverages", "Rude Gestures",
    "Middle Finger", "Gambling", "Hate Symbols", "Extremist",
)  # fmt: skip
"""Model-7 names from the reference taxonomy (a2icond's lint would flag 6.1 names)."""

FORM_KEYS = (
    ("employee", "Employee Name", ("Name", "EmployeeName", "Employee")),
    ("pay_date", "Pay Date", ("PayDate", "DateOfPay", "pay-date")),
    ("total", "Total:", ("Total", "Total Due:", "Amount Due")),
    ("policy", "Policy Number:", ("Policy No.", "Policy #")),
    ("dob", "Date of Birth", ("DOB", "Birth Date")),
    ("ssn", "Social Security Number", ("SSN", "SSN:")),
    ("invoice", "Invoice Number", ("Invoice No", "Invoice #", "INV")),
    ("iban", "IBAN", ("Account Number", "Account No.")),
    ("address", "Address:", ("Street Address", "Mailing Address")),
    ("tax_id", "Tax ID", ("TIN", "EIN", "Employer ID")),
    ("gross", "Gross Pay", ("Gross", "Gross Earnings")),
    ("net", "Net Pay", ("Net", "Net Amount")),
    ("claim", "Claim Number", ("Claim #", "Claim No.")),
    ("vendor", "Vendor", ("Supplier", "Vendor Name")),
    ("due", "Due Date", ("Payment Due", "Due")),
    ("signature", "Signature", ("Signed", "Authorised Signature")),
)

COMMENTS = (
    "# reviewed by the payroll team",
    "# thresholds from the last quarter's audit",
    "# keep in sync with the QA dashboard",
    "# low confidence: send to a human",
    "# audit a slice of everything",
    "# see the runbook for escalation",
)


def _conf(rng: random.Random, low: int = 20, high: int = 95) -> str:
    if rng.random() < 0.2:
        return f"{rng.randint(low, high - 1)}.{rng.choice((5, 25, 75))}"
    return str(rng.randint(low, high))


def _cmp(rng: random.Random) -> str:
    return rng.choice(("<", "<", "<", "<=", ">", ">="))


def _sample(rng: random.Random) -> str:
    return f"sample {rng.choice(('1', '2', '5', '10', '0.5', '25'))}%"


def _label_atom(rng: random.Random, *, allow_between: bool = True) -> str:
    roll = rng.random()
    name = f'label "{rng.choice(LABELS)}"'
    if roll < 0.35:
        return f"{name} confidence {_cmp(rng)} {_conf(rng)}"
    if roll < 0.55 and allow_between:
        low = rng.randint(30, 70)
        return f"{name} confidence between {low} and {rng.randint(low + 5, 99)}"
    if roll < 0.7:
        return f"{name} (confidence < {rng.randint(5, 30)} or confidence > {rng.randint(90, 99)})"
    if roll < 0.85:
        return f"any label confidence {_cmp(rng)} {_conf(rng)}"
    return f"{name} confidence >= {_conf(rng, 80, 99)}"


def _subject(atom: str) -> str:
    """What a label atom is about: `label "X"` or `any label`."""
    return atom.split(" confidence")[0].split(" (")[0]


def rekognition(rng: random.Random) -> str:
    """A Rekognition program: 4-7 top-level alternatives, some of them and/or groups."""
    lines = []
    if rng.random() < 0.7:
        lines.append(rng.choice(COMMENTS))
    lines += ["source rekognition", ""]
    members: list[str] = []
    for _ in range(rng.randint(4, 7)):
        roll = rng.random()
        if roll < 0.55:
            members.append(_label_atom(rng))
        elif roll < 0.8:
            first = _label_atom(rng)
            second = _label_atom(rng)
            while _subject(second) == _subject(first):  # an And on one label can never hold
                second = _label_atom(rng)
            members.append(f"({first} and {second})")
        elif roll < 0.9:
            inner = f"{_label_atom(rng, allow_between=False)} or any label confidence < 40"
            members.append(f"({_sample(rng)} and ({inner}))")
        else:
            members.append(_sample(rng))
    members = _distinct(members)
    for i, member in enumerate(members):
        comment = f"  {rng.choice(COMMENTS)}" if rng.random() < 0.25 else ""
        lines.append(("   " if i == 0 else "or ") + member + comment)
    return "\n".join(lines) + "\n"


def _key_atom(rng: random.Random, ref: str, *, allow_between: bool = True) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f"{ref} confidence {_cmp(rng)} {_conf(rng)}"
    if roll < 0.5:
        return f"{ref} word confidence < {_conf(rng)}"
    if roll < 0.65:
        return f"{ref} (confidence < {_conf(rng)} or word confidence < {_conf(rng)})"
    if roll < 0.75 and allow_between:
        low = rng.randint(30, 70)
        return f"{ref} confidence between {low} and {rng.randint(low + 5, 99)}"
    if roll < 0.9:
        return f"{ref} missing"
    return f"any key confidence < {_conf(rng)}"


def textract(rng: random.Random) -> str:
    """A Textract program: 2-4 declared keys with aliases, inline keys, groups, missing, sample."""
    lines = []
    if rng.random() < 0.7:
        lines.append(rng.choice(COMMENTS))
    lines += ["source textract", ""]
    declared = rng.sample(FORM_KEYS, rng.randint(2, 4))
    width = max(len(name) for name, _, _ in declared)
    for name, text, aliases in declared:
        chosen = aliases[: rng.randint(1, len(aliases))]
        aka = " aka " + ", ".join(f'"{a}"' for a in chosen)
        lines.append(f'key {name.ljust(width)} = "{text}"{aka}')
    lines.append("")

    def ref(avoid: str = "") -> str:
        if rng.random() < 0.8:
            return rng.choice([d for d in declared if d[0] != avoid])[0]
        _, text, aliases = rng.choice(FORM_KEYS)
        return f'key "{text}" aka "{aliases[0]}"' if rng.random() < 0.5 else f'key "{text}"'

    members: list[str] = []
    for _ in range(rng.randint(3, 5)):
        roll = rng.random()
        if roll < 0.6:
            members.append(_key_atom(rng, ref()))
        elif roll < 0.85:
            first = ref()
            members.append(f"({_key_atom(rng, first)} and {_key_atom(rng, ref(first))})")
        else:
            inner = f"{_key_atom(rng, ref(), allow_between=False)} or any key confidence < 50"
            members.append(f"({_sample(rng)} and ({inner}))")
    if rng.random() < 0.3 and not any(m.endswith(" missing") for m in members):
        members.append("any key missing")  # would repeat a `KEY missing` member otherwise
    if rng.random() < 0.3:
        members.append(_sample(rng))
    members = _distinct(members)
    for i, member in enumerate(members):
        comment = f"  {rng.choice(COMMENTS)}" if rng.random() < 0.2 else ""
        lines.append(("   " if i == 0 else "or ") + member + comment)
    return "\n".join(lines) + "\n"


def _distinct(members: list[str]) -> list[str]:
    """Drop repeated top-level members (a2icond's lint warns about them; users fix those)."""
    return list(dict.fromkeys(members))


def programs(count: int, seed: int = 2024) -> list[tuple[str, str]]:
    """`count` programs as `(source, text)`, half Rekognition and half Textract, interleaved."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        if i % 2 == 0:
            out.append(("rekognition", rekognition(rng)))
        else:
            out.append(("textract", textract(rng)))
    return out


def large_textract(limit: int = 10_240, seed: int = 7) -> str:
    """A Textract program whose compact JSON is as close to `limit` as a whole member allows.

    Grows a realistic program (declared keys with aliases, the same kinds of members as
    `textract`) one top-level member at a time; a member that would pass `limit` is skipped and
    another tried, until 200 tries in a row have failed.
    """
    rng = random.Random(seed)
    head = ["# the biggest program A2I accepts: every form key of the intake form", ""]
    head.append("source textract")
    head.append("")
    width = max(len(name) for name, _, _ in FORM_KEYS)
    for name, text, aliases in FORM_KEYS:
        aka = " aka " + ", ".join(f'"{a}"' for a in aliases)
        head.append(f'key {name.ljust(width)} = "{text}"{aka}')
    head.append("")
    names = [name for name, _, _ in FORM_KEYS]
    members: list[str] = []
    best = ""
    misses = 0
    while misses < 200:
        roll = rng.random()
        ref = rng.choice(names)
        if roll < 0.7:
            member = _key_atom(rng, ref)
        else:
            member = f"({_key_atom(rng, ref)} and {_key_atom(rng, rng.choice(names))})"
        candidate = [*members, member]
        body = [("   " if i == 0 else "or ") + m for i, m in enumerate(candidate)]
        text = "\n".join(head + body) + "\n"
        if _compact_size(text) > limit:
            misses += 1  # too big: try a smaller member to get closer to the limit
            continue
        members, best = candidate, text
    if not best:
        raise RuntimeError("could not build a program under the limit")
    audited = best + "or sample 1%  # audit a slice of everything\n"
    return audited if _compact_size(audited) <= limit else best


def _compact_size(text: str) -> int:
    """Size of the compact JSON of `text`; a size the compiler refused counts as too big."""
    import a2icond
    from a2icond.diagnostics import CompileError

    try:
        return len(a2icond.compile(text).to_json(compact=True))
    except CompileError as exc:
        if any("A2I takes at most" in d.message for d in exc.diagnostics):
            return 1 << 30
        raise
