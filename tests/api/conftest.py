"""Fixtures the API tests share: a registered worker and the card issued to them."""
import pytest


@pytest.fixture
def worker(register):
    return register(n=1)


@pytest.fixture
def card(client, auth, worker):
    return client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json[
        "qr"
    ]
