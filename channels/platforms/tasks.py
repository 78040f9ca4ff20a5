from celery import shared_task

from channels.platforms.actions import MAX_ATTEMPTS, run_action
from channels.platforms.tokens import check_token_lifetimes


@shared_task(
    bind=True, name="platforms.tasks.run_platform_action", acks_late=True, max_retries=MAX_ATTEMPTS
)
def run_platform_action(self, action_id: int) -> str:
    state = run_action(action_id=action_id, attempt=self.request.retries + 1)
    if state == "queued" and not self.request.is_eager:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))
    return state


@shared_task(name="platforms.tasks.check_tokens")
def check_tokens() -> dict[str, int]:
    """Refresh, warn about or disable channels whose token runs out (beat runs it as part of
    channels.tasks.check_channel_health)."""
    return check_token_lifetimes()
