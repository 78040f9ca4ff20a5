FROM node:22-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 1000 socialdesk
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0

USER socialdesk
EXPOSE 8000
CMD ["gunicorn", "desk.config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
