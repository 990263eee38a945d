"""The Celery app: JSON only, late acks, time limits; settings under CELERY_*."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcloud.settings")

app = Celery("tcloud")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
