"""The people who write to the demo company, some of them on two or three channels."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    name: str
    language: str
    # The sandbox platforms this person uses; the same person on each (one contact).
    platforms: tuple[str, ...]

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", ".").replace("é", "e").replace("ś", "s")

    @property
    def handle(self) -> str:
        return self.slug.replace(".", "_")

    @property
    def email(self) -> str:
        return f"{self.slug}@example.org"

    @property
    def numeric_id(self) -> str:
        return str(int(hashlib.sha256(self.name.encode()).hexdigest()[:12], 16))

    @property
    def bluesky_did(self) -> str:
        return f"did:plc:{hashlib.sha256(self.name.encode()).hexdigest()[:24]}"


PERSONAS = (
    Persona("Anna Schmidt", "de", ("x", "email", "webform")),
    Persona("Lukas Weber", "de", ("mastodon", "email")),
    Persona("Marie Dubois", "fr", ("facebook", "email", "x")),
    Persona("Jean Martin", "fr", ("x",)),
    Persona("Piotr Nowak", "pl", ("facebook", "webform")),
    Persona("Agnieszka Kowalska", "pl", ("mastodon",)),
    Persona("Erik Lindqvist", "sv", ("bluesky", "email")),
    Persona("Sara Johansson", "sv", ("instagram", "x")),
    Persona("Tom Baker", "en", ("x", "mastodon", "email")),
    Persona("Emily Clarke", "en", ("facebook",)),
    Persona("Jonas Becker", "de", ("bluesky",)),
    Persona("Léa Bernard", "fr", ("instagram", "webform")),
    Persona("Oskar Nilsson", "sv", ("email",)),
    Persona("Zofia Wójcik", "pl", ("x", "bluesky")),
    Persona("Mia Fischer", "de", ("webform", "instagram")),
    Persona("Hugo Petit", "fr", ("mastodon", "x")),
)
