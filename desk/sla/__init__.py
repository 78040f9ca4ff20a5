"""Service levels: due times and SLA states from policy + calendar + ticket timestamps.

Clocks of a ticket (each counted in business time of its policy's calendar):
- first response: from creation to the first public or holding reply;
- next response: from a customer message after our reply (or a reopening) to our next reply;
- resolution (optional): from creation to resolution;
- follow-up: from a holding reply to the answer it promised.
A reply counts when the platform accepted it, not when it was queued.
Waiting on the customer pauses them; the paused business time moves their due times.
The engine's writes are in `clocks`, its reads (a ticket's state) in `selectors`.
"""
