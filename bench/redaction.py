"""Redaction benchmark: clientvault's secret redactor against Presidio's pattern recognisers.

    .venv/bin/python bench/redaction.py
    .venv/bin/python bench/redaction.py --messages 5000 --repeats 1     # a quick check

It needs no database and no network. In this one process it builds two corpora of ticket-like
messages from the labelled set (tests/privacy/redaction_set.py), deterministic for a ``--seed``:

- ``mixed``: a greeting, 1 to 3 sentences of ordinary ticket prose and a sign-off; 10% of the
  messages (``--secret-share``) also carry a labelled case holding a secret and 40%
  (``--near-miss-share``) a near-miss (an order number, a telephone number, a date, prose about
  passwords...), each kind of case cycled in a shuffled order;
- ``dense``: every message carries one labelled case (four in five hold a secret).

Then, on each corpus, ``--repeats`` times, taking turns:

- clientvault: ``clientvault.privacy.redaction.redact`` on every message (find the secrets
  and build the redacted text);
- ``presidio_recognisers``: presidio-analyzer's ``CreditCardRecognizer`` and ``IbanRecognizer``
  (the ``bench`` extra), the pattern recognisers for the secrets both look for, called directly
  as ``recognizer.analyze(text, entities, nlp_artifacts=None)``: no NLP model, no engine around
  them, the cheapest way to run them;
- ``presidio_analyzer_engine``: the same two recognisers through an ``AnalyzerEngine`` with
  an NLP engine that does nothing (no spaCy model is downloaded), as an application calls it.

Presidio has no recogniser for card security codes, passwords, API keys or private keys.

Figures: messages per second of each (median of the repeats) and clientvault's ratio to each,
per corpus; recall and precision of each on the labelled set (counted by
tests/privacy/redaction_scoring.py), overall, on the kinds both look for (card numbers and
IBANs) and per kind, a found secret counting when it overlaps a labelled one of its kind
(Presidio's spans and clientvault's may differ by a separator), clientvault's with exact spans
too. Goals: a ratio of at least 20 to the recognisers on the mixed corpus, and
clientvault's recall and precision at least Presidio's on card numbers and IBANs. The last line
printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import log
from clientvault.privacy.redaction import SecretKind, redact
from tests.privacy.redaction_scoring import Score, score
from tests.privacy.redaction_set import CASES

GREETINGS = ["Hi,", "Hello support team,", "Hallo,", "Bonjour,", "Hola,", "Dear Sir or Madam,", ""]
PROSE = [
    "Our site has been slow since yesterday's update, could you have a look?",
    "I renewed example.com last week but the invoice still shows as open.",
    "The mailbox info@example.org rejects mail from our newsletter tool.",
    "Since the migration to PHP 8.3 the shop shows a blank page on checkout.",
    "Could you raise the upload limit to 64 MB for our WordPress site?",
    "The SSL certificate for shop.example.net expires in 5 days and did not renew.",
    "We moved the DNS to your name servers on 2026-05-17 but nothing resolves.",
    "Please cancel the second hosting package, we only need one.",
    "Wir haben seit heute Morgen keinen Zugriff mehr auf das Kundenmenü.",
    "Le site affiche une erreur 500 depuis ce matin, pouvez-vous vérifier ?",
    "La factura de mayo tiene un importe incorrecto, por favor revísenla.",
    "Mijn e-mail komt niet aan bij klanten met een Gmail-adres.",
    "I attached a screenshot of the error message from the control panel.",
    "Ticket 48213 was closed but the problem is still there.",
]
SIGN_OFFS = ["Thanks,\nAlex", "Best regards,\nM. Example", "Danke!", "Merci,\nClaire", "Cheers", ""]
Finder = Callable[[str], list[tuple[str, int, int]]]
PRESIDIO_KINDS = {"CREDIT_CARD": SecretKind.CARD, "IBAN_CODE": SecretKind.IBAN}
SHARED = (SecretKind.CARD, SecretKind.IBAN)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--messages", type=int, default=50_000, help="messages in the corpus")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each (median)")
    parser.add_argument("--seed", type=int, default=11, help="the corpora's shuffle")
    parser.add_argument(
        "--secret-share", type=float, default=0.1, help="mixed corpus: messages with a secret"
    )
    parser.add_argument(
        "--near-miss-share", type=float, default=0.4, help="mixed corpus: with a near-miss"
    )
    return parser.parse_args()


def build_corpus(count: int, seed: int, secret_share: float, near_miss_share: float) -> list[str]:
    """``count`` ticket-like messages: a greeting, 1 to 3 sentences of ticket prose and a
    sign-off; a share of them also carries a labelled case holding a secret, another share a
    near-miss (each kind of case cycled in a shuffled order, so every one of them is used)."""
    rng = random.Random(seed)
    secrets, near_misses = [c for c in CASES if c.secrets], [c for c in CASES if not c.secrets]
    rng.shuffle(secrets)
    rng.shuffle(near_misses)
    messages = []
    for index in range(count):
        parts = [rng.choice(GREETINGS), *rng.sample(PROSE, rng.randint(1, 3))]
        draw = rng.random()
        if draw < secret_share:
            parts.insert(rng.randint(1, len(parts)), secrets[index % len(secrets)].text)
        elif draw < secret_share + near_miss_share:
            parts.insert(rng.randint(1, len(parts)), near_misses[index % len(near_misses)].text)
        parts.append(rng.choice(SIGN_OFFS))
        messages.append("\n\n".join(part for part in parts if part))
    return messages


def dense_corpus(count: int, seed: int) -> list[str]:
    """``count`` messages each carrying one labelled case (the set cycled in a shuffled order:
    four in five hold a secret), between a greeting, 0 to 2 sentences of prose and a sign-off."""
    rng = random.Random(seed)
    order = list(CASES)
    rng.shuffle(order)
    messages = []
    for index in range(count):
        parts = [rng.choice(GREETINGS), *rng.sample(PROSE, rng.randint(0, 2))]
        parts.insert(rng.randint(1, len(parts)), order[index % len(order)].text)
        parts.append(rng.choice(SIGN_OFFS))
        messages.append("\n\n".join(part for part in parts if part))
    return messages


def presidio() -> tuple[Finder, Finder, str]:
    """Presidio's credit-card and IBAN recognisers: called directly, and through an
    AnalyzerEngine with only them and an NLP engine that does nothing; and presidio's version."""
    from importlib.metadata import version

    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, IbanRecognizer

    class NoNlp(NlpEngine):
        def load(self) -> None:
            pass

        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> NlpArtifacts:
            return NlpArtifacts([], [], [], [], nlp_engine=self, language=language)  # type: ignore[arg-type]

        def process_batch(self, texts: Any, language: str, *args: Any, **kwargs: Any) -> Any:
            return ((text, self.process_text(text, language)) for text in texts)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return ["en"]

    recognisers = [(CreditCardRecognizer(), ["CREDIT_CARD"]), (IbanRecognizer(), ["IBAN_CODE"])]
    registry = RecognizerRegistry(
        recognizers=[r for r, _ in recognisers], supported_languages=["en"]
    )
    engine = AnalyzerEngine(registry=registry, nlp_engine=NoNlp(), supported_languages=["en"])

    def direct(text: str) -> list[tuple[str, int, int]]:
        return [
            (PRESIDIO_KINDS[result.entity_type], result.start, result.end)
            for recogniser, entities in recognisers
            for result in recogniser.analyze(text, entities, nlp_artifacts=None)
        ]

    def through_engine(text: str) -> list[tuple[str, int, int]]:
        return [
            (PRESIDIO_KINDS[result.entity_type], result.start, result.end)
            for result in engine.analyze(text, language="en")
        ]

    return direct, through_engine, version("presidio-analyzer")


