"""The demo's living traffic: new mentions in five languages, customers answering our
replies, and now and then a burst of complaints about one hashtag (a crisis to detect)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from channels.models import Channel
from desk.demo.data import MENTIONS
from desk.demo.personas import PERSONAS, Persona
from desk.demo.publish import publish
from tickets.models import Message

# Complaints about the event's ticket shop, all naming its hashtag: enough of them within the
# crisis window is a spike on the tracked term.
BURST = {
    "en": "The {tag} ticket shop is broken again, this is a disaster. Terrible service!",
    "de": "Der Ticketshop für {tag} ist schon wieder kaputt, eine Katastrophe. Schlechter Service!",
    "fr": "La billetterie {tag} est encore en panne, c'est une catastrophe. Service horrible !",
    "pl": "Sklep z biletami {tag} znowu nie działa, to katastrofa. Fatalna obsługa!",
    "sv": "Biljettbutiken för {tag} är trasig igen, en katastrof. Usel service!",
}
FOLLOW_UPS = {
    "en": "Thanks, but it still does not work for me. What else can I try?",
    "de": "Danke, aber bei mir geht es immer noch nicht. Was kann ich noch tun?",
    "fr": "Merci, mais ça ne marche toujours pas chez moi. Que puis-je essayer ?",
    "pl": "Dziękuję, ale u mnie nadal nie działa. Co jeszcze mogę zrobić?",
    "sv": "Tack, men det fungerar fortfarande inte för mig. Vad mer kan jag prova?",
}
BURST_SIZE = 6
# Platforms whose sent replies a customer can answer in the sandbox.
REPLYABLE = ("x", "facebook", "mastodon", "bluesky", "email")


@dataclass
class Stream:
    channels: dict[str, Channel]
    rng: random.Random
    crisis_every: int
    # The first burst comes early, so a visitor sees crisis detection within minutes.
    first_burst: int = 5
    tick: int = 0

    def step(self) -> str:
        """One beat of traffic; returns what happened, for the log."""
        self.tick += 1
        if self.tick == self.first_burst or (
            self.tick > self.first_burst and (self.tick - self.first_burst) % self.crisis_every == 0
        ):
            return self.burst()
        if self.tick % 4 == 0 and (answered := self.follow_up()):
            return answered
        return self.mention()

    def mention(self) -> str:
        persona = self.rng.choice(PERSONAS)
        platform = self.rng.choice(persona.platforms)
        category = self.rng.choice(list(MENTIONS))
        texts = MENTIONS[category].get(persona.language) or MENTIONS[category]["en"]
        self._publish(platform, persona, self.rng.choice(texts))
        return f"{category} mention from {persona.name} on {platform}"

    def follow_up(self) -> str:
        """A customer answers one of our replies that the sandbox accepted (within the reopen
        window, so a resolved ticket reopens as it would for real)."""
        names = {channel.pk: platform for platform, channel in self.channels.items()}
        since = timezone.now() - timedelta(days=settings.REOPEN_WINDOW_DAYS)
        sent = list(
            Message.objects.filter(
                direction=Message.Direction.OUTBOUND,
                delivery_state=Message.Delivery.SENT,
                channel__in=[c for p, c in self.channels.items() if p in REPLYABLE],
                conversation__contact__isnull=False,
                created_at__gte=since,
            )
            .exclude(platform_id=None)
            .select_related("conversation__contact")
            .order_by("-created_at")[:20]
        )
        self.rng.shuffle(sent)
        for message in sent:
            latest = message.conversation.messages.order_by("-created_at", "-id").first()
            persona = _persona(message.conversation.contact.display_name)
            if latest != message or persona is None:
                continue  # the customer has had their say already
            platform = names[message.channel_id]
            self._publish(
                platform,
                persona,
                FOLLOW_UPS[persona.language],
                parent_id=(message.platform_id or "").strip("<>"),
            )
            return f"{persona.name} answered our reply on {platform}"
        return ""

    def burst(self) -> str:
        year = timezone.now().year
        tag = f"#iico{year}"
        platforms = [p for p in ("x", "mastodon", "facebook", "bluesky") if p in self.channels]
        for n in range(BURST_SIZE):
            persona = PERSONAS[(self.tick + n) % len(PERSONAS)]
            platform = platforms[n % len(platforms)]
            self._publish(platform, persona, BURST[persona.language].format(tag=tag))
        return f"a burst of {BURST_SIZE} complaints about {tag}"

    def _publish(self, platform: str, persona: Persona, text: str, parent_id: str = "") -> None:
        publish(
            platform=platform,
            channel=self.channels[platform],
            persona=persona,
            text=text,
            at=timezone.now(),
            parent_id=parent_id,
        )


def _persona(name: str) -> Persona | None:
    return next((p for p in PERSONAS if p.name == name), None)
