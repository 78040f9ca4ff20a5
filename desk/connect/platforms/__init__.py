"""The platforms an administrator can connect from the browser, by channel kind."""

from desk.connect.platforms.base import Connector
from desk.connect.platforms.bluesky import BlueskyConnector
from desk.connect.platforms.google import YouTubeConnector
from desk.connect.platforms.linkedin import LinkedInConnector
from desk.connect.platforms.mastodon import MastodonConnector
from desk.connect.platforms.meta import MetaConnector
from desk.connect.platforms.x import XConnector

CONNECTORS: dict[str, type[Connector]] = {
    connector.kind: connector
    for connector in (
        MetaConnector,
        XConnector,
        MastodonConnector,
        BlueskyConnector,
        YouTubeConnector,
        LinkedInConnector,
    )
}


def connector_for(kind: str) -> Connector | None:
    found = CONNECTORS.get(kind)
    return found() if found else None