def clientvault_find(text: str) -> list[tuple[str, int, int]]:
    return [(finding.kind, finding.start, finding.end) for finding in redact(text).findings]


def timed(run: Callable[[str], object], corpus: Sequence[str]) -> float:
    started = time.perf_counter()
    for message in corpus:
        run(message)
    return time.perf_counter() - started


def speeds(
    finders: dict[str, Callable[[str], object]], corpus: Sequence[str], repeats: int
) -> dict[str, Any]:
    """Messages per second of each finder on ``corpus`` (median of ``repeats`` runs, the
    finders taking turns in each), and clientvault's over each of the others'."""
    seconds: dict[str, list[float]] = {name: [] for name in finders}
    for find in finders.values():  # warm up: compiled patterns, caches
        timed(find, corpus[:500])
    for repeat in range(repeats):
        for name, find in finders.items():
            seconds[name].append(timed(find, corpus))
        log(
            "  run "
            + str(repeat + 1)
            + ": "
            + ", ".join(f"{n} {s[-1]:.2f} s" for n, s in seconds.items())
        )
    rates = {name: len(corpus) / statistics.median(runs) for name, runs in seconds.items()}
    ours = rates["clientvault"]
    return {
        "messages": len(corpus),
        "with_secrets": sum(1 for message in corpus if redact(message).changed),
        "mean_characters": round(sum(map(len, corpus)) / len(corpus)),
        "messages_per_second": {name: round(rate) for name, rate in rates.items()},
        "ratio": {
            name: round(ours / rate, 2) for name, rate in rates.items() if name != "clientvault"
        },
        "seconds": {name: [round(s, 3) for s in runs] for name, runs in seconds.items()},
    }


