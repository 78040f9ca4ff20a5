"""The channels page's public addresses: what a user can open is a link, what only a platform
posts to is text to copy (following it answered 405)."""

from __future__ import annotations

import re

from django.test import Client

from channels.services import create_channel


def test_a_webhook_url_is_text_to_copy_and_a_web_form_a_link(staff_client: Client) -> None:
    hook = create_channel(kind="webhook", name="Partner", values={"secret": "very-secret-value"})
    form = create_channel(kind="webform", name="Contact", values={})

    page = staff_client.get("/channels/").content.decode()

    hook_url = re.escape(hook.webhook_url)
    assert re.search(rf"Webhook URL: <code>{hook_url}</code>", page)
    assert not re.search(rf'<a href="{hook_url}"', page)
    assert staff_client.get(hook.webhook_path).status_code == 405
    form_url = form.adapter().entry_points()["form"]
    assert f'Web form: <a href="{form_url}"><code>{form_url}</code></a>' in page
    assert staff_client.get(form.adapter().form_path).status_code == 200


def test_the_addresses_are_named_in_the_reader_s_language(staff_client: Client) -> None:
    create_channel(kind="webhook", name="Partner", values={"secret": "very-secret-value"})
    create_channel(kind="webform", name="Contact", values={})

    page = staff_client.get("/channels/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Webhook-URL: <code>" in page
    assert "Webformular: <a href=" in page
