"""Manager dashboards: SLA compliance, response times, backlog, volume and mood.

Figures come from rollup tables (desk.dashboards.rollups) kept equal to a recomputation from
the tickets, plus a few live figures read straight from the open tickets.
"""