def accuracy(result: Score, kinds: Iterable[str]) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "recall": round(result.recall(), 4),
        "precision": round(result.precision(), 4),
    }
    figures["per_kind"] = {
        kind: {
            "recall": round(result.recall(kind), 4),
            "precision": round(result.precision(kind), 4),
        }
        for kind in kinds
    }
    return figures


def measure_accuracy(finders: dict[str, Finder]) -> dict[str, Any]:
    """Recall and precision of each finder on the labelled set: overall (every kind), on the
    kinds both clientvault and Presidio look for, and per kind; spans counted when they
    overlap (clientvault's with exact spans too)."""
    everything = [str(kind) for kind in SecretKind]
    shared = [str(kind) for kind in SHARED]
    figures = {}
    for name, find in finders.items():
        figures[name] = accuracy(score(find, overlap=True), everything)
        figures[name]["shared_kinds"] = accuracy(score(find, kinds=shared, overlap=True), shared)
    figures["clientvault"]["exact_spans"] = accuracy(score(finders["clientvault"]), everything)
    return figures


def main() -> None:
    args = parse_args()
    load = os.getloadavg()[0]
    direct, engine, presidio_version = presidio()
    finders: dict[str, Finder] = {
        "clientvault": clientvault_find,
        "presidio_recognisers": direct,
        "presidio_analyzer_engine": engine,
    }
    timed_finders: dict[str, Callable[[str], object]] = {**finders, "clientvault": redact}
    corpora = {
        "mixed": build_corpus(args.messages, args.seed, args.secret_share, args.near_miss_share),
        "dense": dense_corpus(args.messages, args.seed),
    }
    result: dict[str, Any] = {"bench": "redaction", "presidio_version": presidio_version}
    result["corpora"] = {}
    for name, corpus in corpora.items():
        log(f"{name} corpus: {len(corpus):,} messages (load {os.getloadavg()[0]:.1f})")
        result["corpora"][name] = speeds(timed_finders, corpus, args.repeats)
    result["accuracy"] = measure_accuracy(finders)
    result |= settings(args, load) | goals(result)
    summary(result)
    print(json.dumps(result, separators=(",", ":")), flush=True)


def settings(args: argparse.Namespace, load: float) -> dict[str, Any]:
    return {
        "labelled_cases": len(CASES),
        "repeats": args.repeats,
        "seed": args.seed,
        "secret_share": args.secret_share,
        "near_miss_share": args.near_miss_share,
        "presidio_recognisers": ["CreditCardRecognizer", "IbanRecognizer"],
        "presidio_has_no_recogniser_for": ["cvc", "password", "api_key", "private_key"],
        "load_average_before": round(load, 2),
    }


def goals(result: dict[str, Any]) -> dict[str, Any]:
    ours = result["accuracy"]["clientvault"]["shared_kinds"]
    theirs = result["accuracy"]["presidio_recognisers"]["shared_kinds"]
    ratio = result["corpora"]["mixed"]["ratio"]["presidio_recognisers"]
    met = {
        "ratio_to_recognisers_at_least_20_on_mixed": ratio >= 20,
        "recall_at_least_presidios": ours["recall"] >= theirs["recall"],
        "precision_at_least_presidios": ours["precision"] >= theirs["precision"],
    }
    return {"goals": met, "goals_met": all(met.values())}


def summary(result: dict[str, Any]) -> None:
    for name, corpus in result["corpora"].items():
        print(
            f"{name} corpus: {corpus['messages']:,} messages, {corpus['with_secrets']:,} with a "
            f"secret, {corpus['mean_characters']} characters on average"
        )
        for finder, rate in corpus["messages_per_second"].items():
            ratio = corpus["ratio"].get(finder)
            shown = f"  (clientvault's ratio to it: {ratio})" if ratio else ""
            print(f"  {finder:<26} {rate:>9,} messages/s{shown}")
    print("Labelled set, overlapping spans          recall  precision")
    for finder, figures in result["accuracy"].items():
        rows = [("all kinds", figures), ("card + IBAN", figures["shared_kinds"])]
        rows += list(figures["per_kind"].items())
        for label, row in rows:
            print(f"  {finder:<26} {label:<12} {row['recall']:>7.3f}  {row['precision']:>8.3f}")
    exact = result["accuracy"]["clientvault"]["exact_spans"]
    print(
        f"  clientvault with exact spans: recall {exact['recall']}, precision {exact['precision']}"
    )
    print("Presidio has no recogniser for card security codes, passwords, API or private keys.")
    print(f"Goals met: {result['goals_met']} {result['goals']}")


if __name__ == "__main__":
    main()
