# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 tcloud
WORKDIR /app

COPY pyproject.toml README.md ./
COPY . .
RUN pip install .

# Build-time steps need settings but no database or secrets of the deployment.
RUN DEBUG=true python manage.py compilemessages --ignore=.venv -v0 \
 && DEBUG=false SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 VERIFICATION_SIMULATOR=false \
    MEMBERS_REGISTRY=open_data MEMBERS_SMS_BACKEND=build.only.NoSMS \
    python manage.py collectstatic --noinput -v0

USER tcloud
EXPOSE 8000
CMD ["gunicorn", "tcloud.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
