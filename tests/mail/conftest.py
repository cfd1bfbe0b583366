from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from portal.config import Settings
from tests.mail.servers import RealSmtp


@pytest.fixture
def smtp() -> Iterator[RealSmtp]:
    with RealSmtp() as server:
        yield server


@pytest.fixture
def smtp_settings(settings: Settings, smtp: RealSmtp) -> Settings:
    return dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_starttls=False)
